"""Services: the Service type, the `services` query, and upsertService."""
