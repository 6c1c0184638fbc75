"""Use cases: one short async function each — load, ask the domain, write (the outbox too)."""
