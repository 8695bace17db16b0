"""An expected refusal is one warning line in the console, not a traceback (issue 15)."""

import logging

from django.urls import reverse


class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def console_lines(records) -> str:
    """The records as the configured console handler (its filters and formatter) would print them."""
    from config.log import ConsoleFormatter

    console = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, ConsoleFormatter))
    return "\n".join(console.format(r) for r in records)


def test_a_403_is_logged_as_one_warning_line_without_a_traceback(world, client_for):
    keep = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(keep)
    try:
        response = client_for(world.users.secretary).get(reverse("recruitment:org_import"))
    finally:
        logger.removeHandler(keep)
    assert response.status_code == 403
    [record] = keep.records
    assert record.levelno == logging.WARNING and record.exc_info  # Django attaches the exception
    printed = console_lines([record])
    assert "Forbidden (Permission denied): /org/orgs/import/" in printed
    assert "Traceback" not in printed and len(printed.splitlines()) == 1
    assert record.exc_info  # left for other handlers


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), sys.exc_info()
        )
    record.status_code = 500
    assert "Traceback" in console_lines([record])
