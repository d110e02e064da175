"""Internships (tirocini), their attendance and outcome.

An internship belongs to a case: the staff of the case's desk see and keep it. Rules live in
``jobs.internships``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_percent
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from sportello.cases.models import Case
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.jobs import employers, internships
from sportello.jobs.internship_forms import ConfirmForm, EndForm, InternshipForm, MonthForm, VersionForm
from sportello.jobs.models import (
    INTERNSHIP_FIELDS,
    STAFF_ROLES,
    Internship,
    InternshipOutcome,
    InternshipStatus,
)

bp = Blueprint("internships", __name__, url_prefix="/jobs/internships")

STAFF = tuple(STAFF_ROLES)


def register(app: Flask) -> None:
    from sportello.core import audit

    app.register_blueprint(bp)
    audit.register_labels(
        "Internship",
        _l("Internship"),
        INTERNSHIP_FIELDS | {"attendance": _l("Attendance")},
        {"status": InternshipStatus, "outcome": InternshipOutcome},
    )


def _values(form: InternshipForm) -> dict[str, Any]:
    values = {name: form[name].data for name in internships.INTERNSHIP_FIELDS}
    values["host_id"] = int(form.host_id.data) if (form.host_id.data or "").isdigit() else None
    return values


def _record(internship_id: int, *, edit: bool = False) -> Internship:
    return get_visible_or_404(Internship, internship_id, edit=edit, options=(selectinload(Internship.attendance),))


def _to_page(internship_id: int, anchor: str | None = None):
    return redirect(url_for("internships.internship", internship_id=internship_id, _anchor=anchor))


# ---- a new internship, editing one ------------------------------------------------------------


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
@require_roles(*STAFF)
def new(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    form = InternshipForm()
    form.set_choices(employers.employer_choices())
    if request.method == "GET":
        form.host_id.data = str(request.args.get("host_id", type=int) or "")
    if form.validate_on_submit():
        try:
            internship = internships.create_internship(
                case, internships.clean_internship_values(_values(form)), current_user
            )
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        else:
            flash(_("Internship saved. It starts on %(date)s.", date=format_date(internship.starts_on)), "success")
            return _to_page(internship.id)
    status = 200 if request.method == "GET" else 422
    return render_template("jobs/internships/form.html", form=form, case=case, internship=None), status


def _saved_form(internship: Internship) -> InternshipForm:
    data = {name: getattr(internship, name) for name in internships.INTERNSHIP_FIELDS}
    data["host_id"] = str(internship.host_id)
    data["version"] = internship.version
    form = InternshipForm(formdata=None, data=data)
    form.set_choices(employers.employer_choices(internship.host_id))
    return form


@bp.route("/<int:internship_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit(internship_id: int):
    internship = _record(internship_id, edit=True)
    if request.method == "POST":
        form = InternshipForm()
        form.set_choices(employers.employer_choices(internship.host_id))
    else:
        form = _saved_form(internship)
    outcome = save_edit(
        form,
        internship,
        lambda: internships.update_internship(
            internship,
            internships.clean_internship_values(_values(form), internship),
            version=form.version.data,
        ),
        _saved_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return _to_page(internship.id)
    return render_template(
        "jobs/internships/form.html",
        form=form,
        case=outcome.obj.case,
        internship=outcome.obj,
        conflict=outcome.conflict,
    ), outcome.status


# ---- the internship's page ------------------------------------------------------------------


def _month_choices(internship: Internship) -> list:
    return select_choices(
        (f"{month:%Y-%m}", format_date(month, "LLLL yyyy"))
        for month in internships.months_between(internship.starts_on, internship.ends_on)
    )


def _month_form(internship: Internship) -> MonthForm:
    month = internships.next_month(internship)
    data: dict[str, Any] = {}
    if month is not None:
        data = {
            "month": month,
            "planned_hours": internships.planned_hours(
                internship.weekly_hours, internship.starts_on, internship.ends_on, month
            ),
        }
    form = MonthForm(formdata=None, data=data)
    form.month.choices = _month_choices(internship)
    return form


def _show(internship: Internship, status: int = 200, **forms: Any):
    """The internship's page, with the forms of its actions (``forms`` sent back with problems)."""
    summary = internships.attendance(internship)
    percents = {row.month: format_percent(row.share, "#,##0%") for row in summary.months if row.share is not None}
    version = {"version": internship.version}
    context = {
        "start_form": VersionForm(formdata=None, data=version),
        "end_form": EndForm(formdata=None, data=version | {"outcome_on": today()}),
        "month_form": _month_form(internship),
        "delete_form": ConfirmForm(formdata=None),
    }
    context |= forms
    return render_template(
        "jobs/internships/show.html",
        internship=internship,
        case=internship.case,
        summary=summary,
        percents=percents,
        full_share=format_percent(internships.FULL_STIPEND_SHARE),
        today=today(),
        **context,
    ), status


@bp.route("/<int:internship_id>", methods=["GET"])
@require_roles(*STAFF)
def internship(internship_id: int):
    return _show(_record(internship_id))


def _act(internship_id: int, form: Any, name: str, action: Callable[[Internship], Any], done: Callable[[], str]):
    """An action of the internship's page: validate, run the service, commit once, back to the
    page; on bad input the page with the form as typed (422), on a stale one the current state
    (409)."""
    internship = _record(internship_id, edit=True)
    if form.validate_on_submit():
        try:
            action(internship)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            internship = _record(internship_id)
            form.form_errors.append(
                _("Someone else changed this internship meanwhile: check its status and try again.")
            )
            if "version" in form:
                form.version.data = internship.version
            return _show(internship, 409, **{name: form})
        else:
            flash(done(), "success")
            return _to_page(internship_id, "attendance" if name == "month_form" else None)
    db.session.rollback()
    internship = _record(internship_id)
    if name == "month_form":
        form.month.choices = _month_choices(internship)
    return _show(internship, 422, **{name: form})


@bp.route("/<int:internship_id>/start", methods=["POST"])
@require_roles(*STAFF)
def start(internship_id: int):
    form = VersionForm()
    return _act(
        internship_id,
        form,
        "start_form",
        lambda internship: internships.start_internship(internship, version=form.version.data),
        lambda: _("The internship is running."),
    )


@bp.route("/<int:internship_id>/end", methods=["POST"])
@require_roles(*STAFF)
def end(internship_id: int):
    form = EndForm()
    return _act(
        internship_id,
        form,
        "end_form",
        lambda internship: internships.end_internship(
            internship,
            {"outcome": form.outcome.data, "outcome_on": form.outcome_on.data, "note": form.note.data},
            current_user,
            version=form.version.data,
        ),
        lambda: _("The internship has ended."),
    )


@bp.route("/<int:internship_id>/months", methods=["POST"])
@require_roles(*STAFF)
def add_month(internship_id: int):
    form = MonthForm()
    return _act(
        internship_id,
        form,
        "month_form",
        lambda internship: internships.add_month(
            internship,
            {
                "month": form.month.data,
                "planned_hours": form.planned_hours.data,
                "attended_hours": form.attended_hours.data,
                "note": form.note.data,
            },
            current_user,
        ),
        lambda: _("Attendance saved."),
    )


@bp.route("/<int:internship_id>/months/<int:month_id>/delete", methods=["POST"])
@require_roles(*STAFF)
def delete_month(internship_id: int, month_id: int):
    form = ConfirmForm()
    return _act(
        internship_id,
        form,
        "delete_form",
        lambda internship: internships.delete_month(internship, month_id),
        lambda: _("The month's attendance was removed."),
    )
