"""People: the Person type, `me`, and the mutations on people."""
