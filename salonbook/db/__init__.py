"""PostgreSQL: engine, tables, migrations and repositories (rows <-> domain objects)."""
