"""Benchmarks of the salonbook service (run as modules, e.g. `python -m bench.realtime`)."""
