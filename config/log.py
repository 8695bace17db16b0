"""Logging helpers named by ``LOGGING`` in the settings."""

import logging


class ConsoleFormatter(logging.Formatter):
    """An expected refusal (403 PermissionDenied, 400, 404) prints as one warning line from
    ``django.request``, not a traceback: Django attaches the exception to the record of every 4xx it
    logs. Server errors (5xx) keep theirs. The record itself is left as it is for other handlers."""

    def format(self, record: logging.LogRecord) -> str:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(record)
