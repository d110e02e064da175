"""Cases: the list, opening a case, the case page and what is added to it, the agenda."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from sportello.auth.models import Desk
from sportello.cases import services
from sportello.cases.forms import (
    AgendaForm,
    AppointmentForm,
    CaseForm,
    CaseSearchForm,
    GoalForm,
    InterventionForm,
    OutcomeForm,
    ReferralForm,
    ReferralServiceForm,
    StageForm,
    StatusForm,
)
from sportello.cases.models import (
    Appointment,
    Case,
    Goal,
    Intervention,
    Referral,
    ReferralService,
    Track,
    TrackStage,
)
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import BlankFields, add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.languages import country_choices
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people.models import Person

bp = Blueprint("cases", __name__, url_prefix="/cases")
admin_bp = Blueprint("case_admin", __name__, url_prefix="/admin/referral-services")

CASE_ROLES = services.CASE_ROLES


def _choices(empty, pairs) -> list:
    """Select options from (id, name) pairs, after an empty choice."""
    return select_choices([("", empty), *((str(id_), name) for id_, name in pairs)])


def _staff_choices(desk_ids, empty) -> list:
    return _choices(empty, services.staff_names(desk_ids))


# ---- the list ---------------------------------------------------------------------------------


@bp.get("/")
@require_roles(*CASE_ROLES)
def index():
    form = CaseSearchForm(request.args)
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    form.nationality.choices = select_choices([("", _("Any")), *country_choices()])
    staff = services.staff_names([d.id for d in desks])
    form.operator.choices = select_choices([("", _("Anyone")), ("me", _("Me")), *((str(u.id), u.name) for u in staff)])
    if "status" not in request.args:
        form.status.data = "active"
    page = None
    if form.validate():
        operator = form.operator.data or ""
        filters = services.CaseFilters(
            q=form.q.data or "",
            reference=form.reference.data or "",
            fiscal_code=form.fiscal_code.data or "",
            phone=form.phone.data or "",
            document=form.document.data or "",
            desk_id=int(form.desk.data) if (form.desk.data or "").isdigit() else None,
            status=form.status.data or "",
            track=form.track.data or "",
            nationality=form.nationality.data or "",
            operator_id=current_user.id if operator == "me" else (int(operator) if operator.isdigit() else None),
            renewal=bool(form.renewal.data),
        )
        page = services.search_cases(
            current_user,
            filters,
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["ITEMS_PER_PAGE"],
        )
    return render_template("cases/index.html", form=form, page=page), 200 if page is not None else 422


# ---- opening and editing ----------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*CASE_ROLES)
def new():
    person_id = request.args.get("person", type=int)
    if person_id is None:
        flash(_("Find the person first, then open a case from their page."), "info")
        return redirect(url_for("people.index"))
    person = get_visible_or_404(Person, person_id)
    desks = services.desks_for_new_case(current_user)
    if not desks:
        abort(403)
    form = CaseForm()
    form.desk.choices = select_choices((str(d.id), d.name) for d in desks)
    chosen = next((d for d in desks if str(d.id) == (form.desk.data or "")), None)
    if chosen is None:
        chosen = next((d for d in desks if d.id == person.desk_id), desks[0])
        form.desk.data = str(chosen.id)
    form.operator_id.choices = _staff_choices([d.id for d in desks], _("Nobody yet"))
    if request.method == "GET":
        form.opened_on.data = today()
        if current_user.role is Role.OPERATOR:
            form.operator_id.data = current_user.id
    error = None
    if form.validate_on_submit():
        try:
            case = services.open_case(person, chosen, _case_values(form), current_user)
            db.session.commit()
        except FieldError as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            error = problem.message
        else:
            flash(_("Case %(reference)s opened.", reference=case.reference), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    status = 200 if request.method == "GET" else 422
    return render_template("cases/form.html", form=form, case=None, person=person, error=error), status


def _case_values(form: CaseForm) -> dict[str, Any]:
    return {
        "operator_id": form.operator_id.data,
        "opened_on": form.opened_on.data,
        "tracks": form.tracks.data or [],
        "summary": form.summary.data,
    }


def _saved_case_form(case: Case) -> CaseForm:
    form = CaseForm(formdata=None, obj=case)
    form.operator_id.choices = _staff_choices([case.desk_id], _("Nobody yet"))
    form.tracks.data = [k.value for k in case.track_kinds]
    return form


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@require_roles(*CASE_ROLES)
def edit(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    form = CaseForm(obj=case)
    form.operator_id.choices = _staff_choices([case.desk_id], _("Nobody yet"))
    if request.method == "GET":
        form.tracks.data = [k.value for k in case.track_kinds]
        form.version.data = case.version
    outcome = save_edit(
        form,
        case,
        lambda: services.update_case(case, _case_values(form), current_user, version=form.version.data),
        _saved_case_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    case = outcome.obj
    return render_template(
        "cases/form.html", form=form, case=case, person=case.person, error=None, conflict=outcome.conflict
    ), outcome.status


@bp.post("/<int:case_id>/status")
@require_roles(*CASE_ROLES)
def change_status(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    action = request.form.get("action", "")
    form = StatusForm(id_scope=action if action in services.TRANSITIONS else "status")
    if form.validate_on_submit():
        try:
            services.change_status(
                case,
                form.action.data,
                reason=form.close_reason.data or None,
                note=form.note.data or "",
                on=form.on.data,
                version=form.version.data,
            )
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            flash(str(problem.message), "danger")
            return redirect(url_for("cases.show", case_id=case_id))
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            flash(_("Someone else changed this case meanwhile. Check its status and try again."), "warning")
            return redirect(url_for("cases.show", case_id=case_id))
        else:
            flash(_("The case is now: %(status)s.", status=case.status.title), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    return _show(case, status_form=form, status=422)


# ---- the case page ----------------------------------------------------------------------------


@bp.get("/<int:case_id>")
@require_roles(*CASE_ROLES)
def show(case_id: int):
    case = get_visible_or_404(Case, case_id, options=services.CASE_PAGE_OPTIONS)
    page = _show(case)
    services.record_view(case)
    db.session.commit()
    return page


# The fields of the case page's forms, rendered once per language and per what shapes them.
ADD_FIELDS = BlankFields("cases/_add_forms.html")


def _show(case: Case, status: int = 200, **forms: Any):
    """The case page, with any form that failed kept as the user typed it."""
    file = services.case_file(case, current_user)
    stage_forms = {}
    for track in case.tracks:
        failed = forms.get("stage_form")
        if failed is not None and forms.get("track_id") == track.id:
            stage_forms[track.id] = failed
        else:
            stage_forms[track.id] = StageForm(formdata=None, prefix=f"track{track.id}", stage=track.stage.value)
    failed_status = forms.get("status_form")
    failed_action = failed_status.action.data if failed_status is not None and failed_status.errors else None
    panels = [
        (template, context(case, current_user))
        for template, context in current_app.extensions.get("sportello_case_panels", [])
    ]
    return render_template(
        "cases/show.html",
        case=case,
        file=file,
        panels=panels,
        add_fields=_add_fields(case, forms) if not case.is_closed else {},
        stage_forms=stage_forms,
        status_fields=_status_fields(case, failed_status),
        failed_status=failed_status,
        failed_action=failed_action,
        failed=forms.get("failed", ""),
        today=today(),
    ), status


def _status_fields(case: Case, failed: StatusForm | None) -> dict[str, Any]:
    """The fields of each status change the case allows; a failed one as it was typed."""
    day = today()
    fields = {}
    for action in services.status_actions(case):
        if failed is not None and failed.action.data == action:
            fields[action] = ADD_FIELDS.fields_of("status", failed, action)
        else:
            fields[action] = ADD_FIELDS.blank(
                "status", (day,), lambda action=action: StatusForm(formdata=None, on=day, id_scope=action), action
            )
    return fields


def _add_fields(case: Case, failed: dict[str, Any]) -> dict[str, Any]:
    """The fields of the forms that add a row to the case: blank ones from ``ADD_FIELDS``, keyed
    by what they show besides their labels (today's date, the desk's staff and name, the user, the
    services), and a failed one as it was typed."""
    day = today()
    # Plain (id, name) pairs: they are part of the cache's keys.
    staff = tuple((row.id, row.name) for row in services.staff_names([case.desk_id]))
    referral_services = tuple((row.id, row.name) for row in services.referral_services())

    def new_appointment() -> AppointmentForm:
        form = AppointmentForm(formdata=None, staff_id=current_user.id, place=case.desk.name)
        _set_choices(form, staff, referral_services)
        return form

    def new_referral() -> ReferralForm:
        form = ReferralForm(formdata=None, referred_on=day)
        _set_choices(form, staff, referral_services)
        return form

    blank = {
        "goal": ((), lambda: GoalForm(formdata=None)),
        "intervention": ((day,), lambda: InterventionForm(formdata=None, occurred_on=day)),
        "referral": ((day, referral_services), new_referral),
        "appointment": ((staff, current_user.id, case.desk.name), new_appointment),
    }
    fields = {}
    for name, (key, make_form) in blank.items():
        form = failed.get(f"{name}_form")
        if form is not None:
            fields[name] = ADD_FIELDS.fields_of(name, form)
        else:
            fields[name] = ADD_FIELDS.blank(name, key, make_form)
    return fields


def _set_choices(form: Any, staff, referral_services) -> None:
    """The choices a form to add a row reads from the database: the desk's staff, the services."""
    if hasattr(form, "staff_id"):
        form.staff_id.choices = _choices(_("Nobody in particular"), staff)
    if hasattr(form, "service_id"):
        form.service_id.choices = _choices("—", referral_services)


def _add(case_id: int, form_class: type, form_name: str, anchor: str, create) -> Any:
    """Adding a row to a case: the form, the service, one commit, back to the page."""
    case = get_visible_or_404(Case, case_id, edit=True)
    form = form_class()
    staff = services.staff_names([case.desk_id]) if hasattr(form, "staff_id") else ()
    _set_choices(form, staff, services.referral_services() if hasattr(form, "service_id") else ())
    if form.validate_on_submit():
        try:
            services.require_active(case)
            create(case, form)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            flash(str(problem.message), "danger")
            return redirect(url_for("cases.show", case_id=case_id))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cases.show", case_id=case_id, _anchor=anchor))
    return _show(case, status=422, failed=anchor, **{form_name: form})


def _values(form: Any, *names: str) -> dict[str, Any]:
    return {name: form[name].data for name in names}


@bp.post("/<int:case_id>/goals")
@require_roles(*CASE_ROLES)
def add_goal(case_id: int):
    return _add(
        case_id,
        GoalForm,
        "goal_form",
        "plan",
        lambda case, form: services.add_goal(case, _values(form, "description", "track", "target_date", "status")),
    )


@bp.post("/<int:case_id>/interventions")
@require_roles(*CASE_ROLES)
def add_intervention(case_id: int):
    names = ("occurred_on", "kind", "channel", "minutes", "track", "note", "follow_up_on")
    return _add(
        case_id,
        InterventionForm,
        "intervention_form",
        "timeline",
        lambda case, form: services.add_intervention(case, _values(form, *names), current_user),
    )


@bp.post("/<int:case_id>/referrals")
@require_roles(*CASE_ROLES)
def add_referral(case_id: int):
    names = ("service_id", "track", "referred_on", "reason", "follow_up_on")
    return _add(
        case_id,
        ReferralForm,
        "referral_form",
        "referrals",
        lambda case, form: services.add_referral(case, _values(form, *names)),
    )


APPOINTMENT_FIELDS = ("on_date", "starts_at", "minutes", "place", "staff_id", "with_whom", "purpose", "status")


@bp.post("/<int:case_id>/appointments")
@require_roles(*CASE_ROLES)
def add_appointment(case_id: int):
    def create(case, form):
        values = _values(form, *APPOINTMENT_FIELDS)
        values["status"] = None  # a new appointment is planned
        return services.add_appointment(case, values)

    return _add(case_id, AppointmentForm, "appointment_form", "appointments", create)


@bp.post("/tracks/<int:track_id>/stage")
@require_roles(*CASE_ROLES)
def change_stage(track_id: int):
    track = get_visible_or_404(Track, track_id, edit=True)
    form = StageForm(prefix=f"track{track.id}")
    if form.validate_on_submit():
        try:
            services.require_active(track.case)
            services.change_stage(track, TrackStage(form.stage.data), form.note.data or "", current_user)
            db.session.commit()
        except FieldError as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            flash(str(problem.message), "danger")
            return redirect(url_for("cases.show", case_id=track.case_id))
        else:
            flash(_("Stage changed."), "success")
            return redirect(url_for("cases.show", case_id=track.case_id, _anchor="tracks"))
    return _show(track.case, status=422, stage_form=form, track_id=track.id, failed="tracks")


@bp.post("/interventions/<int:intervention_id>/follow-up-done")
@require_roles(*CASE_ROLES)
def follow_up_done(intervention_id: int):
    intervention = get_visible_or_404(Intervention, intervention_id, edit=True)
    try:
        services.complete_follow_up(intervention)
        db.session.commit()
    except RuleError as problem:
        db.session.rollback()
        flash(str(problem.message), "info")
    else:
        flash(_("Follow-up marked as done."), "success")
    return redirect(url_for("cases.show", case_id=intervention.case_id, _anchor="timeline"))


# ---- editing a goal, a referral's outcome, an appointment -------------------------------------


def _edit_row(model: type, row_id: int, form_class: type, save, template: str, anchor: str, *, enums=(), choices=None):
    """The edit page of a row of a case, with optimistic locking."""
    row = get_visible_or_404(model, row_id, edit=True)

    def form_for(obj, **kwargs):
        form = form_class(obj=obj, **kwargs)
        if choices:
            choices(form, obj)
        if request.method == "GET" or "formdata" in kwargs:
            # Select fields show the stored value of enumerations, not the member.
            for name in enums:
                value = getattr(obj, name)
                form[name].data = "" if value is None else value.value
        return form

    form = form_for(row)
    outcome = save_edit(form, row, lambda: save(row, form), lambda obj: form_for(obj, formdata=None))
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("cases.show", case_id=row.case_id, _anchor=anchor))
    row = outcome.obj
    return render_template(template, form=form, row=row, case=row.case, conflict=outcome.conflict), outcome.status


@bp.route("/goals/<int:goal_id>", methods=["GET", "POST"])
@require_roles(*CASE_ROLES)
def edit_goal(goal_id: int):
    return _edit_row(
        Goal,
        goal_id,
        GoalForm,
        lambda goal, form: services.update_goal(
            goal, _values(form, "description", "track", "target_date", "status"), version=form.version.data
        ),
        "cases/goal.html",
        "plan",
        enums=("track", "status"),
    )


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@require_roles(*CASE_ROLES)
def edit_referral(referral_id: int):
    return _edit_row(
        Referral,
        referral_id,
        OutcomeForm,
        lambda referral, form: services.record_outcome(
            referral, _values(form, "outcome", "outcome_on", "outcome_note", "follow_up_on"), version=form.version.data
        ),
        "cases/referral.html",
        "referrals",
        enums=("outcome",),
    )


@bp.route("/appointments/<int:appointment_id>", methods=["GET", "POST"])
@require_roles(*CASE_ROLES)
def edit_appointment(appointment_id: int):
    def choices(form, appointment):
        form.staff_id.choices = _staff_choices([appointment.case.desk_id], _("Nobody in particular"))

    return _edit_row(
        Appointment,
        appointment_id,
        AppointmentForm,
        lambda appointment, form: services.update_appointment(
            appointment, _values(form, *APPOINTMENT_FIELDS), version=form.version.data
        ),
        "cases/appointment.html",
        "appointments",
        enums=("status",),
        choices=choices,
    )


# ---- the agenda -------------------------------------------------------------------------------


@bp.get("/agenda")
@require_roles(*CASE_ROLES)
def agenda():
    form = AgendaForm(request.args)
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    valid = form.validate()
    day = (form.day.data if valid else None) or today()
    desk_id = int(form.desk.data) if valid and (form.desk.data or "").isdigit() else None
    appointments = services.appointments_on(current_user, day, desk_id)
    return render_template(
        "cases/agenda.html",
        form=form,
        day=day,
        appointments=appointments,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        desk_id=desk_id,
    ), 200 if valid else 422


# ---- referral services (admin area) -----------------------------------------------------------


@admin_bp.get("/")
@require_roles(Role.ADMIN, Role.COORDINATOR)
def referral_services():
    rows = db.session.scalars(db.select(ReferralService).order_by(ReferralService.active.desc(), ReferralService.name))
    return render_template("admin/referral_services.html", services=list(rows))


@admin_bp.route("/new", methods=["GET", "POST"], defaults={"service_id": None})
@admin_bp.route("/<int:service_id>", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def edit_referral_service(service_id: int | None):
    service = None
    if service_id is not None:
        service = db.session.get(ReferralService, service_id) or abort(404)
    form = ReferralServiceForm(obj=service)
    if form.validate_on_submit():
        try:
            services.save_service(service, _values(form, "name", "contact", "active"))
            db.session.commit()
        except FieldError as problem:
            db.session.rollback()
            add_field_error(form, problem)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("case_admin.referral_services"))
    status = 200 if request.method == "GET" else 422
    return render_template("admin/referral_service_form.html", form=form, service=service), status
