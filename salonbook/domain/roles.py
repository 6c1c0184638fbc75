"""Who acts on a booking."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    STYLIST = "stylist"
    ADMIN = "admin"
    SYSTEM = "system"

    @property
    def sees_everything(self) -> bool:
        return self in (Role.ADMIN, Role.SYSTEM)
