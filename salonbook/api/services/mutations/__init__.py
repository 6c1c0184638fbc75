"""One module per mutation on services: its input, success type, result union and resolver."""
