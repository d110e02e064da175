"""Rules of internships (tirocini extracurricolari): the internship of a case at a host of the
employers' roster, its start and its end with an outcome, and the hours attended each month,
which decide the stipend due.

Services change the session and write the audit trail; the view commits. Other parts may call:

- ``case_internships(case)``: a case's internships, latest first (one query), for its panel;
- ``visible_internships(user, status=...)``: a query of the internships ``user`` may see;
- ``attendance(internship)``: its months, planned and attended hours and the stipend due.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, format_decimal
from sqlalchemy.orm import contains_eager

from sportello.cases import services as case_services
from sportello.cases.models import Case, Track, TrackKind, TrackStage
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import today
from sportello.core.i18n import gettext
from sportello.core.i18n import lazy_gettext as _l
from sportello.extensions import db
from sportello.jobs import stages
from sportello.jobs.employers import can_choose, case_visibility
from sportello.jobs.models import (
    Internship,
    InternshipMonth,
    InternshipOutcome,
    InternshipStatus,
)

# How long an internship may last, extensions included. The national guidelines on
# extracurricular internships (agreement of the State and the Regions of 25 May 2017) and
# Emilia-Romagna's regional law on internships (L.R. 17/2005, as amended by L.R. 1/2019) set
# 12 months for most interns; only people with disabilities may go up to 24 months, which a desk
# records here as two internships.
MAX_MONTHS = 12
MAX_WEEKLY_HOURS = 40
# No stipend in the region comes near this: beyond it the amount was mistyped.
MAX_STIPEND = Decimal("5000")
# How far from today an internship's dates may be, either way.
MAX_YEARS_AWAY = 5
# The stipend is due in full from 70% of the month's planned hours (national guidelines, 2017).
FULL_STIPEND_SHARE = Decimal("0.7")
# Attended hours may go beyond the planned ones (recovered absences), up to half as many again.
MAX_OVER_PLANNED = Decimal("1.5")
MAX_PLANNED_HOURS = Decimal("250")
HALF = Decimal("0.5")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

END_BEFORE_START = _l("The end date is before the start date.")
STIPEND_RANGE = _l("The monthly stipend cannot be below zero; enter an amount up to 5,000 euro.")
WEEKLY_HOURS_RANGE = _l("Enter the hours a week, from 1 to 40.")
DATE_TOO_FAR = _l("Enter a date within five years of today.")
PLANNED_RANGE = _l("Enter the planned hours, more than 0 and at most 250.")


# ---- dates and hours -------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end(starts_on: date) -> date:
    """The last day an internship starting on ``starts_on`` may end (12 months in all)."""
    return add_months(starts_on, MAX_MONTHS) - timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s to ``last``'s."""
    months = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def weekdays(first: date, last: date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    start = first.weekday()
    count += sum(1 for n in range(rest) if (start + n) % 7 < 5)
    return count


def _half_hours(value: Decimal) -> Decimal:
    """Rounded to the half hour, with one decimal."""
    return ((value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2).quantize(TENTH)


def planned_hours(weekly_hours: int, starts_on: date, ends_on: date, month: date) -> Decimal:
    """The hours planned in ``month``: the weekly hours over five working days, times the working
    days of that month inside the internship's dates, to the half hour."""
    first = max(month_start(month), starts_on)
    last = min(month_end(month), ends_on)
    return _half_hours(Decimal(weekly_hours) * weekdays(first, last) / 5)


def stipend_for_month(internship: Internship, month: date) -> Decimal:
    """The stipend of ``month``: the monthly amount, in proportion to the month's working days
    inside the internship's dates when it covers the month only in part."""
    first = max(month_start(month), internship.starts_on)
    last = min(month_end(month), internship.ends_on)
    inside = weekdays(first, last)
    whole = weekdays(month_start(month), month_end(month))
    if inside >= whole or whole == 0:
        return internship.monthly_stipend
    return (internship.monthly_stipend * inside / whole).quantize(CENT, rounding=ROUND_HALF_UP)


# ---- queries ---------------------------------------------------------------------------------


def case_internships(case: Case) -> list[Internship]:
    """A case's internships with their hosts, latest start first: one query."""
    return list(
        db.session.scalars(
            sa.select(Internship)
            .where(Internship.case_id == case.id)
            .order_by(Internship.starts_on.desc(), Internship.id.desc())
        )
    )


def visible_internships(user, status: InternshipStatus | None = None) -> sa.Select:
    """The internships of the cases ``user`` may see, those ending soonest first."""
    query = (
        sa.select(Internship)
        .join(Internship.case)
        .options(contains_eager(Internship.case))
        .where(case_visibility(user))
    )
    if status is not None:
        query = query.where(Internship.status == status)
    return query.order_by(Internship.ends_on, Internship.id)


# ---- one internship --------------------------------------------------------------------------

INTERNSHIP_FIELDS = (
    "host_id",
    "role",
    "host_tutor",
    "promoter_tutor",
    "starts_on",
    "ends_on",
    "weekly_hours",
    "monthly_stipend",
    "programme",
    "note",
)


def clean_internship_values(values: dict[str, Any], internship: Internship | None = None) -> dict[str, Any]:
    """Check and normalise what the internship form sent; ``internship`` is the one edited.
    Raises FieldErrors with every problem found."""
    values = dict(values)
    errors: list[FieldError] = []
    for name in ("role", "host_tutor", "promoter_tutor", "programme"):
        values[name] = " ".join((values.get(name) or "").split())
    values["note"] = (values.get("note") or "").strip()
    if not values["role"]:
        errors.append(FieldError("role", _l("Enter the intern's role.")))
    if not can_choose(values.get("host_id"), internship.host_id if internship is not None else None):
        errors.append(FieldError("host_id", _l("Choose the host among the active employers.")))

    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    day = today()
    if starts_on is None:
        errors.append(FieldError("starts_on", _l("Enter the start date.")))
    elif abs((starts_on - day).days) > MAX_YEARS_AWAY * 366:
        errors.append(FieldError("starts_on", DATE_TOO_FAR))
        starts_on = None
    if ends_on is None:
        errors.append(FieldError("ends_on", _l("Enter the end date.")))
    elif starts_on is not None:
        if ends_on < starts_on:
            errors.append(FieldError("ends_on", END_BEFORE_START))
        elif ends_on > latest_end(starts_on):
            errors.append(
                FieldError(
                    "ends_on",
                    _l(
                        "An internship lasts at most 12 months: it may end on %(date)s at the latest.",
                        date=format_date(latest_end(starts_on)),
                    ),
                )
            )

    weekly = values.get("weekly_hours")
    if weekly is None or not 1 <= weekly <= MAX_WEEKLY_HOURS:
        errors.append(FieldError("weekly_hours", WEEKLY_HOURS_RANGE))
    stipend = values.get("monthly_stipend")
    if stipend is None or not 0 <= stipend <= MAX_STIPEND:
        errors.append(FieldError("monthly_stipend", STIPEND_RANGE))
    else:
        values["monthly_stipend"] = stipend.quantize(CENT)

    if internship is not None and starts_on is not None and ends_on is not None and not errors:
        outside = [row.month for row in internship.attendance if not month_start(starts_on) <= row.month <= ends_on]
        if outside:
            errors.append(
                FieldError(
                    "ends_on" if outside[0] > ends_on else "starts_on",
                    _l(
                        "Attendance is recorded for %(month)s, outside these dates.",
                        month=format_date(outside[0], "LLLL yyyy"),
                    ),
                )
            )
    if errors:
        raise FieldErrors(errors)
    return values


def _employment_track(case: Case, user) -> Track:
    """The case's employment track, added (at needs assessment) if the case has none."""
    track = next((track for track in case.tracks if track.kind is TrackKind.EMPLOYMENT), None)
    if track is None:
        track = case_services.add_track(case, TrackKind.EMPLOYMENT, user)
        db.session.flush()
        audit.record(Action.CREATE, track)
    return track


def create_internship(case: Case, values: dict[str, Any], user) -> Internship:
    """A planned internship of ``case`` from cleaned values (``clean_internship_values``); the
    case gets an employment track if it has none."""
    case_services.require_active(case)
    internship = Internship(case=case, case_id=case.id, status=InternshipStatus.PLANNED)
    for name in INTERNSHIP_FIELDS:
        setattr(internship, name, values[name])
    db.session.add(internship)
    db.session.flush()
    audit.record(Action.CREATE, internship)
    _employment_track(case, user)
    stages.refresh_stage(case.person_id)
    return internship


def update_internship(internship: Internship, values: dict[str, Any], *, version: Any) -> None:
    """Save the internship form, refused if it changed since the form was loaded."""
    check_version(internship, version)
    case_services.require_active(internship.case)
    for name in INTERNSHIP_FIELDS:
        setattr(internship, name, values[name])
    audit.record(Action.UPDATE, internship)
    stages.refresh_stage(internship.case.person_id)


def start_internship(internship: Internship, *, version: Any, on: date | None = None) -> None:
    """A planned internship begins (planned → running), from its start date on."""
    check_version(internship, version)
    case_services.require_active(internship.case)
    if internship.status is not InternshipStatus.PLANNED:
        raise RuleError(_l("Only a planned internship can start."))
    day = on or today()
    if day < internship.starts_on:
        raise RuleError(
            _l(
                "This internship starts on %(date)s: start it from that day, or change its dates.",
                date=format_date(internship.starts_on),
            )
        )
    internship.status = InternshipStatus.RUNNING
    audit.record(Action.UPDATE, internship)
    stages.refresh_stage(internship.case.person_id)


# An internship that never began can only have been interrupted.
INTERRUPTIONS = (InternshipOutcome.LEFT, InternshipOutcome.STOPPED)


def end_internship(internship: Internship, values: dict[str, Any], user, *, version: Any) -> None:
    """The internship ends with an outcome, a date and a note. Hired by the host: the case's
    employment track is completed."""
    check_version(internship, version)
    case_services.require_active(internship.case)
    if internship.status is InternshipStatus.ENDED:
        raise RuleError(_l("This internship has already ended."))
    errors: list[FieldError] = []
    outcome = values.get("outcome")
    if isinstance(outcome, str) and outcome in InternshipOutcome._value2member_map_:
        outcome = InternshipOutcome(outcome)
    if not isinstance(outcome, InternshipOutcome):
        errors.append(FieldError("outcome", _l("Choose how the internship ended.")))
    elif internship.status is InternshipStatus.PLANNED and outcome not in INTERRUPTIONS:
        errors.append(FieldError("outcome", _l("An internship that has not started can only end interrupted.")))
    on = values.get("outcome_on")
    if on is None:
        errors.append(FieldError("outcome_on", _l("Enter the date it ended.")))
    elif on > today():
        errors.append(FieldError("outcome_on", _l("This date is in the future.")))
    elif internship.status is InternshipStatus.RUNNING and on < internship.starts_on:
        errors.append(FieldError("outcome_on", _l("The internship cannot end before it started.")))
    if errors:
        raise FieldErrors(errors)
    note = (values.get("note") or "").strip()
    internship.status = InternshipStatus.ENDED
    internship.outcome = outcome
    internship.outcome_on = on
    if note:
        internship.note = f"{internship.note}\n\n{note}".strip()
    audit.record(Action.UPDATE, internship)
    if outcome is InternshipOutcome.HIRED:
        track = _employment_track(internship.case, user)
        if track.stage is not TrackStage.COMPLETED:
            text = gettext("Hired by %(host)s after the internship.", host=internship.host.name)
            case_services.change_stage(track, TrackStage.COMPLETED, text, user)
    stages.refresh_stage(internship.case.person_id)


# ---- attendance ------------------------------------------------------------------------------


@dataclass
class MonthRow:
    """A month of the internship: its recorded attendance, if any, and the stipend due."""

    month: date
    record: InternshipMonth | None
    planned: Decimal
    stipend: Decimal  # the stipend of this month if attended in full
    attended: Decimal | None = None
    share: Decimal | None = None  # attended / planned
    in_full: bool | None = None
    due: Decimal | None = None


@dataclass
class Attendance:
    months: list[MonthRow]
    due: Decimal  # the stipend due for the months recorded
    planned: Decimal  # the planned hours of the months recorded
    attended: Decimal


def month_due(internship: Internship, stipend: Decimal, planned: Decimal, attended: Decimal) -> Decimal:
    """A month's stipend: in full from 70% of the planned hours; below that, in proportion to the
    hours attended. The national guidelines fix only the 70% threshold; the proportional reading
    is the common one of regional rules, and the desk checks it against the funding programme."""
    if planned <= 0:
        return Decimal("0.00")
    share = attended / planned
    if share >= FULL_STIPEND_SHARE:
        return stipend
    return (stipend * share).quantize(CENT, rounding=ROUND_HALF_UP)


def attendance(internship: Internship) -> Attendance:
    """Every month of the internship, with what is recorded of it."""
    recorded = {row.month: row for row in internship.attendance}
    rows = []
    for month in sorted(set(months_between(internship.starts_on, internship.ends_on)) | set(recorded)):
        record = recorded.get(month)
        stipend = stipend_for_month(internship, month)
        if record is None:
            planned = planned_hours(internship.weekly_hours, internship.starts_on, internship.ends_on, month)
            rows.append(MonthRow(month, None, planned, stipend))
            continue
        planned, attended = record.planned_hours, record.attended_hours
        share = attended / planned if planned > 0 else Decimal(0)
        rows.append(
            MonthRow(
                month,
                record,
                planned,
                stipend,
                attended=attended,
                share=share,
                in_full=share >= FULL_STIPEND_SHARE,
                due=month_due(internship, stipend, planned, attended),
            )
        )
    done = [row for row in rows if row.record is not None]
    return Attendance(
        months=rows,
        due=sum((row.due for row in done), Decimal("0.00")),
        planned=sum((row.planned for row in done), Decimal("0")),
        attended=sum((row.attended for row in done), Decimal("0")),
    )


def next_month(internship: Internship) -> date | None:
    """The first month of the internship without attendance, up to the current one."""
    recorded = {row.month for row in internship.attendance}
    last = min(internship.ends_on, max(today(), internship.starts_on))
    for month in months_between(internship.starts_on, last):
        if month not in recorded:
            return month
    return None


def add_month(internship: Internship, values: dict[str, Any], user) -> InternshipMonth:
    """The hours attended in a month; the planned hours are worked out if not given."""
    case_services.require_active(internship.case)
    if internship.status is InternshipStatus.PLANNED:
        raise RuleError(_l("Start the internship before recording its attendance."))
    errors: list[FieldError] = []
    month = values.get("month")
    planned = values.get("planned_hours")
    attended = values.get("attended_hours")
    if month is None:
        errors.append(FieldError("month", _l("Choose the month.")))
    else:
        month = month_start(month)
        if not month_start(internship.starts_on) <= month <= internship.ends_on:
            errors.append(
                FieldError(
                    "month",
                    _l(
                        "This month is outside the internship, which runs from %(start)s to %(end)s.",
                        start=format_date(internship.starts_on),
                        end=format_date(internship.ends_on),
                    ),
                )
            )
        elif any(row.month == month for row in internship.attendance):
            errors.append(FieldError("month", _l("This month's attendance is already recorded.")))
        elif planned is None:
            planned = planned_hours(internship.weekly_hours, internship.starts_on, internship.ends_on, month)
    planned_ok = planned is not None and 0 < planned <= MAX_PLANNED_HOURS
    if planned is not None and not planned_ok:
        errors.append(FieldError("planned_hours", PLANNED_RANGE))
    if attended is None or attended < 0:
        errors.append(FieldError("attended_hours", _l("Enter the hours attended, 0 or more.")))
    elif planned_ok and attended > planned * MAX_OVER_PLANNED:
        errors.append(
            FieldError(
                "attended_hours",
                _l(
                    "At most %(max)s hours: half as many again as the planned hours.",
                    max=format_decimal(planned * MAX_OVER_PLANNED, format="#,##0.#"),
                ),
            )
        )
    if errors:
        raise FieldErrors(errors)
    planned, attended = planned.quantize(TENTH), attended.quantize(TENTH)
    row = InternshipMonth(
        month=month,
        planned_hours=planned,
        attended_hours=attended,
        note=(values.get("note") or "").strip(),
        recorded_by_id=user.id,
    )
    internship.attendance.append(row)
    db.session.flush()
    audit.record(
        Action.UPDATE,
        internship,
        {"attendance": [None, f"{month:%Y-%m}: {attended} / {planned}"]},
    )
    return row


def delete_month(internship: Internship, month_id: int) -> None:
    """Remove a month recorded by mistake; it can be recorded again."""
    case_services.require_active(internship.case)
    row = next((row for row in internship.attendance if row.id == month_id), None)
    if row is None:
        raise RuleError(_l("This month's attendance is not recorded."))
    text = f"{row.month:%Y-%m}: {row.attended_hours} / {row.planned_hours}"
    internship.attendance.remove(row)
    db.session.flush()
    audit.record(Action.UPDATE, internship, {"attendance": [text, None]})
