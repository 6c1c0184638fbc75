"""Bookings: the Booking type and what hangs off it, the queries, one module per mutation."""
