"""`python -m salonbook.schema > schema.graphql` prints the schema the drift test compares."""

from salonbook.schema.schema import schema

print(schema.as_str())
