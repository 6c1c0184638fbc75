"""Around every operation: cached documents, the one schema extension, top-level error shaping,
and inputs built in one call."""
