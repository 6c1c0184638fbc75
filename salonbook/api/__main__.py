"""`python -m salonbook.api > schema.graphql` prints the schema the drift test compares."""

from salonbook.api.schema import schema

print(schema.as_str())
