"""One module per mutation on people: its input, success type, result union and resolver."""
