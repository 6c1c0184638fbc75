"""The collector and a long-running server: keep full collections off the objects of startup.

CPython's full collection stops the whole process for a time proportional to the objects it
visits (about 0.5 µs each on a small machine): with the ~150,000 objects that the imports, the
schema and the engine leave behind, every such pause would be longer by ~70 ms however few
clients are connected. Those objects live as long as the process, so once the app has started
they are moved out of the collector's sight (gc.freeze): the objects the clients make are still
collected as before."""

from __future__ import annotations

import gc


def settle() -> None:
    """Once startup is done: collect its garbage, then freeze what is left."""
    gc.collect()
    gc.freeze()
