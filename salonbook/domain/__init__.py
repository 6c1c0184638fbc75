"""The salonbook domain: statuses, the transition table, policies and errors. Pure Python."""
