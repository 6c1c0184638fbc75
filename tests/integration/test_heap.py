"""The started server freezes its start-up objects and collects its young objects less often."""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from salonbook.garbage_collection import YOUNG_GENERATION


def test_a_started_app_has_frozen_its_start_up_objects(app: Starlette) -> None:
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_GENERATION
