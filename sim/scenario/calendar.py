"""The day clock: day 0 is the scenario's start date; months are calendar months."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day-of-month `months` later, clamped to the month's last day."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_month(day: dt.date) -> dt.date:
    """The first day of the calendar month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(after: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every calendar month after `after`'s, up to `last`."""
    out, d = [], next_month(after)
    while d <= last:
        out.append(d)
        d = next_month(d)
    return out


def month_boundaries(start: dt.date, months: int) -> list[int]:
    """Day offsets of the starts of simulated months 0..months (the last is the horizon)."""
    return [(add_months(start, m) - start).days for m in range(months + 1)]


def day_of(start: dt.date, day: dt.date) -> int:
    """Day offset of a calendar date from the scenario start."""
    return (day - start).days


def date_of(start: dt.date, offset: int) -> dt.date:
    """Calendar date of a day offset."""
    return start + dt.timedelta(days=int(offset))
