"""Date arithmetic of the rule book: full years of age, anniversaries and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years. A 29 Feb birthday falls on 1 Mar in non-leap years (R1)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary; 29 Feb → 1 Mar in a non-leap target year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb).
    "Within one month of D" means on or before add_months(D, 1)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
