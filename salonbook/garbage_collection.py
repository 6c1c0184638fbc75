"""The collector and a long-running server: keep full collections off the objects of startup.

CPython's full collection stops the whole process for a time proportional to the objects it
visits, and the imports, the schema and the engine leave a great many behind: every such pause
would be long however few clients are connected (docs/benchmarks.md has the figures). Those
objects live as long as the process, so once the app has started they are moved out of the
collector's sight (gc.freeze): the objects the clients make are still collected as before. A
larger young generation lets most of a request's objects die by reference counting before any
collection looks at them (the dashboard query makes thousands)."""

from __future__ import annotations

import gc

YOUNG_GENERATION = 10_000
"""Allocations between two young collections (CPython's default is 700)."""


def freeze_startup_objects() -> None:
    """Once startup is done: collect its garbage, then freeze what is left."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
