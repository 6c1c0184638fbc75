"""One module per mutation on notes: its input, success type, result union and resolver."""
