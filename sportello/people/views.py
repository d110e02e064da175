"""People: search, intake, a person's file, edits; household, vulnerabilities, consent records,
attachments and merges on the person's page; the vulnerability vocabulary and undoing merges in
the admin area."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from sportello.auth.models import Desk
from sportello.core import files
from sportello.core.audit import AuditEntry
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.errors import render_error
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.languages import country_choices
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import merging, services
from sportello.people.forms import (
    LANGUAGE_ROWS,
    AttachmentForm,
    ConsentForm,
    EndVulnerabilityForm,
    HouseholdForm,
    MergeForm,
    NameSearchForm,
    PeopleSearchForm,
    PersonForm,
    VulnerabilityForm,
    VulnerabilityTypeForm,
    WithdrawConsentForm,
)
from sportello.people.models import (
    AttachmentKind,
    ConsentRecord,
    HouseholdLink,
    Person,
    PersonAttachment,
    PersonVulnerability,
    Relation,
    VulnerabilityType,
)

bp = Blueprint("people", __name__, url_prefix="/people")
admin_bp = Blueprint("people_admin", __name__, url_prefix="/admin")

DESK_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)
MERGE_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _person(person_id: int, *, edit: bool = False) -> Person:
    """The person for the current user (404, 403); a record merged into another sends the user
    on to the record it now lives on."""
    person = get_visible_or_404(Person, person_id, edit=edit)
    if person.merged_into_id is not None:
        survivor = merging.final_record(person)
        flash(
            _(
                "This record was merged into the record of %(name)s, shown here instead.",
                name=survivor.full_name,
            ),
            "info",
        )
        abort(redirect(url_for("people.show", person_id=survivor.id)))
    return person


def _back_to(person: Person, anchor: str = ""):
    return redirect(url_for("people.show", person_id=person.id, _anchor=anchor or None))


@bp.get("/")
@require_roles(*DESK_ROLES)
def index():
    form = PeopleSearchForm(request.args)
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    form.nationality.choices = select_choices([("", _("Any")), *country_choices()])
    result = None
    searched = any(
        request.args.get(k) for k in ("q", "fiscal_code", "phone", "document", "desk", "nationality", "renewal")
    )
    if form.validate():
        result = services.search_people(
            current_user,
            q=form.q.data or "",
            fiscal_code=form.fiscal_code.data or "",
            phone=form.phone.data or "",
            document=form.document.data or "",
            desk_id=int(form.desk.data) if (form.desk.data or "").isdigit() else None,
            nationality=form.nationality.data or "",
            renewal=bool(form.renewal.data),
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["ITEMS_PER_PAGE"],
        )
    status = 200 if result is not None else 422
    return render_template(
        "people/index.html", form=form, result=result, searched=searched, can_register=any(d.active for d in desks)
    ), status


def _person_form(person: Person | None = None, **kwargs) -> PersonForm:
    form = PersonForm(obj=person, **kwargs)
    form.set_choices()
    if request.method == "GET" and "formdata" not in kwargs:
        if person is not None:
            _fill_from(form, person)
        else:
            # Intake starts from the search: carry over what the operator looked for.
            name = request.args.get("q", "").strip()
            if name and not form.family_name.data:
                parts = name.split()
                form.given_names.data = " ".join(parts[:-1]) if len(parts) > 1 else ""
                form.family_name.data = parts[-1]
            form.fiscal_code.data = request.args.get("fiscal_code", "").strip().upper()[:16] or None
    return form


def _fill_from(form: PersonForm, person: Person) -> None:
    form.sex.data = person.sex.value
    form.birth_date_precision.data = person.birth_date_precision.value
    while len(form.citizenships) < len(person.citizenship_codes) + 1:
        form.citizenships.append_entry()
    form.set_choices()
    for entry, code in zip(form.citizenships, person.citizenship_codes, strict=False):
        entry.data = code
    form.permit_type.data = person.permit_type.value if person.permit_type else ""
    form.permit_status.data = person.permit_status.value if person.permit_status else ""
    form.version.data = person.version
    while len(form.languages) < max(LANGUAGE_ROWS, len(person.languages) + 1):
        form.languages.append_entry()
    form.set_choices()
    for row, spoken in zip(form.languages, person.languages, strict=False):
        row.language.data = spoken.language
        row.level.data = spoken.level.value


def _values(form: PersonForm) -> dict:
    values = {name: form[name].data for name in services.SIMPLE_FIELDS}
    values["citizenships"] = [code for code in form.citizenships.data if code]
    values["languages"] = form.spoken_languages()
    return values


def _saved_form(person: Person) -> PersonForm:
    form = PersonForm(formdata=None, obj=person)
    form.set_choices()
    _fill_from(form, person)
    return form


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def new():
    desks = services.registration_desks(current_user)
    if not desks:
        abort(403)
    form = _person_form()
    form.desk.choices = select_choices((str(d.id), d.name) for d in desks)
    candidates = None
    if form.validate_on_submit():
        try:
            values = services.clean_values(_values(form))
        except FieldErrors as errors:
            add_field_error(form, errors)
        else:
            if form.confirm_new.data != "1":
                candidates = services.find_duplicates(current_user, values)
            if not candidates:
                desk_id = services.registration_desk_id(desks, form.desk.data)
                person = services.create_person(values, desk_id)
                db.session.commit()
                flash(_("%(name)s has been registered.", name=person.full_name), "success")
                return redirect(url_for("people.show", person_id=person.id))
            form.confirm_new.data = "1"
    status = 200 if request.method == "GET" else (409 if candidates else 422)
    return render_template("people/form.html", form=form, person=None, candidates=candidates), status


@bp.get("/<int:person_id>")
@require_roles(*DESK_ROLES)
def show(person_id: int):
    person = _person(person_id)
    panels = [
        (template, context(person, current_user))
        for template, context in current_app.extensions.get("sportello_person_panels", [])
    ]
    page = render_template(
        "people/show.html",
        person=person,
        warnings=services.fiscal_code_warnings(person),
        panels=panels,
        file=services.person_file(person, current_user),
        today=today(),
        can_merge=current_user.role in MERGE_ROLES,
    )
    services.record_view(person)
    db.session.commit()
    return page


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def edit(person_id: int):
    person = _person(person_id, edit=True)
    form = _person_form(person)
    outcome = save_edit(
        form,
        person,
        lambda: services.update_person(person, services.clean_values(_values(form)), version=form.version.data),
        _saved_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("people.show", person_id=person.id))
    return render_template(
        "people/form.html", form=form, person=outcome.obj, candidates=None, conflict=outcome.conflict
    ), outcome.status


# ---- household --------------------------------------------------------------------------------


@bp.route("/<int:person_id>/household", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def household(person_id: int):
    """Find a person by name and add them to the household."""
    person = _person(person_id, edit=True)
    search = NameSearchForm(request.args)
    form = HouseholdForm()
    if request.method == "POST":  # the search the person was chosen from, to show it again
        search.q.data = form.q.data
    q = search.q.data or ""
    if request.method == "GET" and q and not search.validate():
        q = ""
    form.q.data = q
    if form.validate_on_submit():
        try:
            services.add_household_member(person, form.member.data, Relation(form.relation.data), current_user)
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Household member added."), "success")
            return _back_to(person, "household-title")
    candidates = services.household_candidates(person, current_user, q) if q else []
    status = 200 if request.method == "GET" and not search.errors else 422
    return render_template(
        "people/household.html", person=person, search=search, form=form, q=q, candidates=candidates
    ), status


@bp.post("/<int:person_id>/household/<int:link_id>/delete")
@require_roles(*DESK_ROLES)
def remove_household_member(person_id: int, link_id: int):
    person = _person(person_id, edit=True)
    link = db.session.get(HouseholdLink, link_id)
    if link is None or person.id not in (link.first_person_id, link.second_person_id):
        abort(404)
    services.remove_household_link(link)
    db.session.commit()
    flash(_("Household member removed."), "success")
    return _back_to(person, "household-title")


# ---- vulnerabilities --------------------------------------------------------------------------


def _vulnerability_of(person: Person, vulnerability_id: int) -> PersonVulnerability:
    vulnerability = db.session.get(PersonVulnerability, vulnerability_id)
    if vulnerability is None or vulnerability.person_id != person.id:
        abort(404)
    return vulnerability


@bp.route("/<int:person_id>/vulnerabilities/new", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def new_vulnerability(person_id: int):
    person = _person(person_id, edit=True)
    form = VulnerabilityForm()
    form.type_id.choices = select_choices(
        [("", _("Choose…")), *((str(t.id), t.title) for t in services.vulnerability_types())]
    )
    if request.method == "GET":
        form.from_date.data = today()
    if form.validate_on_submit():
        try:
            services.add_vulnerability(person, form.data)
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Vulnerability recorded."), "success")
            return _back_to(person, "vulnerabilities-title")
    status = 200 if request.method == "GET" else 422
    return render_template("people/vulnerability_form.html", person=person, form=form, vulnerability=None), status


@bp.route("/<int:person_id>/vulnerabilities/<int:vulnerability_id>/end", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def end_vulnerability(person_id: int, vulnerability_id: int):
    person = _person(person_id, edit=True)
    vulnerability = _vulnerability_of(person, vulnerability_id)
    form = EndVulnerabilityForm()
    if request.method == "GET":
        form.until_date.data = vulnerability.until_date or today()
        form.version.data = vulnerability.version
    outcome = save_edit(
        form,
        vulnerability,
        lambda: services.end_vulnerability(vulnerability, form.until_date.data, version=form.version.data),
        lambda saved: EndVulnerabilityForm(formdata=None, until_date=saved.until_date),
    )
    if outcome.saved:
        flash(_("End date saved."), "success")
        return _back_to(person, "vulnerabilities-title")
    return render_template(
        "people/vulnerability_form.html",
        person=person,
        form=form,
        vulnerability=outcome.obj,
        conflict=outcome.conflict,
    ), outcome.status


@bp.post("/<int:person_id>/vulnerabilities/<int:vulnerability_id>/delete")
@require_roles(*DESK_ROLES)
def remove_vulnerability(person_id: int, vulnerability_id: int):
    person = _person(person_id, edit=True)
    services.remove_vulnerability(_vulnerability_of(person, vulnerability_id))
    db.session.commit()
    flash(_("Vulnerability removed."), "success")
    return _back_to(person, "vulnerabilities-title")


# ---- consent ----------------------------------------------------------------------------------


def _upload_help() -> str:
    return _("PDF, JPEG or PNG, up to %(max)s MB.", max=current_app.config["MAX_ATTACHMENT_MB"])


def _consent_form(person: Person, **kwargs) -> ConsentForm:
    form = ConsentForm(**kwargs)
    form.set_choices()
    form.signed_form.description = _upload_help()
    if request.method == "GET" and "formdata" not in kwargs:
        form.notice_language.data = person.preferred_language
        form.signed_on.data = today()
        form.case_management.data = True
    return form


@bp.route("/<int:person_id>/consents/new", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def new_consent(person_id: int):
    person = _person(person_id, edit=True)
    form = _consent_form(person)
    if form.validate_on_submit():
        upload = form.signed_form.data
        try:
            services.add_consent(
                person,
                form.data,
                upload=upload.stream if upload else None,
                filename=upload.filename if upload else None,
            )
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            db.session.commit()
            flash(_("Consent recorded."), "success")
            return _back_to(person, "consent-title")
    status = 200 if request.method == "GET" else 422
    return render_template("people/consent_form.html", person=person, form=form, consent=None), status


@bp.route("/<int:person_id>/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def withdraw_consent(person_id: int, consent_id: int):
    person = _person(person_id, edit=True)
    consent = db.session.get(ConsentRecord, consent_id)
    if consent is None or consent.person_id != person.id:
        abort(404)
    form = WithdrawConsentForm()
    if request.method == "GET":
        form.withdrawn_on.data = consent.withdrawn_on or today()
        form.version.data = consent.version
    outcome = save_edit(
        form,
        consent,
        lambda: services.withdraw_consent(consent, form.withdrawn_on.data, version=form.version.data),
        lambda saved: WithdrawConsentForm(formdata=None, withdrawn_on=saved.withdrawn_on),
    )
    if outcome.saved:
        flash(_("Withdrawal recorded."), "success")
        return _back_to(person, "consent-title")
    return render_template(
        "people/consent_form.html", person=person, form=form, consent=outcome.obj, conflict=outcome.conflict
    ), outcome.status


# ---- attachments ------------------------------------------------------------------------------


def _attachment_of(person: Person, attachment_id: int) -> PersonAttachment:
    attachment = db.session.get(PersonAttachment, attachment_id)
    if attachment is None or attachment.person_id != person.id or attachment.deleted_at is not None:
        abort(404)
    return attachment


def _attachment_form(**kwargs) -> AttachmentForm:
    form = AttachmentForm(**kwargs)
    form.file.description = _upload_help()
    return form


@bp.route("/<int:person_id>/attachments/new", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def new_attachment(person_id: int):
    person = _person(person_id, edit=True)
    form = _attachment_form()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in AttachmentKind}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.add_attachment(
                person, AttachmentKind(form.kind.data), form.title.data or "", upload.stream, upload.filename
            )
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Document added."), "success")
            return _back_to(person, "attachments-title")
    status = 200 if request.method == "GET" else 422
    return render_template("people/attachment_form.html", person=person, form=form), status


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A request larger than the installation accepts: the upload form again, with the reason at
    the file field instead of an error page (what was typed could not be read)."""
    endpoint, person_id = request.endpoint, (request.view_args or {}).get("person_id")
    refused = render_error(413)
    if endpoint not in ("people.new_attachment", "people.new_consent") or person_id is None:
        return refused
    # Raised before the login wall and the view's own checks ran: check here.
    if not current_user.is_authenticated or current_user.role not in DESK_ROLES:
        return refused
    try:
        person = _person(person_id, edit=True)
    except HTTPException:
        return refused
    message = _(
        "This file is larger than %(max)s MB. Scan it at a lower resolution or in black and white.",
        max=current_app.config["MAX_ATTACHMENT_MB"],
    )
    if endpoint == "people.new_attachment":
        form = _attachment_form(formdata=None)
        form.file.errors = [message]
        page = render_template("people/attachment_form.html", person=person, form=form)
    else:
        form = _consent_form(person, formdata=None)
        form.signed_form.errors = [message]
        page = render_template("people/consent_form.html", person=person, form=form, consent=None)
    return page, 413


@bp.get("/<int:person_id>/attachments/<int:attachment_id>")
@require_roles(*DESK_ROLES)
def download_attachment(person_id: int, attachment_id: int):
    person = _person(person_id)
    attachment = _attachment_of(person, attachment_id)
    path = files.path_of(attachment.stored_name)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s missing", attachment.id, attachment.stored_name)
        abort(404)
    services.record_download(attachment)
    db.session.commit()
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=files.download_name(attachment.original_filename, attachment.content_type),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/<int:person_id>/attachments/<int:attachment_id>/delete")
@require_roles(*DESK_ROLES)
def delete_attachment(person_id: int, attachment_id: int):
    person = _person(person_id, edit=True)
    services.delete_attachment(_attachment_of(person, attachment_id), current_user)
    db.session.commit()
    flash(_("Document deleted."), "success")
    return _back_to(person, "attachments-title")


# ---- merging two records of one person --------------------------------------------------------


@bp.get("/<int:person_id>/merge")
@require_roles(*MERGE_ROLES)
def merge_choose(person_id: int):
    """Choose the record to merge into this one: likely duplicates first, or a search by name."""
    person = _person(person_id, edit=True)
    search = NameSearchForm(request.args)
    found = []
    if search.validate() and search.q.data:
        found = [p for p in services.search_people(current_user, q=search.q.data, per_page=20).page.items]
    values = {name: getattr(person, name) for name in services.SIMPLE_FIELDS}
    duplicates = services.find_duplicates(current_user, values, exclude_id=person.id)
    found = [p for p in found if p.id != person.id]
    status = 200 if not search.errors else 422
    return render_template(
        "people/merge_choose.html", person=person, search=search, found=found, duplicates=duplicates
    ), status


@bp.route("/<int:person_id>/merge/<int:other_id>", methods=["GET", "POST"])
@require_roles(*MERGE_ROLES)
def merge_confirm(person_id: int, other_id: int):
    """The two records side by side, what the merge will do, and the button to do it."""
    person = _person(person_id, edit=True)
    other = _person(other_id, edit=True)
    form = MergeForm()
    if request.method == "GET":
        form.survivor_version.data, form.merged_version.data = person.version, other.version
    try:
        plan = merging.plan_merge(person, other)
    except RuleError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("people.merge_choose", person_id=person.id))
    status = 200
    if form.validate_on_submit():
        try:
            merging.merge_people(
                person, other, survivor_version=form.survivor_version.data, merged_version=form.merged_version.data
            )
            db.session.commit()
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            form.form_errors.append(
                _("One of the two records was changed while you were comparing them. Check them again, then merge.")
            )
            form.survivor_version.data, form.merged_version.data = person.version, other.version
            plan = merging.plan_merge(person, other)
            status = 409
        except RuleError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return redirect(url_for("people.merge_choose", person_id=person.id))
        else:
            flash(_("The two records are now one. The merge can be undone from the audit trail."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "people/merge_confirm.html", person=person, other=other, plan=plan, form=form, table_titles=merging.TABLE_TITLES
    ), status


# ---- admin: the vulnerability vocabulary, undoing merges --------------------------------------


@admin_bp.get("/vulnerabilities")
@require_roles(Role.ADMIN)
def vulnerability_types():
    types = services.vulnerability_types(active_only=False)
    counts = dict(
        db.session.execute(
            sa.select(PersonVulnerability.type_id, sa.func.count(sa.distinct(PersonVulnerability.person_id))).group_by(
                PersonVulnerability.type_id
            )
        ).all()
    )
    return render_template("people/vulnerability_types.html", types=types, counts=counts)


@admin_bp.route("/vulnerabilities/new", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def new_vulnerability_type():
    form = VulnerabilityTypeForm()
    if form.validate_on_submit():
        try:
            vtype = services.create_vulnerability_type(form.name.data)
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Vulnerability %(name)s added.", name=vtype.name), "success")
            return redirect(url_for("people_admin.vulnerability_types"))
    status = 200 if request.method == "GET" else 422
    return render_template("people/vulnerability_type_form.html", form=form, vtype=None), status


def _type_form(vtype: VulnerabilityType, **kwargs) -> VulnerabilityTypeForm:
    form = VulnerabilityTypeForm(obj=vtype, **kwargs)
    if vtype.is_builtin:
        # Built-in titles are translated, not renamed: the field shows the title, read-only.
        form.name.data = str(vtype.title)
        form.name.render_kw = {"readonly": True}
        form.name.description = _("Built-in types keep their name, translated into each language.")
    return form


@admin_bp.route("/vulnerabilities/<int:type_id>", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def edit_vulnerability_type(type_id: int):
    vtype = db.session.get(VulnerabilityType, type_id) or abort(404)
    form = _type_form(vtype)
    if request.method == "GET":
        form.version.data = vtype.version
    outcome = save_edit(
        form,
        vtype,
        lambda: services.update_vulnerability_type(
            vtype, name=form.name.data, active=form.active.data, version=form.version.data
        ),
        lambda saved: _type_form(saved, formdata=None),
    )
    if outcome.saved:
        flash(_("Vulnerability saved."), "success")
        return redirect(url_for("people_admin.vulnerability_types"))
    return render_template(
        "people/vulnerability_type_form.html", form=form, vtype=outcome.obj, conflict=outcome.conflict
    ), outcome.status


@admin_bp.post("/merges/<int:entry_id>/undo")
@require_roles(Role.ADMIN)
def undo_merge(entry_id: int):
    entry = db.session.get(AuditEntry, entry_id) or abort(404)
    try:
        merging.undo_merge(entry)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(_("The merge has been undone: the two records are separate again."), "success")
    return redirect(url_for("auth.audit_trail"))
