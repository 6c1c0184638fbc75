"""One module per schedule mutation: its input, success type, result union and resolver."""
