"""The GraphQL API, by feature: bookings, people, services, notes, the subscription; the
execution machinery apart (salonbook/api/execution/), the Schema in schema.py."""
