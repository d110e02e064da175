"""Mediation requests and sessions: the list, asking for a mediator, assigning, the mediator's
answer, cancelling, the session log (made on a phone) and its confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.exc import StaleDataError

from sportello.auth.models import Desk
from sportello.cases.models import Case
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.languages import spoken_language_choices
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation import services
from sportello.mediation.forms import (
    AssignForm,
    QueryForm,
    ReasonForm,
    RequestFilterForm,
    RequestForm,
    SessionForm,
    VersionForm,
)
from sportello.mediation.models import (
    STAFF_ROLES,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    RequestStatus,
)

bp = Blueprint("mediation", __name__, url_prefix="/mediation")

ALL_ROLES = (*STAFF_ROLES, Role.MEDIATOR)
REQUEST_OPTIONS = (
    joinedload(MediationRequest.case).options(joinedload(Case.person), lazyload(Case.tracks)),
    joinedload(MediationRequest.session),
)


def _language_choices(empty: Any = None) -> list:
    pairs = spoken_language_choices()
    return select_choices([("", empty), *pairs] if empty is not None else [("", "—"), *pairs])


def _project_choices(include: int | None = None) -> list:
    condition = FundingProject.active.is_(True)
    if include:
        condition = sa.or_(condition, FundingProject.id == include)
    projects = db.session.scalars(sa.select(FundingProject).where(condition).order_by(FundingProject.code))
    return select_choices([("", _("None")), *((str(p.id), str(p)) for p in projects)])


# ---- the list ---------------------------------------------------------------------------------


@bp.get("/")
@require_roles(*ALL_ROLES)
def index():
    form = RequestFilterForm(request.args)
    form.language.choices = _language_choices(_("Any"))
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    if "status" not in request.args:
        form.status.data = "active"
    page = None
    if form.validate():
        desk = form.desk.data or ""
        filters = services.RequestFilters(
            status=form.status.data or "",
            language=form.language.data or "",
            desk_id=int(desk) if desk.isdigit() else None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        page = services.search_requests(
            current_user,
            filters,
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["ITEMS_PER_PAGE"],
        )
    mediator = services.mediator_of(current_user)
    return render_template(
        "mediation/index.html", form=form, page=page, mediator=mediator, staff=current_user.role in STAFF_ROLES
    ), (200 if page is not None else 422)


# ---- asking for a mediator ----------------------------------------------------------------------


def _request_values(form: RequestForm) -> dict[str, Any]:
    return {
        "outside_service": form.outside_service.data or "",
        "outside_contact": form.outside_contact.data or "",
        "language": form.language.data,
        "on_date": form.on_date.data,
        "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data,
        "place": form.place.data or "",
        "mode": form.mode.data,
        "setting": form.setting.data,
        "urgency": form.urgency.data,
        "notes": form.notes.data or "",
        "project_id": form.project_id.data,
    }


def _prepare_request_form(form: RequestForm, desks: list[Desk], project_id: int | None = None) -> None:
    form.language.choices = _language_choices()
    form.desk_id.choices = select_choices((str(d.id), d.name) for d in desks)
    form.project_id.choices = _project_choices(project_id)


@bp.route("/requests/new", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def new_request():
    case_id = request.args.get("case", type=int)
    case = get_visible_or_404(Case, case_id, edit=True) if case_id is not None else None
    desks = list(db.session.scalars(Desk.visible_to(current_user).where(Desk.active.is_(True)).order_by(Desk.name)))
    if case is None and not desks:
        abort(403)
    form = RequestForm()
    _prepare_request_form(form, desks)
    if request.method == "GET":
        form.on_date.data = today() + timedelta(days=1)
        if case is not None:
            form.language.data = case.person.preferred_language if case.person.preferred_language != "it" else ""
            form.place.data = case.desk.name
    error = None
    if form.validate_on_submit():
        desk_id = case.desk_id if case is not None else form.desk_id.data
        if case is None and desk_id not in {d.id for d in desks}:
            form.desk_id.errors.append(_("Choose one of your desks."))
        else:
            try:
                made = services.create_request(desk_id, _request_values(form), current_user, case=case)
                db.session.commit()
            except (FieldError, FieldErrors) as problem:
                db.session.rollback()
                add_field_error(form, problem)
            except RuleError as problem:
                db.session.rollback()
                error = problem.message
            else:
                flash(_("Request saved. Now choose a mediator."), "success")
                return redirect(url_for("mediation.request", request_id=made.id))
    status = 200 if request.method == "GET" else 422
    return render_template("mediation/request_form.html", form=form, case=case, item=None, error=error), status


def _saved_request_form(item: MediationRequest) -> RequestForm:
    form = RequestForm(formdata=None, obj=item)
    _prepare_request_form(form, [item.desk], item.project_id)
    form.mode.data, form.setting.data, form.urgency.data = item.mode.value, item.setting.value, item.urgency.value
    return form


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def edit_request(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, edit=True, options=REQUEST_OPTIONS)
    form = RequestForm(obj=item)
    _prepare_request_form(form, [item.desk], item.project_id)
    if request.method == "GET":
        form.mode.data, form.setting.data, form.urgency.data = item.mode.value, item.setting.value, item.urgency.value
        form.version.data = item.version
    outcome = save_edit(
        form,
        item,
        lambda: services.update_request(item, _request_values(form), current_user, version=form.version.data),
        _saved_request_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("mediation.request", request_id=item.id))
    item = outcome.obj
    return render_template(
        "mediation/request_form.html", form=form, case=item.case, item=item, error=None, conflict=outcome.conflict
    ), outcome.status


# ---- the request page -------------------------------------------------------------------------


@bp.get("/requests/<int:request_id>", endpoint="request")
@require_roles(*ALL_ROLES)
def show_request(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, options=REQUEST_OPTIONS)
    return _show(item)


def _show(item: MediationRequest, status: int = 200, **forms: Any):
    staff = current_user.role in STAFF_ROLES and item.can_edit(current_user)
    proposals = []
    if staff and item.status in (RequestStatus.OPEN, RequestStatus.ASSIGNED):
        proposals = services.proposals(item)
    session = item.session
    return render_template(
        "mediation/request.html",
        item=item,
        staff=staff,
        mine=item.is_for(current_user),
        proposals=proposals,
        session=session,
        can_cancel=services.can_cancel(item, current_user),
        can_confirm=session is not None and services.can_confirm(session, current_user),
        assign_form=forms.get("assign_form") or AssignForm(formdata=None, version=item.version),
        answer_form=VersionForm(formdata=None, version=item.version),
        decline_form=forms.get("decline_form") or ReasonForm(formdata=None, version=item.version, prefix="decline"),
        cancel_form=forms.get("cancel_form") or ReasonForm(formdata=None, version=item.version, prefix="cancel"),
        confirm_form=VersionForm(formdata=None, version=session.version if session else None),
        query_form=forms.get("query_form") or QueryForm(formdata=None, version=session.version if session else None),
        failed=forms.get("failed", ""),
        failed_form=forms.get(f"{forms.get('failed')}_form"),
    ), status


def _act(item: MediationRequest, form, failed: str, action, done: str, *, to_request: bool = True):
    """A form on the request page: validate, run the service, commit once, back to the page;
    on a refusal the page again with the form as typed."""
    if form.validate_on_submit():
        try:
            action()
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            flash(
                _("Someone else changed this request meanwhile. Look at it again, then repeat your action."),
                "warning",
            )
            return _show(db.session.get(MediationRequest, item.id, populate_existing=True), 409)
        else:
            flash(done, "success")
            if to_request and item.can_view(current_user):
                return redirect(url_for("mediation.request", request_id=item.id))
            return redirect(url_for("core.home"))
    db.session.rollback()
    item = db.session.get(MediationRequest, item.id, populate_existing=True)
    return _show(item, 422, **{f"{failed}_form": form, "failed": failed})


@bp.post("/requests/<int:request_id>/assign")
@require_roles(*STAFF_ROLES)
def assign(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, edit=True, options=REQUEST_OPTIONS)
    form = AssignForm()
    mediator_id = form.mediator_id.data or ""
    mediator = db.session.get(Mediator, int(mediator_id)) if mediator_id.isdigit() else None
    if form.validate_on_submit() and mediator is None:
        form.form_errors.append(_("Choose a mediator from the list."))
        return _show(item, 422, assign_form=form, failed="assign")
    return _act(
        item,
        form,
        "assign",
        lambda: services.assign(item, mediator, current_user, version=form.version.data),
        _("Request assigned to %(name)s, who will now accept or decline it.", name=mediator.name if mediator else ""),
    )


@bp.post("/requests/<int:request_id>/accept")
@require_roles(Role.MEDIATOR)
def accept(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, options=REQUEST_OPTIONS)
    form = VersionForm()
    return _act(
        item,
        form,
        "answer",
        lambda: services.accept(item, current_user, version=form.version.data),
        _("You accepted the request."),
    )


@bp.post("/requests/<int:request_id>/decline")
@require_roles(Role.MEDIATOR)
def decline(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, options=REQUEST_OPTIONS)
    form = ReasonForm(prefix="decline")
    return _act(
        item,
        form,
        "decline",
        lambda: services.decline(item, current_user, form.reason.data or "", version=form.version.data),
        _("You declined the request. The desk will look for someone else."),
        to_request=False,
    )


@bp.post("/requests/<int:request_id>/cancel")
@require_roles(*ALL_ROLES)
def cancel(request_id: int):
    item = get_visible_or_404(MediationRequest, request_id, options=REQUEST_OPTIONS)
    form = ReasonForm(prefix="cancel")
    return _act(
        item,
        form,
        "cancel",
        lambda: services.cancel(item, current_user, form.reason.data or "", version=form.version.data),
        _("Request cancelled."),
    )


# ---- the session log --------------------------------------------------------------------------


def _session_values(form: SessionForm) -> dict[str, Any]:
    ends_at = form.ends_at.data
    if ends_at is None and form.duration.data:
        end = datetime.combine(form.on_date.data, form.starts_at.data) + timedelta(minutes=form.duration.data)
        if end.date() != form.on_date.data:
            raise FieldError("duration", _("A session ends on the day it starts. Log the hours after midnight apart."))
        ends_at = end.time()
    return {
        "on_date": form.on_date.data,
        "starts_at": form.starts_at.data,
        "ends_at": ends_at,
        "language": form.language.data,
        "mode": form.mode.data,
        "setting": form.setting.data,
        "present": form.present.data or "",
        "outcome": form.outcome.data,
        "note": form.note.data or "",
    }


def _saved_session_form(session: MediationSession) -> SessionForm:
    form = SessionForm(formdata=None, obj=session)
    form.language.choices = _language_choices()
    form.mode.data, form.setting.data, form.outcome.data = (
        session.mode.value,
        session.setting.value,
        session.outcome.value,
    )
    return form


@bp.route("/requests/<int:request_id>/session", methods=["GET", "POST"])
@require_roles(Role.MEDIATOR)
def log_session(request_id: int):
    """The mediator's log of the session of a request: made once, corrected until confirmed."""
    item = get_visible_or_404(MediationRequest, request_id, options=REQUEST_OPTIONS)
    session = item.session
    if session is None:
        form = SessionForm(data=services.session_defaults(item) if request.method == "GET" else None)
    else:
        form = SessionForm(obj=session)
        if request.method == "GET":
            form.mode.data, form.setting.data = session.mode.value, session.setting.value
            form.outcome.data = session.outcome.value
            form.version.data = session.version
    form.language.choices = _language_choices()
    conflict, error = None, None
    if session is not None:
        outcome = save_edit(
            form,
            session,
            lambda: services.update_session(session, current_user, _session_values(form), version=form.version.data),
            _saved_session_form,
        )
        if outcome.saved:
            flash(_("Log updated. The desk will confirm it."), "success")
            return redirect(url_for("core.home"))
        session, conflict, status = outcome.obj, outcome.conflict, outcome.status
    else:
        status = 200 if request.method == "GET" else 422
        if form.validate_on_submit():
            try:
                services.log_session(item, current_user, _session_values(form))
                db.session.commit()
            except (FieldError, FieldErrors) as problem:
                db.session.rollback()
                add_field_error(form, problem)
            except RuleError as problem:
                db.session.rollback()
                error = problem.message
            else:
                flash(_("Session logged. The desk will confirm it."), "success")
                return redirect(url_for("core.home"))
    if request.method == "POST":
        item = db.session.get(MediationRequest, request_id)
    return render_template(
        "mediation/session_form.html", form=form, item=item, session=session, conflict=conflict, error=error
    ), status


def _session_or_404(session_id: int) -> MediationSession:
    session = db.session.get(MediationSession, session_id)
    if session is None:
        abort(404)
    if not session.request.can_edit(current_user):
        abort(403)
    return session


@bp.post("/sessions/<int:session_id>/confirm")
@require_roles(*STAFF_ROLES)
def confirm_session(session_id: int):
    session = _session_or_404(session_id)
    form = VersionForm()
    return _act(
        session.request,
        form,
        "confirm",
        lambda: services.confirm_session(session, current_user, version=form.version.data),
        _("Session confirmed: its hours count for the mediator's timesheet."),
    )


@bp.post("/sessions/<int:session_id>/query")
@require_roles(*STAFF_ROLES)
def query_session(session_id: int):
    session = _session_or_404(session_id)
    form = QueryForm()
    return _act(
        session.request,
        form,
        "query",
        lambda: services.query_session(session, current_user, form.note.data or "", version=form.version.data),
        _("The log went back to the mediator with your question."),
    )
