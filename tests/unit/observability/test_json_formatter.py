"""The JSON formatter: one line per record, its `fields` merged in, an exception as text
(tests/integration/observability/test_database_errors.py: what a database error carries)."""

from __future__ import annotations

import logging

import orjson

from salonbook.observability.logs import JsonFormatter


def test_a_record_is_one_json_line_with_its_fields_and_exception() -> None:
    try:
        raise ValueError("the outbox is \n unreadable")
    except ValueError as error:
        record = logging.LogRecord(
            "salonbook.tailer", logging.ERROR, __file__, 1, "read %d windows", (3,), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    record.fields = {"request_id": "r-1", "status": 500}
    record.created = 1_900_000_000.25

    written = JsonFormatter().format(record)

    assert "\n" not in written
    line = orjson.loads(written)
    exception = line.pop("exception")
    assert line == {
        "time": "2030-03-17T17:46:40.250+00:00",
        "level": "ERROR",
        "logger": "salonbook.tailer",
        "message": "read 3 windows",
        "request_id": "r-1",
        "status": 500,
    }
    assert exception.startswith("Traceback") and "ValueError: the outbox is" in exception
