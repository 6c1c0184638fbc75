"""Who is calling: bearer-token verification and the client's network address."""
