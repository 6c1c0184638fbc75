"""How hard the Hypothesis tests try. By default (CI) they are derandomized and bounded, so a
run is reproducible and quick; SALONBOOK_ATTACKS=long runs them with a fresh random seed and
twenty times the examples (and keeps failing examples in .hypothesis/ to replay them first);
give such a run time with SALONBOOK_TEST_HANG_SECONDS (tests/support/hang_guard.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

LONG = os.environ.get("SALONBOOK_ATTACKS", "ci") == "long"


def budget(examples: int, *, steps: int | None = None) -> settings:
    """Settings for `examples` examples in CI (of `steps` steps, for a state machine, whose
    failing run is reported as found in CI: shrinking real calls can take minutes)."""
    scale = 20 if LONG else 1
    skipped = (Phase.shrink, Phase.explain) if steps is not None and not LONG else ()
    return settings(
        phases=[phase for phase in Phase if phase not in skipped],
        max_examples=examples * scale,
        stateful_step_count=steps if steps is not None else 50,  # Hypothesis's default
        deadline=None,  # a real database: timings vary, correctness does not
        derandomize=not LONG,
        database=DirectoryBasedExampleDatabase(".hypothesis/examples") if LONG else None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
