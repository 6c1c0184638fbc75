"""The domain's enums, exposed by name."""

from __future__ import annotations

import strawberry

from salonbook.domain.errors import ErrorCode
from salonbook.domain.refunds import RefundPolicy
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus

BookingStatusEnum = strawberry.enum(BookingStatus, name="BookingStatus")
BookingActionEnum = strawberry.enum(BookingAction, name="BookingAction")
RoleEnum = strawberry.enum(Role, name="Role")
RefundPolicyEnum = strawberry.enum(RefundPolicy, name="RefundPolicy")
ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")
