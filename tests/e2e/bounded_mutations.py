"""The mutations whose inputs the bounds tests probe, each asking for what a refusal says."""

from __future__ import annotations

RESULT = "__typename ... on Error { code message } ... on ValidationFailedError { field }"
TRANSITION = f"""mutation($input: TransitionBookingInput!) {{
  transitionBooking(input: $input) {{ {RESULT} }} }}"""
RESCHEDULE = f"""mutation($input: RescheduleBookingInput!) {{
  rescheduleBooking(input: $input) {{ {RESULT} }} }}"""
DELETE = (
    f"""mutation($input: DeleteBookingInput!) {{ deleteBooking(input: $input) {{ {RESULT} }} }}"""
)
ERASE = f"""mutation($input: ErasePersonInput!) {{ erasePerson(input: $input) {{ {RESULT} }} }}"""
NOTE = (
    f"""mutation($input: AddStylistNoteInput!) {{ addStylistNote(input: $input) {{ {RESULT} }} }}"""
)
CREATE = (
    f"""mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{ {RESULT} }} }}"""
)
SERVICE = (
    f"""mutation($input: UpsertServiceInput!) {{ upsertService(input: $input) {{ {RESULT} }} }}"""
)
PERSON = (
    f"""mutation($input: UpsertPersonInput!) {{ upsertPerson(input: $input) {{ {RESULT} }} }}"""
)
SALON_SCHEDULE = f"""mutation($input: SetSalonScheduleInput!) {{
  setSalonSchedule(input: $input) {{ {RESULT} }} }}"""
WORKING_HOURS = f"""mutation($input: SetWorkingHoursInput!) {{
  setWorkingHours(input: $input) {{ {RESULT} }} }}"""
TIME_OFF = f"""mutation($input: AddTimeOffInput!) {{ addTimeOff(input: $input) {{ {RESULT} }} }}"""
CLOSURE = f"""mutation($input: AddClosureInput!) {{ addClosure(input: $input) {{ {RESULT} }} }}"""
