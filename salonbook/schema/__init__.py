"""GraphQL shape only: types, inputs, result unions, error mapping and the Schema."""
