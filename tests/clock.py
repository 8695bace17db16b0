"""The one clock of the test suite. Every test runs at ``FROZEN_NOW`` (the clock ticks on from there,
so timeouts still work), whatever day the suite is run: the whole pytest process travels there at
start-up (``tests/conftest.py``), and a subprocess that must share the date (a Celery worker) is
started through :func:`frozen_command`. A test that needs another day moves the clock with the
``time_machine`` fixture or passes ``today=`` to the service it calls."""

from __future__ import annotations

import datetime as dt
import sys
from zoneinfo import ZoneInfo

FROZEN_NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = FROZEN_NOW.date()


def frozen_command(*argv: str) -> list[str]:
    """``python -c …`` that travels to FROZEN_NOW, then runs ``argv`` as ``python -m argv[0] argv[1:]``."""
    module, *args = argv
    code = (
        "import runpy, sys, time_machine, datetime as dt; "
        f"time_machine.travel(dt.datetime.fromisoformat({FROZEN_NOW.isoformat()!r}), tick=True).start(); "
        f"sys.argv = [{module!r}, *{args!r}]; "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-c", code]
