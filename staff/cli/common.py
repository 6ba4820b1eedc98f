"""What every staff command shares: one-line errors instead of tracebacks, dates (absolute or relative to
--today), and plain-text tables."""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from bot.dates import format_date, parse_relative
from bot.errors import StoreError
from bot.plans.model import Dose, Interval, Phase
from bot.wording.plan import every

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    """Turn store and database failures into one clear line for staff (exit 1)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except click.ClickException:
            raise
        except StoreError as error:  # StoreUnavailable too: it says what is wrong with the database
            raise click.ClickException(str(error)) from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except ImportError as error:
            raise click.ClickException(f"this command needs a module that is missing: {error}") from None

    return wrapper  # type: ignore[return-value]


class DateParam(click.ParamType):
    """YYYY-MM-DD, or relative to today: today, today-3d, today+2w, today-1m."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        relative = parse_relative(text, _today_from(ctx))
        if relative is None:
            self.fail(f"{text!r} is not a date (use YYYY-MM-DD, today, today-3d, today-2w)", param, ctx)
        return relative


DATE = DateParam()


def _today_from(ctx: click.Context | None) -> date:
    """`--today` of the command when given (tests, demos), else the real date."""
    while ctx is not None:
        today = ctx.params.get("today")
        if isinstance(today, date):
            return today
        ctx = ctx.parent
    return date.today()


def today_option(fn: F) -> F:
    return click.option(
        "--today",
        type=DATE,
        default=None,
        is_eager=True,
        help="Pretend today is this date (YYYY-MM-DD); default: the real date.",
    )(fn)


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def fmt(value: Any) -> str:
    """A readable rendering of any status value: dates as `2 Nov 2026`, None as a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{format_date(value.date())} {value:%H:%M} UTC"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Interval):
        return every(value)
    if isinstance(value, Phase):
        return value.kind
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(fmt(v) for v in value) or "-"
    if dataclasses.is_dataclass(value) and not isinstance(value, Dose):
        return "; ".join(
            f"{f.name.replace('_', ' ')} {fmt(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
    return str(value)
