"""One module per booking mutation: its input, success type, result union and resolver."""
