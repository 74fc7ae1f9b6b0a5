"""Review intervals such as ``6 months`` or ``never``, and date arithmetic with them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .texts import N_

# Every unit word front matter may use, English or Dutch, singular or plural -> the canonical unit.
_UNITS = {
    **{word: unit for unit in ("days", "weeks", "months", "years") for word in (unit, unit[:-1])},
    **{"dag": "days", "dagen": "days", "week": "weeks", "weken": "weeks"},
    **{"maand": "months", "maanden": "months", "jaar": "years", "jaren": "years"},
}
_NEVER = ("never", "nooit")
_LONGEST = {"days": 36525, "weeks": 5218, "months": 1200, "years": 100}
_GRAMMAR = re.compile(r"^\s*(\d{1,4})\s*([^\W\d_]+)\s*$")


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
    """Parse ``"<n> day(s)|week(s)|month(s)|year(s)"`` or ``"never"``; raise ValueError otherwise.

    Dutch units are read too (``3 maanden``, ``1 jaar``, ``nooit``): people write front matter in
    their own language. Errors name the canonical English form.
    """
    if not isinstance(text, str):
        raise ValueError(
            N_(
                'review interval must be text like "6 months" or "never", not {kind}',
                kind=type(text).__name__,
            )
        )
    if text.strip().lower() in _NEVER:
        return NEVER
    match = _GRAMMAR.match(text)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    if not match or unit is None or int(match.group(1)) == 0:
        expected = N_(
            '"{text}" is not a review interval '
            '(expected "<n> days|weeks|months|years" with n ≥ 1, or "never")',
            text=text,
        )
        hint = _suggestion(text)
        raise ValueError(
            N_("{error}; did you mean {hint}?", error=expected, hint=hint) if hint else expected
        )
    interval = Interval(int(match.group(1)), unit)
    if interval.count > _LONGEST[interval.unit]:
        # Longer than a century is "never" in practice, and it keeps due dates inside the calendar.
        raise ValueError(
            N_('"{text}" is longer than 100 years; write "never" for an evergreen page', text=text)
        )
    return interval


def _suggestion(text: str) -> str:
    """``"3 months"`` for a near miss such as ``3 maandn`` or ``3 monhts`` ("" for none)."""
    import difflib  # only for a value that is wrong: no start-up cost for the others

    words = text.strip().lower().split()
    if len(words) == 1 and words[0] not in _NEVER:
        close = difflib.get_close_matches(words[0], _NEVER, n=1, cutoff=0.6)
        return '"never"' if close else ""
    match = re.fullmatch(r"(\d{1,4})\s*([^\W\d_]+)", " ".join(words))
    if not match or int(match.group(1)) == 0:
        return ""
    close = difflib.get_close_matches(match.group(2), _UNITS, n=1, cutoff=0.6)
    if not close:
        return ""
    return f'"{Interval(int(match.group(1)), _UNITS[close[0]])}"'
