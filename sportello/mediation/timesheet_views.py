"""Timesheets: a mediator's month (submit, approve, return), its exports, the coordinators'
overview of a month and the hours report for funders."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sportello.auth.models import Desk
from sportello.core.concurrency import StaleEdit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import text_direction
from sportello.core.permissions import require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation import roster, timesheets
from sportello.mediation.models import MANAGER_ROLES, Mediator
from sportello.mediation.services import mediator_of
from sportello.mediation.timesheet_forms import ApproveForm, OverviewForm, ReportForm, ReturnForm, SubmitForm

bp = Blueprint("timesheets", __name__, url_prefix="/mediation/timesheets")

MONTH_ROLES = (*MANAGER_ROLES, Role.MEDIATOR)


@bp.app_template_filter("timesheet_hours")
def timesheet_hours(value) -> str:
    """Hours with two decimals, in the viewer's locale: "21,50"."""
    return "" if value is None else format_decimal(value, "#,##0.00")


def _month_or_404(mediator_id: int, year: int, month: int) -> Mediator:
    """The mediator whose month is asked for: 404 if there is no such month or mediator, 403
    unless the user is that mediator, an admin or a coordinator."""
    if not timesheets.valid_month(year, month):
        abort(404)
    mediator = db.session.get(Mediator, mediator_id)
    if mediator is None:
        abort(404)
    if not mediator.can_see_timesheets(current_user):
        abort(403)
    return mediator


# ---- a mediator's month -----------------------------------------------------------------------


@bp.get("/<int:mediator_id>/<int:year>/<int:month>")
@require_roles(*MONTH_ROLES)
def month(mediator_id: int, year: int, month: int):
    mediator = _month_or_404(mediator_id, year, month)
    return _month_page(timesheets.month_of(mediator, year, month))


def _month_page(data: timesheets.Month, status: int = 200, error: Any = None, stale: bool = False, **forms: Any):
    version = data.version
    submit_form = forms.get("submit_form") or SubmitForm(formdata=None, version=version)
    approve_form = forms.get("approve_form") or ApproveForm(formdata=None, version=version)
    return_form = forms.get("return_form") or ReturnForm(formdata=None, version=version)
    for form in (submit_form, approve_form, return_form):
        form.version.data = version  # after a refused stale save: the version shown now
    previous = timesheets.shift_month(data.year, data.month, -1)
    following = timesheets.shift_month(data.year, data.month, 1)
    return render_template(
        "mediation/timesheets/month.html",
        data=data,
        submit_form=submit_form,
        approve_form=approve_form,
        return_form=return_form,
        can_submit=data.may_submit(current_user),
        can_review=data.may_review(current_user),
        previous=previous,
        following=following,
        error=error,
        stale=stale,
        failed=forms.get("failed", ""),
        today=today(),
    ), status


def _act(mediator_id: int, year: int, month: int, form: Any, form_name: str, action, done: str):
    """A button on the month page: the form, the service, one commit, back to the page; bad
    input shows the page again (422), a save from an older page too (409), nothing typed lost."""
    mediator = _month_or_404(mediator_id, year, month)
    error = None
    if form.validate_on_submit():
        try:
            action(mediator, form)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            error = problem.message
        except (StaleEdit, StaleDataError, IntegrityError):
            db.session.rollback()
            data = timesheets.month_of(db.session.get(Mediator, mediator_id), year, month)
            return _month_page(data, 409, stale=True, failed=form_name, **{form_name: form})
        else:
            flash(done, "success")
            return redirect(url_for("timesheets.month", mediator_id=mediator_id, year=year, month=month))
    data = timesheets.month_of(mediator, year, month)
    return _month_page(data, 422, error=error, failed=form_name, **{form_name: form})


@bp.post("/<int:mediator_id>/<int:year>/<int:month>/submit")
@require_roles(Role.MEDIATOR)
def submit(mediator_id: int, year: int, month: int):
    form = SubmitForm()

    def action(mediator: Mediator, form: SubmitForm) -> None:
        timesheets.submit(mediator, year, month, current_user, form.note.data or "", version=form.version.data)

    return _act(mediator_id, year, month, form, "submit_form", action, _("Timesheet submitted for approval."))


@bp.post("/<int:mediator_id>/<int:year>/<int:month>/approve")
@require_roles(*MANAGER_ROLES)
def approve(mediator_id: int, year: int, month: int):
    form = ApproveForm()

    def action(mediator: Mediator, form: ApproveForm) -> None:
        timesheets.approve(mediator, year, month, current_user, version=form.version.data)

    return _act(mediator_id, year, month, form, "approve_form", action, _("Timesheet approved."))


@bp.post("/<int:mediator_id>/<int:year>/<int:month>/return")
@require_roles(*MANAGER_ROLES)
def return_sheet(mediator_id: int, year: int, month: int):
    form = ReturnForm()

    def action(mediator: Mediator, form: ReturnForm) -> None:
        timesheets.return_sheet(
            mediator, year, month, current_user, form.review_note.data or "", version=form.version.data
        )

    return _act(mediator_id, year, month, form, "return_form", action, _("Timesheet returned to the mediator."))


# ---- exports ----------------------------------------------------------------------------------


def _download(data: bytes, mimetype: str, filename: str, disposition: str = "attachment") -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _export(mediator_id: int, year: int, month: int, kind: str) -> Response:
    mediator = _month_or_404(mediator_id, year, month)
    data = timesheets.month_of(mediator, year, month)
    if kind == "csv":
        body, mimetype, disposition = timesheets.month_csv(data), "text/csv; charset=utf-8", "attachment"
    elif kind == "xlsx":
        body = timesheets.month_xlsx(data)
        mimetype, disposition = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment"
    else:
        body = timesheets.month_pdf(data, language=str(get_locale()), direction=text_direction())
        mimetype, disposition = "application/pdf", "inline"
    timesheets.record_download(mediator, year, month, kind)
    db.session.commit()
    return _download(body, mimetype, timesheets.export_name(data, kind), disposition)


@bp.get("/<int:mediator_id>/<int:year>/<int:month>.csv")
@require_roles(*MONTH_ROLES)
def month_csv(mediator_id: int, year: int, month: int):
    return _export(mediator_id, year, month, "csv")


@bp.get("/<int:mediator_id>/<int:year>/<int:month>.xlsx")
@require_roles(*MONTH_ROLES)
def month_xlsx(mediator_id: int, year: int, month: int):
    return _export(mediator_id, year, month, "xlsx")


@bp.get("/<int:mediator_id>/<int:year>/<int:month>.pdf")
@require_roles(*MONTH_ROLES)
def month_pdf(mediator_id: int, year: int, month: int):
    return _export(mediator_id, year, month, "pdf")


# ---- the coordinators' overview -----------------------------------------------------------------


@bp.get("/")
@require_roles(*MONTH_ROLES)
def index():
    if current_user.role is Role.MEDIATOR:
        mediator = mediator_of(current_user)
        if mediator is None:
            abort(403)
        now = today()
        return redirect(url_for("timesheets.month", mediator_id=mediator.id, year=now.year, month=now.month))
    form = OverviewForm(request.args)
    form.status.choices = select_choices([("", _("Any")), *timesheets.status_choices()])
    valid = form.validate()
    chosen = form.month.data if valid and form.month.data else None
    if chosen is None:
        year, month = timesheets.shift_month(today().year, today().month, -1)
        chosen = date(year, month, 1)
        if not form.month.errors:
            form.month.data = chosen
    page = None
    if valid and timesheets.valid_month(chosen.year, chosen.month):
        page = timesheets.overview(
            chosen.year,
            chosen.month,
            form.status.data or "",
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["ITEMS_PER_PAGE"],
        )
    return render_template(
        "mediation/timesheets/index.html",
        form=form,
        page=page,
        year=chosen.year,
        month=chosen.month,
        title=timesheets.month_title(chosen.year, chosen.month),
    ), 200 if page is not None else 422


# ---- the hours report -------------------------------------------------------------------------


def _report_form() -> tuple[ReportForm, timesheets.ReportFilters | None]:
    form = ReportForm(request.args)
    form.project.choices = select_choices(
        [
            ("", _("Any project")),
            ("0", _("No project")),
            *((str(p.id), f"{p.code} — {p.name}") for p in roster.projects()),
        ]
    )
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    everything = _("All desks") if current_user.role is Role.ADMIN else _("All my desks")
    form.desk.choices = select_choices([("", everything), *((str(d.id), d.name) for d in desks)])
    now = today()
    if not form.date_from.data and not form.date_from.errors and "date_from" not in request.args:
        form.date_from.data = date(now.year, 1, 1)
    if not form.date_to.data and not form.date_to.errors and "date_to" not in request.args:
        form.date_to.data = now
    if not form.validate():
        return form, None
    project = form.project.data or ""
    filters = timesheets.ReportFilters(
        date_from=form.date_from.data or date(now.year, 1, 1),
        date_to=form.date_to.data or now,
        project_id=int(project) if project.isdigit() else None,
        desk_id=int(form.desk.data) if (form.desk.data or "").isdigit() else None,
    )
    return form, filters


@bp.get("/report")
@require_roles(*MANAGER_ROLES)
def report():
    form, filters = _report_form()
    report = timesheets.hours_report(current_user, filters) if filters is not None else None
    return _report_page(form, report)


def _report_page(form: ReportForm, report):
    return render_template("mediation/timesheets/report.html", form=form, report=report), (
        200 if report is not None else 422
    )


def _report_export(kind: str):
    form, filters = _report_form()
    if filters is None:
        return _report_page(form, None)
    report = timesheets.hours_report(current_user, filters)
    body = timesheets.report_csv(report) if kind == "csv" else timesheets.report_xlsx(report)
    timesheets.record_report_download(filters, kind)
    db.session.commit()
    mimetype = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"mediation-hours-{filters.date_from.isoformat()}-{filters.date_to.isoformat()}.{kind}"
    return _download(body, mimetype, name)


@bp.get("/report.csv")
@require_roles(*MANAGER_ROLES)
def report_csv():
    return _report_export("csv")


@bp.get("/report.xlsx")
@require_roles(*MANAGER_ROLES)
def report_xlsx():
    return _report_export("xlsx")
