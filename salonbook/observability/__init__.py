"""Metrics (Prometheus, one registry per app) and JSON logs (one line per request)."""
