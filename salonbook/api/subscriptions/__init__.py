"""The bookingEvents subscription: its types, its resolver, its graphql-transport-ws transport
and the results its subscribers share."""
