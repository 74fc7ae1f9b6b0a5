"""Review intervals such as ``6 months`` or ``never``, and date arithmetic with them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_LONGEST = {"days": 36525, "weeks": 5218, "months": 1200, "years": 100}
_GRAMMAR = re.compile(r"^\s*(\d{1,4})\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


class OutOfRange(ValueError):
    """A date moved by an interval would leave the calendar (before year 1 or after 9999)."""

    def __init__(self, day: date, interval: Interval, sign: int) -> None:
        way = "after" if sign > 0 else "before"
        super().__init__(
            f"{interval} {way} {day.isoformat()} is outside the calendar "
            f"({date.min.isoformat()} to {date.max.isoformat()})"
        )


@dataclass(frozen=True)
class Interval:
    """A calendar interval; ``count == 0`` with unit ``never`` means the page is evergreen."""

    count: int
    unit: str  # "days" | "weeks" | "months" | "years" | "never"

    @property
    def never(self) -> bool:
        return self.unit == "never"

    def after(self, start: date) -> date:
        """Return ``start`` moved forward by this interval (month ends clamp, like calendars do)."""
        if self.never:
            raise ValueError("an evergreen interval has no end")
        return self._shift(start, 1)

    def before(self, end: date) -> date:
        """Return ``end`` moved back by this interval."""
        if self.never:
            raise ValueError("an evergreen interval has no start")
        return self._shift(end, -1)

    def _shift(self, day: date, sign: int) -> date:
        try:
            if self.unit in ("days", "weeks"):
                return day + sign * timedelta(**{self.unit: self.count})
            months = self.count * (12 if self.unit == "years" else 1)
            return add_months(day, sign * months)
        except (OverflowError, ValueError):
            raise OutOfRange(day, self, sign) from None

    def __str__(self) -> str:
        if self.never:
            return "never"
        unit = self.unit if self.count != 1 else self.unit[:-1]
        return f"{self.count} {unit}"


NEVER = Interval(0, "never")


def add_months(start: date, months: int) -> date:
    """Add (or subtract) whole months, clamping the day to the end of a shorter month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def parse_interval(text: object) -> Interval:
    """Parse ``"<n> day(s)|week(s)|month(s)|year(s)"`` or ``"never"``; raise ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(
            f'review interval must be text like "6 months" or "never", not {type(text).__name__}'
        )
    if text.strip().lower() == "never":
        return NEVER
    match = _GRAMMAR.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(
            f'"{text}" is not a review interval '
            '(expected "<n> days|weeks|months|years" with n ≥ 1, or "never")'
        )
    interval = Interval(int(match.group(1)), _UNITS[match.group(2).lower()])
    if interval.count > _LONGEST[interval.unit]:
        # Longer than a century is "never" in practice, and it keeps due dates inside the calendar.
        raise ValueError(f'"{text}" is longer than 100 years; write "never" for an evergreen page')
    return interval
