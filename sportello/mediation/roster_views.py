"""The mediators' roster, shared by every desk.

Desk staff read the roster; coordinators and administrators keep it; a mediator
opens only their own record, and keeps their own absences. Rules live in ``mediation.roster``.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_login import current_user
from sqlalchemy.orm import selectinload

from sportello.core.concurrency import ConflictRow, save_edit
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import ngettext
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation import roster
from sportello.mediation.models import (
    MANAGER_ROLES,
    STAFF_ROLES,
    Absence,
    Mediator,
    RequestStatus,
    SessionStatus,
)
from sportello.mediation.roster_forms import (
    LANGUAGE_ROWS_TO_ADD,
    MAX_ROWS,
    SLOT_ROWS_TO_ADD,
    AbsenceForm,
    MediatorForm,
    RosterFilterForm,
    weekday_choices,
)

bp = Blueprint("mediators", __name__, url_prefix="/mediation/mediators")

MANAGERS = tuple(MANAGER_ROLES)
STAFF = tuple(STAFF_ROLES)
EVERYONE = (*STAFF_ROLES, Role.MEDIATOR)


# ---- the list --------------------------------------------------------------------------------


@bp.get("/")
@require_roles(*STAFF)
def index():
    form = RosterFilterForm(request.args)
    form.set_choices()
    if "status" not in request.args:
        form.status.data = "active"
    page = None
    if form.validate():
        filters = roster.RosterFilters(
            language=form.language.data or "",
            field=form.field.data or "",
            organisation=form.organisation.data or "",
            status=form.status.data or "active",
        )
        page = db.paginate(
            roster.roster_query(filters),
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["ITEMS_PER_PAGE"],
            error_out=False,
        )
    return render_template(
        "mediation/roster/index.html",
        form=form,
        page=page,
        pair_label=roster.pair_label,
        show_rate=current_user.role in MANAGER_ROLES,
        can_add=current_user.role in MANAGER_ROLES,
    ), 200 if page is not None else 422


@bp.get("/me")
@require_roles(*EVERYONE)
def mine():
    """A mediator's own record; desk staff land on the roster."""
    if current_user.role is not Role.MEDIATOR:
        return redirect(url_for("mediators.index"))
    mediator = db.session.scalar(db.select(Mediator).where(Mediator.user_id == current_user.id))
    if mediator is None:
        flash(_("Your account is not linked to a mediator of the roster yet: ask a coordinator."), "info")
        return redirect(url_for("core.home"))
    return redirect(url_for("mediators.show", mediator_id=mediator.id))


# ---- a mediator's record -----------------------------------------------------------------------


def _form_data(mediator: Mediator | None) -> dict:
    """The roster form filled from ``mediator`` (or empty), with empty rows for adding."""
    if mediator is None:
        data: dict = {"hourly_rate": Decimal("0"), "active": True, "languages": [], "slots": []}
    else:
        data = {name: getattr(mediator, name) for name in roster.SIMPLE_FIELDS if name != "user_id"}
        data["user_id"] = str(mediator.user_id or "")
        data["version"] = mediator.version
        data["languages"] = [
            {"language": row.language, "level": row.level.value, "with_language": row.with_language}
            for row in mediator.languages
        ]
        data["slots"] = [
            {"weekday": str(slot.weekday), "starts_at": slot.starts_at, "ends_at": slot.ends_at}
            for slot in mediator.slots
        ]
    data["languages"] += [{"with_language": "it"}] * LANGUAGE_ROWS_TO_ADD
    data["slots"] += [{}] * SLOT_ROWS_TO_ADD
    return data


def _mediator_form(mediator: Mediator | None) -> MediatorForm:
    if request.method == "POST":
        form = MediatorForm()
        wanted = request.form.get("add_row")
        if wanted in ("languages", "slots") and len(form[wanted]) < MAX_ROWS:
            form[wanted].append_entry()
    else:
        form = MediatorForm(formdata=None, data=_form_data(mediator))
    form.set_choices(roster.account_choices(mediator))
    return form


def _saved_form(mediator: Mediator) -> MediatorForm:
    form = MediatorForm(formdata=None, data=_form_data(mediator))
    form.set_choices(roster.account_choices(mediator))
    return form


def _values(form: MediatorForm) -> dict:
    values = {name: form[name].data for name in roster.SIMPLE_FIELDS}
    values["user_id"] = int(form.user_id.data) if (form.user_id.data or "").isdigit() else None
    values["languages"] = form.language_rows()
    values["slots"] = form.slot_rows()
    return values


def _adding_a_row() -> bool:
    """The form was sent with "Add a row": show it again, one row longer, without saving."""
    return request.method == "POST" and request.form.get("add_row") in ("languages", "slots")


def _readable_conflict(rows: list[ConflictRow] | None, form: MediatorForm, saved: Mediator) -> list | None:
    """The conflict rows, with the languages and times as people read them."""
    if rows is None:
        return None
    lists = {str(form.languages.label.text), str(form.slots.label.text)}
    rows = [row for row in rows if row.label not in lists]
    days = dict(weekday_choices())
    mine_languages = ", ".join(
        roster.pair_text(code, level, other) for code, level, other in form.language_rows() if level
    )
    saved_languages = ", ".join(roster.pair_label(row) for row in saved.languages)
    if mine_languages != saved_languages:
        rows.append(ConflictRow(str(form.languages.label.text), mine_languages, saved_languages))

    def slot_text(day, start, end):
        return f"{days.get(str(day), day)} {format_time(start, 'short')}–{format_time(end, 'short')}"

    mine_slots = ", ".join(slot_text(*row) for row in form.slot_rows() if None not in row)
    saved_slots = ", ".join(slot_text(s.weekday, s.starts_at, s.ends_at) for s in saved.slots)
    if mine_slots != saved_slots:
        rows.append(ConflictRow(str(form.slots.label.text), mine_slots, saved_slots))
    return rows


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*MANAGERS)
def new():
    form = _mediator_form(None)
    if not _adding_a_row() and form.validate_on_submit():
        try:
            mediator = roster.create_mediator(roster.clean_mediator_values(_values(form), None))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("%(name)s has joined the roster.", name=mediator.name), "success")
            return redirect(url_for("mediators.show", mediator_id=mediator.id))
    status = 200 if request.method == "GET" or _adding_a_row() else 422
    return render_template("mediation/roster/form.html", form=form, mediator=None), status


@bp.route("/<int:mediator_id>/edit", methods=["GET", "POST"])
@require_roles(*MANAGERS)
def edit(mediator_id: int):
    mediator = get_visible_or_404(
        Mediator, mediator_id, edit=True, options=(selectinload(Mediator.languages), selectinload(Mediator.slots))
    )
    form = _mediator_form(mediator)
    if _adding_a_row():
        return render_template("mediation/roster/form.html", form=form, mediator=mediator), 200
    outcome = save_edit(
        form,
        mediator,
        lambda: roster.update_mediator(
            mediator, roster.clean_mediator_values(_values(form), mediator), version=form.version.data
        ),
        _saved_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("mediators.show", mediator_id=mediator.id))
    return render_template(
        "mediation/roster/form.html",
        form=form,
        mediator=outcome.obj,
        conflict=_readable_conflict(outcome.conflict, form, outcome.obj),
    ), outcome.status


def _show(mediator: Mediator, absence_form: AbsenceForm, status: int = 200):
    day = today()
    current, earlier = roster.current_absences(mediator, day)
    by_day: dict[int, list] = {number: [] for number in range(7)}
    for slot in mediator.slots:
        by_day[slot.weekday].append(slot)
    week = [(name, by_day[int(number)]) for number, name in weekday_choices()]
    return render_template(
        "mediation/roster/show.html",
        mediator=mediator,
        pair_label=roster.pair_label,
        week=week,
        absences=current,
        earlier_absences=earlier,
        counts=roster.month_counts(mediator, day),
        request_statuses={status.value: status.title for status in RequestStatus},
        session_statuses={status.value: status.title for status in SessionStatus},
        month=day,
        absence_form=absence_form,
        can_edit=mediator.can_edit(current_user),
        can_manage_absences=roster.can_manage_absences(mediator, current_user),
        show_rate=roster.can_see_rate(mediator, current_user),
        is_own=mediator.is_account_of(current_user),
    ), status


def _mediator_page_record(mediator_id: int) -> Mediator:
    return get_visible_or_404(
        Mediator, mediator_id, options=(selectinload(Mediator.languages), selectinload(Mediator.slots))
    )


@bp.get("/<int:mediator_id>")
@require_roles(*EVERYONE)
def show(mediator_id: int):
    return _show(_mediator_page_record(mediator_id), AbsenceForm(formdata=None))


# ---- absences --------------------------------------------------------------------------------


@bp.post("/<int:mediator_id>/absences")
@require_roles(*EVERYONE)
def add_absence(mediator_id: int):
    mediator = _mediator_page_record(mediator_id)
    if not roster.can_manage_absences(mediator, current_user):
        abort(403)
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            values = {name: form[name].data for name in ("starts_on", "ends_on", "note")}
            _absence, booked = roster.add_absence(mediator, values)
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("Absence recorded."), "success")
            if booked:
                flash(
                    ngettext(
                        "%(num)d request assigned to this mediator falls on those days and needs a new mediator.",
                        "%(num)d requests assigned to this mediator fall on those days and need a new mediator.",
                        booked,
                    ),
                    "warning",
                )
            return redirect(url_for("mediators.show", mediator_id=mediator.id, _anchor="absences-title"))
        mediator = _mediator_page_record(mediator_id)
    return _show(mediator, form, 422)


@bp.post("/absences/<int:absence_id>/delete")
@require_roles(*EVERYONE)
def delete_absence(absence_id: int):
    absence = db.session.get(Absence, absence_id) or abort(404)
    mediator = absence.mediator
    if not mediator.can_view(current_user) or not roster.can_manage_absences(mediator, current_user):
        abort(403)
    roster.delete_absence(absence)
    db.session.commit()
    flash(_("Absence removed."), "success")
    return redirect(url_for("mediators.show", mediator_id=mediator.id, _anchor="absences-title"))
