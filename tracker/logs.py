"""The log line's shape: UTC times in ISO 8601 with milliseconds, as text or as JSON (LOG_FORMAT)."""

import datetime as dt
import logging

from pythonjsonlogger.json import JsonFormatter


def utc_time(record: logging.LogRecord) -> str:
    """The record's moment as 2026-12-24T21:30:00.123Z."""
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UtcFormatter(logging.Formatter):
    """Text lines: `2026-12-24T21:30:00.123Z WARNING locations.live message`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: ARG002 (logging passes it)
        """The record's UTC moment (datefmt is not used)."""
        return utc_time(record)


class UtcJsonFormatter(JsonFormatter):
    """One JSON object a line: time, level, logger, message, and the traceback when there is one."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: ARG002 (logging passes it)
        """The record's UTC moment (datefmt is not used)."""
        return utc_time(record)
