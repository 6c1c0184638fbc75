"""What a browser is served besides the API: GraphiQL's page and its shipped assets."""
