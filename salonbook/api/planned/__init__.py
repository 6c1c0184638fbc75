"""Planned reads: a query whose selection lies within `bookings` and `booking(id)` and their
nested objects is answered by one statement per root field, its JSON built by PostgreSQL and
assembled in Python, instead of field by field (see executor.py)."""
