"""Timesheets: a mediator's month of sessions, submitted by the mediator, approved (and then
final) by a coordinator; the coordinators' overview of a month, the exports for payment, and the
hours report for funders.

A month without a Timesheet row is open. Services check the rules, write the audit trail and
flush; the view commits.
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date, format_decimal

from sportello.cases.models import Case
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, RuleError
from sportello.core.forms import today
from sportello.core.home import HomeItem
from sportello.core.i18n import gettext, ngettext
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import language_title
from sportello.core.model import utcnow
from sportello.core.pagination import ListPage
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation.models import (
    MANAGER_ROLES,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    Mode,
    SessionStatus,
    Setting,
    Timesheet,
    TimesheetStatus,
)

CENT = Decimal("0.01")
# The status filter's value for a month without a timesheet row.
OPEN = "open"


# ---- months and who sees them -----------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def valid_month(year: int, month: int) -> bool:
    return 2000 <= year <= 2100 and 1 <= month <= 12


def shift_month(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + step
    return index // 12, index % 12 + 1


def month_title(year: int, month: int) -> str:
    """ "gennaio 2026" in the viewer's language."""
    return format_date(date(year, month, 1), "LLLL y")


def is_manager(user) -> bool:
    return user.role in MANAGER_ROLES


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, ROUND_HALF_UP)


def amount_for(minutes: int, rate: Decimal) -> Decimal:
    return (Decimal(minutes) * Decimal(rate) / 60).quantize(CENT, ROUND_HALF_UP)


# ---- a mediator's month -----------------------------------------------------------------------


@dataclass
class Line:
    """A session as the timesheet shows it: never the person's name, only the case reference
    or the outside service."""

    id: int
    on_date: date
    starts_at: time
    ends_at: time
    minutes: int
    language: str
    setting: Setting
    mode: Mode
    status: SessionStatus
    project_code: str
    reference: str
    outside_service: str

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def where(self) -> str:
        return self.reference or self.outside_service


@dataclass
class Total:
    """Hours of one language, setting or project (``key`` None: sessions without a project)."""

    key: Any
    label: str
    minutes: int = 0
    sessions: int = 0

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


def _totals(lines: Iterable[Line], key, label) -> list[Total]:
    out: dict[Any, Total] = {}
    for line in lines:
        k = key(line)
        total = out.get(k)
        if total is None:
            total = out[k] = Total(k, label(k))
        total.minutes += line.minutes
        total.sessions += 1
    return list(out.values())


@dataclass
class Month:
    mediator: Mediator
    year: int
    month: int
    sheet: Timesheet | None
    lines: list[Line]

    @property
    def first_day(self) -> date:
        return month_bounds(self.year, self.month)[0]

    @property
    def last_day(self) -> date:
        return month_bounds(self.year, self.month)[1]

    @property
    def title(self) -> str:
        return month_title(self.year, self.month)

    @property
    def status(self) -> str:
        """ "open", or the timesheet's status value."""
        return self.sheet.status.value if self.sheet is not None else OPEN

    @property
    def status_title(self) -> Any:
        return self.sheet.status.title if self.sheet is not None else _l("Open")

    @property
    def version(self) -> int | str:
        return self.sheet.version if self.sheet is not None else ""

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def hourly_rate(self) -> Decimal:
        """The rate written at submission once the month is submitted, else the mediator's."""
        if self.sheet is not None and self.sheet.status is not TimesheetStatus.RETURNED:
            return self.sheet.hourly_rate
        return self.mediator.hourly_rate

    @property
    def amount(self) -> Decimal:
        return amount_for(self.minutes, self.hourly_rate)

    def count(self, status: SessionStatus) -> int:
        return sum(1 for line in self.lines if line.status is status)

    @property
    def by_language(self) -> list[Total]:
        totals = _totals(self.lines, lambda line: line.language, language_title)
        return sorted(totals, key=lambda t: t.label.casefold())

    @property
    def by_setting(self) -> list[Total]:
        totals = _totals(self.lines, lambda line: line.setting, lambda s: str(s.title))
        return sorted(totals, key=lambda t: t.label.casefold())

    @property
    def by_project(self) -> list[Total]:
        no_project = str(_l("No project"))
        totals = _totals(self.lines, lambda line: line.project_code or None, lambda k: k or no_project)
        return sorted(totals, key=lambda t: (t.key is None, t.label.casefold()))

    @property
    def can_submit_from(self) -> date:
        return self.last_day

    def may_submit(self, user) -> bool:
        return self.mediator.is_account_of(user) and self.status in (OPEN, TimesheetStatus.RETURNED.value)

    def may_review(self, user) -> bool:
        return is_manager(user) and self.status == TimesheetStatus.SUBMITTED.value


def find_timesheet(mediator_id: int, year: int, month: int) -> Timesheet | None:
    return db.session.scalar(
        sa.select(Timesheet).where(
            Timesheet.mediator_id == mediator_id, Timesheet.year == year, Timesheet.month == month
        )
    )


def month_lines(mediator_id: int, year: int, month: int) -> list[Line]:
    """The month's sessions with what the timesheet shows of them, in one query."""
    first, last = month_bounds(year, month)
    rows = db.session.execute(
        sa.select(
            MediationSession.id,
            MediationSession.on_date,
            MediationSession.starts_at,
            MediationSession.ends_at,
            MediationSession.minutes,
            MediationSession.language,
            MediationSession.setting,
            MediationSession.mode,
            MediationSession.status,
            FundingProject.code,
            Case.reference,
            MediationRequest.outside_service,
        )
        .join(MediationRequest, MediationSession.request_id == MediationRequest.id)
        .outerjoin(Case, MediationRequest.case_id == Case.id)
        .outerjoin(FundingProject, MediationSession.project_id == FundingProject.id)
        .where(
            MediationSession.mediator_id == mediator_id,
            MediationSession.on_date >= first,
            MediationSession.on_date <= last,
        )
        .order_by(MediationSession.on_date, MediationSession.starts_at, MediationSession.id)
    )
    return [
        Line(
            id=row[0],
            on_date=row[1],
            starts_at=row[2],
            ends_at=row[3],
            minutes=row[4],
            language=row[5],
            setting=row[6],
            mode=row[7],
            status=row[8],
            project_code=row[9] or "",
            reference=row[10] or "",
            outside_service=row[11] or "",
        )
        for row in rows
    ]


def month_of(mediator: Mediator, year: int, month: int) -> Month:
    """A mediator's month: the timesheet row (if any) and the sessions, two queries."""
    return Month(mediator, year, month, find_timesheet(mediator.id, year, month), month_lines(mediator.id, year, month))


# ---- the rules --------------------------------------------------------------------------------


def _final(sheet: Timesheet) -> RuleError:
    return RuleError(
        _l(
            "The timesheet for %(month)s was approved on %(date)s and is final: it can no longer change.",
            month=month_title(sheet.year, sheet.month),
            date=format_date(sheet.approved_at, "medium") if sheet.approved_at else "",
        )
    )


def _label(mediator: Mediator, year: int, month: int) -> str:
    return f"{mediator.name} {year}-{month:02d}"


def submit(mediator: Mediator, year: int, month: int, user, note: str, *, version: Any) -> Timesheet:
    """The mediator hands in their month: once it has ended, with every session sent back put
    right; an empty month only with a note. A returned month may be submitted again."""
    if not mediator.is_account_of(user):
        raise RuleError(_l("Only the mediator can submit their own timesheet."))
    note = (note or "").strip()
    sheet = find_timesheet(mediator.id, year, month)
    if sheet is not None:
        if sheet.status is TimesheetStatus.APPROVED:
            raise _final(sheet)
        if sheet.status is TimesheetStatus.SUBMITTED:
            raise RuleError(
                _l(
                    "The timesheet for %(month)s is already submitted and waits for the coordinator's approval.",
                    month=month_title(year, month),
                )
            )
        check_version(sheet, version)
    last = month_bounds(year, month)[1]
    if today() < last:
        raise RuleError(
            _l(
                "The timesheet for %(month)s can be submitted from %(date)s, the last day of the month.",
                month=month_title(year, month),
                date=format_date(last, "long"),
            )
        )
    lines = month_lines(mediator.id, year, month)
    queried = sum(1 for line in lines if line.status is SessionStatus.QUERIED)
    if queried:
        raise RuleError(
            ngettext(
                "%(num)s session of the month was sent back by the desk: put it right before submitting.",
                "%(num)s sessions of the month were sent back by the desk: put them right before submitting.",
                queried,
            )
        )
    if not lines and not note:
        raise FieldError(
            "note", _l("There are no sessions this month: say why in a note to submit it with zero hours.")
        )
    minutes = sum(line.minutes for line in lines)
    created = sheet is None
    if created:
        sheet = Timesheet(mediator_id=mediator.id, mediator=mediator, year=year, month=month)
        db.session.add(sheet)
    sheet.status = TimesheetStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    sheet.minutes = minutes
    sheet.hourly_rate = mediator.hourly_rate
    sheet.amount = amount_for(minutes, mediator.hourly_rate)
    sheet.note = note
    audit.record(Action.CREATE if created else Action.UPDATE, sheet, label=_label(mediator, year, month))
    return sheet


def _sheet_to_review(mediator: Mediator, year: int, month: int, user, version: Any) -> Timesheet:
    if not is_manager(user):
        raise RuleError(_l("Only a coordinator can review timesheets."))
    sheet = find_timesheet(mediator.id, year, month)
    if sheet is None:
        raise RuleError(_l("The mediator has not submitted the timesheet for this month yet."))
    if sheet.status is TimesheetStatus.APPROVED:
        raise _final(sheet)
    check_version(sheet, version)
    if sheet.status is TimesheetStatus.RETURNED:
        raise RuleError(
            _l("This timesheet was returned to the mediator: it can be reviewed once they submit it again.")
        )
    return sheet


def approve(mediator: Mediator, year: int, month: int, user, *, version: Any) -> Timesheet:
    """Approve a submitted month once the desk has confirmed every session; the totals are worked
    out again from the sessions and kept. An approved timesheet is final."""
    sheet = _sheet_to_review(mediator, year, month, user, version)
    lines = month_lines(mediator.id, year, month)
    waiting = sum(1 for line in lines if line.status is not SessionStatus.CONFIRMED)
    if waiting:
        raise RuleError(
            ngettext(
                "%(num)s session of the month still waits for the desk's confirmation: it must be confirmed first.",
                "%(num)s sessions of the month still wait for the desk's confirmation: they must be confirmed first.",
                waiting,
            )
        )
    sheet.minutes = sum(line.minutes for line in lines)
    sheet.amount = amount_for(sheet.minutes, sheet.hourly_rate)
    sheet.status = TimesheetStatus.APPROVED
    sheet.approved_by_id = user.id
    sheet.approved_by = user
    sheet.approved_at = utcnow()
    audit.record(Action.UPDATE, sheet, label=_label(mediator, year, month))
    return sheet


def return_sheet(mediator: Mediator, year: int, month: int, user, reason: str, *, version: Any) -> Timesheet:
    """Send a submitted month back to the mediator with the reason: the month is open again."""
    sheet = _sheet_to_review(mediator, year, month, user, version)
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("review_note", _l("Say what the mediator should put right."))
    sheet.status = TimesheetStatus.RETURNED
    sheet.review_note = reason
    audit.record(Action.UPDATE, sheet, label=_label(mediator, year, month))
    return sheet


def record_download(mediator: Mediator, year: int, month: int, kind: str) -> None:
    audit.record(
        Action.DOWNLOAD,
        mediator,
        {"timesheet": [None, f"{year}-{month:02d}"], "format": [None, kind]},
        label=_label(mediator, year, month),
    )


# ---- the coordinators' overview -----------------------------------------------------------------


@dataclass
class OverviewRow:
    mediator_id: int
    name: str
    active: bool
    logged_minutes: int
    confirmed_minutes: int
    waiting: int
    status: TimesheetStatus | None

    @property
    def logged_hours(self) -> Decimal:
        return hours(self.logged_minutes)

    @property
    def confirmed_hours(self) -> Decimal:
        return hours(self.confirmed_minutes)

    @property
    def status_title(self) -> Any:
        return self.status.title if self.status is not None else _l("Open")


class RowsPage(ListPage):
    """A counted page whose rows were fetched with LIMIT/OFFSET (the pager macro's shape)."""

    def __init__(self, items: list, total: int, page: int, per_page: int) -> None:
        super().__init__([], 1, per_page)
        self.total = total
        self.pages = max(1, -(-total // per_page))
        self.page = min(max(1, page), self.pages)
        self.items = items


def overview(year: int, month: int, status: str, *, page: int, per_page: int) -> RowsPage:
    """Every active mediator, and any other with sessions in the month: hours logged and
    confirmed, sessions waiting for confirmation, the timesheet's status. Two queries (the count
    and the page), whatever the roster's size."""
    first, last = month_bounds(year, month)
    confirmed = sa.case((MediationSession.status == SessionStatus.CONFIRMED, MediationSession.minutes), else_=0)
    waiting = sa.case((MediationSession.status == SessionStatus.LOGGED, 1), else_=0)
    sessions = (
        sa.select(
            MediationSession.mediator_id.label("mediator_id"),
            sa.func.sum(MediationSession.minutes).label("logged"),
            sa.func.sum(confirmed).label("confirmed"),
            sa.func.sum(waiting).label("waiting"),
        )
        .where(MediationSession.on_date >= first, MediationSession.on_date <= last)
        .group_by(MediationSession.mediator_id)
        .subquery()
    )
    query = (
        sa.select(
            Mediator.id,
            Mediator.name,
            Mediator.active,
            sa.func.coalesce(sessions.c.logged, 0),
            sa.func.coalesce(sessions.c.confirmed, 0),
            sa.func.coalesce(sessions.c.waiting, 0),
            Timesheet.status,
        )
        .outerjoin(sessions, sessions.c.mediator_id == Mediator.id)
        .outerjoin(
            Timesheet,
            sa.and_(Timesheet.mediator_id == Mediator.id, Timesheet.year == year, Timesheet.month == month),
        )
        .where(sa.or_(Mediator.active.is_(True), sessions.c.mediator_id.is_not(None)))
    )
    if status == OPEN:
        query = query.where(Timesheet.id.is_(None))
    elif status:
        query = query.where(Timesheet.status == TimesheetStatus(status))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(query.order_by(Mediator.name, Mediator.id).limit(per_page).offset((page - 1) * per_page))
    items = [OverviewRow(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5]), r[6]) for r in rows]
    return RowsPage(items, total, page, per_page)


def status_choices() -> list[tuple[str, Any]]:
    return [(OPEN, _l("Open")), *TimesheetStatus.choices()]


# ---- home -------------------------------------------------------------------------------------


def to_approve_home_section(user) -> list[HomeItem]:
    """Submitted timesheets waiting for approval, the oldest first."""
    if not is_manager(user):
        return []
    sheets = db.session.scalars(
        sa.select(Timesheet)
        .where(Timesheet.status == TimesheetStatus.SUBMITTED)
        .order_by(Timesheet.submitted_at, Timesheet.id)
        .limit(20)
    )
    return [
        HomeItem(
            title=f"{sheet.mediator.name} · {month_title(sheet.year, sheet.month)}",
            url=url_for("timesheets.month", mediator_id=sheet.mediator_id, year=sheet.year, month=sheet.month),
            detail=gettext(
                "%(hours)s hours · submitted on %(date)s",
                hours=format_decimal(hours(sheet.minutes), "#,##0.00"),
                date=format_date(sheet.submitted_at, "medium") if sheet.submitted_at else "",
            ),
        )
        for sheet in sheets
    ]


# ---- the hours report for funders -------------------------------------------------------------


@dataclass
class ReportFilters:
    date_from: date
    date_to: date
    project_id: int | None = None  # 0: sessions without a project
    desk_id: int | None = None


@dataclass
class ReportRow:
    label: str
    sessions: int
    minutes: int
    project_code: str = ""
    project_name: str = ""

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass
class Report:
    filters: ReportFilters
    by_language_project: list[ReportRow] = field(default_factory=list)
    by_setting: list[ReportRow] = field(default_factory=list)

    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.by_setting)

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.by_setting)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


def _report_conditions(user, filters: ReportFilters) -> list:
    conditions = [
        MediationSession.status == SessionStatus.CONFIRMED,
        MediationSession.on_date >= filters.date_from,
        MediationSession.on_date <= filters.date_to,
    ]
    if filters.project_id == 0:
        conditions.append(MediationSession.project_id.is_(None))
    elif filters.project_id:
        conditions.append(MediationSession.project_id == filters.project_id)
    if filters.desk_id:
        conditions.append(MediationRequest.desk_id == filters.desk_id)
    if user.role is not Role.ADMIN:  # coordinators: the sessions of their desks
        conditions.append(MediationRequest.desk_id.in_(user.desk_ids))
    return conditions


def hours_report(user, filters: ReportFilters) -> Report:
    """Confirmed hours by language and funding project, and by setting, with session counts:
    two grouped queries."""
    conditions = _report_conditions(user, filters)
    count, minutes = sa.func.count(MediationSession.id), sa.func.sum(MediationSession.minutes)
    by_language = db.session.execute(
        sa.select(MediationSession.language, FundingProject.code, FundingProject.name, count, minutes)
        .join(MediationRequest, MediationSession.request_id == MediationRequest.id)
        .outerjoin(FundingProject, MediationSession.project_id == FundingProject.id)
        .where(*conditions)
        .group_by(MediationSession.language, FundingProject.id, FundingProject.code, FundingProject.name)
    )
    by_setting = db.session.execute(
        sa.select(MediationSession.setting, count, minutes)
        .join(MediationRequest, MediationSession.request_id == MediationRequest.id)
        .where(*conditions)
        .group_by(MediationSession.setting)
    )
    no_project = str(_l("No project"))
    report = Report(filters)
    report.by_language_project = sorted(
        (
            ReportRow(language_title(language), int(n), int(m or 0), code or "", name or no_project)
            for language, code, name, n, m in by_language
        ),
        key=lambda r: (r.label.casefold(), r.project_code == "", r.project_code),
    )
    report.by_setting = sorted(
        (ReportRow(str(setting.title), int(n), int(m or 0)) for setting, n, m in by_setting),
        key=lambda r: r.label.casefold(),
    )
    return report


def record_report_download(filters: ReportFilters, kind: str) -> None:
    audit.record_event(
        Action.DOWNLOAD,
        "MediationReport",
        f"{filters.date_from.isoformat()} – {filters.date_to.isoformat()}",
        {
            "format": kind,
            "date_from": filters.date_from.isoformat(),
            "date_to": filters.date_to.isoformat(),
            "project_id": filters.project_id,
            "desk_id": filters.desk_id,
        },
        desk_id=filters.desk_id,
    )


# ---- exports ----------------------------------------------------------------------------------


def _csv(rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a byte order mark and semicolons, as Italian Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number(value: Decimal) -> str:
    return format_decimal(value, "0.00")


def line_headers() -> list[str]:
    return [
        gettext("Date"),
        gettext("Start time"),
        gettext("End time"),
        gettext("Minutes"),
        gettext("Hours"),
        gettext("Language"),
        gettext("Setting"),
        gettext("Mode"),
        gettext("Funding project"),
        gettext("Case or service"),
        gettext("Status"),
    ]


def month_csv(data: Month) -> bytes:
    rows: list[list[Any]] = [line_headers()]
    for line in data.lines:
        rows.append(
            [
                line.on_date.isoformat(),
                line.starts_at.strftime("%H:%M"),
                line.ends_at.strftime("%H:%M"),
                line.minutes,
                _number(line.hours),
                language_title(line.language),
                str(line.setting.title),
                str(line.mode.title),
                line.project_code,
                line.where,
                str(line.status.title),
            ]
        )
    return _csv(rows)


def _workbook():
    from openpyxl import Workbook

    book = Workbook()
    return book, book.active


def _sheet_title(text: Any) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    cleaned = "".join(c for c in str(text) if c not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


def _header(sheet, values: list[Any]) -> None:
    from openpyxl.styles import Font

    sheet.append([str(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _total_rows(sheet, title: Any, totals: list[Total]) -> None:
    sheet.append([])
    _header(sheet, [title, gettext("Sessions"), gettext("Hours")])
    for total in totals:
        sheet.append([total.label, total.sessions, float(total.hours)])
        sheet.cell(sheet.max_row, 3).number_format = "0.00"


def month_xlsx(data: Month) -> bytes:
    """Two sheets: the sessions, and the totals with the amount."""
    from openpyxl.styles import Font

    book, sheet = _workbook()
    sheet.title = _sheet_title(gettext("Sessions"))
    _header(sheet, line_headers())
    for line in data.lines:
        sheet.append(
            [
                line.on_date,
                line.starts_at,
                line.ends_at,
                line.minutes,
                float(line.hours),
                language_title(line.language),
                str(line.setting.title),
                str(line.mode.title),
                line.project_code,
                line.where,
                str(line.status.title),
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "yyyy-mm-dd"
        sheet.cell(row, 2).number_format = "hh:mm"
        sheet.cell(row, 3).number_format = "hh:mm"
        sheet.cell(row, 5).number_format = "0.00"
    sheet.append([gettext("Total"), None, None, data.minutes, float(data.hours)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.cell(sheet.max_row, 5).number_format = "0.00"
    _widths(sheet, [12, 8, 8, 9, 8, 18, 22, 14, 18, 22, 26])
    sheet.freeze_panes = "A2"

    totals = book.create_sheet(_sheet_title(gettext("Totals")))
    totals.append([gettext("Mediator"), data.mediator.name])
    totals.append([gettext("Month"), f"{data.year}-{data.month:02d}"])
    totals.append([gettext("Status"), str(data.status_title)])
    totals.append([gettext("Hours"), float(data.hours)])
    totals.append([gettext("Hourly rate"), float(data.hourly_rate)])
    totals.append([gettext("Amount"), float(data.amount)])
    for row in range(1, totals.max_row + 1):
        totals.cell(row, 1).font = Font(bold=True)
    totals.cell(4, 2).number_format = "0.00"
    totals.cell(5, 2).number_format = "#,##0.00 [$€-410]"
    totals.cell(6, 2).number_format = "#,##0.00 [$€-410]"
    _total_rows(totals, gettext("Language"), data.by_language)
    _total_rows(totals, gettext("Setting"), data.by_setting)
    _total_rows(totals, gettext("Funding project"), data.by_project)
    _widths(totals, [26, 14, 10])
    return _save(book)


def report_headers() -> tuple[list[str], list[str]]:
    return (
        [
            gettext("Language"),
            gettext("Project code"),
            gettext("Funding project"),
            gettext("Sessions"),
            gettext("Hours"),
        ],
        [gettext("Setting"), gettext("Sessions"), gettext("Hours")],
    )


def report_csv(report: Report) -> bytes:
    """Two tables, one under the other: by language and project, then by setting."""
    language_header, setting_header = report_headers()
    rows: list[list[Any]] = [
        [
            gettext(
                "Confirmed hours from %(start)s to %(end)s",
                start=report.filters.date_from.isoformat(),
                end=report.filters.date_to.isoformat(),
            )
        ],
        [],
        language_header,
    ]
    for row in report.by_language_project:
        rows.append([row.label, row.project_code, row.project_name, row.sessions, _number(row.hours)])
    rows.append([gettext("Total"), "", "", report.sessions, _number(report.hours)])
    rows += [[], setting_header]
    for row in report.by_setting:
        rows.append([row.label, row.sessions, _number(row.hours)])
    rows.append([gettext("Total"), report.sessions, _number(report.hours)])
    return _csv(rows)


def report_xlsx(report: Report) -> bytes:
    from openpyxl.styles import Font

    language_header, setting_header = report_headers()
    book, sheet = _workbook()
    sheet.title = _sheet_title(gettext("By language and project"))
    _header(sheet, language_header)
    for row in report.by_language_project:
        sheet.append([row.label, row.project_code, row.project_name, row.sessions, float(row.hours)])
        sheet.cell(sheet.max_row, 5).number_format = "0.00"
    sheet.append([gettext("Total"), None, None, report.sessions, float(report.hours)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.cell(sheet.max_row, 5).number_format = "0.00"
    _widths(sheet, [20, 18, 36, 10, 10])
    sheet.freeze_panes = "A2"

    settings = book.create_sheet(_sheet_title(gettext("By setting")))
    _header(settings, setting_header)
    for row in report.by_setting:
        settings.append([row.label, row.sessions, float(row.hours)])
        settings.cell(settings.max_row, 3).number_format = "0.00"
    settings.append([gettext("Total"), report.sessions, float(report.hours)])
    for cell in settings[settings.max_row]:
        cell.font = Font(bold=True)
    settings.cell(settings.max_row, 3).number_format = "0.00"
    _widths(settings, [26, 10, 10])
    return _save(book)


def month_pdf(data: Month, *, language: str, direction: str) -> bytes:
    from sportello.core import pdf

    return pdf.render_pdf(
        "pdf/timesheet.html",
        data=data,
        language=language,
        direction=direction,
        page_counter=pdf.page_counter(gettext("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")),
        generated=format_date(today(), "long"),
    )


def export_name(data: Month, extension: str) -> str:
    from anyascii import anyascii

    slug = "".join(c if c.isalnum() else "-" for c in anyascii(data.mediator.name).lower())
    slug = "-".join(part for part in slug.split("-") if part)
    return f"timesheet-{slug or data.mediator.id}-{data.year}-{data.month:02d}.{extension}"
