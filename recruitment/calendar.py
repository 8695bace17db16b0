"""Working days (工作日) on the department's calendar: Monday–Friday, except the exceptions it enters
(holidays on weekdays, 调休 weekend working days). A year without any entry is counted Monday–Friday and
reported as provisional, so a 公示 judged on it says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import WorkCalendarDay


@dataclass(frozen=True)
class WorkingDays:
    count: int
    provisional_years: tuple[int, ...]  # years counted Monday–Friday because nobody entered their calendar

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def note(self) -> str:
        if not self.provisional:
            return ""
        years = "、".join(f"{y}年" for y in self.provisional_years)
        return f"（{years}工作日历尚未维护，暂按周一至周五计算）"


def working_days(start: dt.date, end: dt.date) -> WorkingDays:
    """Working days from ``start`` to ``end``, both included (one query)."""
    if end < start:
        return WorkingDays(0, ())
    exceptions = dict(
        WorkCalendarDay.objects.filter(date__year__gte=start.year, date__year__lte=end.year).values_list(
            "date", "is_workday"
        )
    )
    maintained = {d.year for d in exceptions}
    count, day = 0, start
    while day <= end:
        if exceptions.get(day, day.weekday() < 5):
            count += 1
        day += dt.timedelta(days=1)
    years = tuple(y for y in range(start.year, end.year + 1) if y not in maintained)
    return WorkingDays(count, years)
