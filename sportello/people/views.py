"""People: search, intake, a person's file, edits."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from sportello.auth.models import Desk
from sportello.core.concurrency import StaleEdit, stale_save
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error, select_choices
from sportello.core.languages import country_choices
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import services
from sportello.people.forms import LANGUAGE_ROWS, PeopleSearchForm, PersonForm
from sportello.people.models import Person

bp = Blueprint("people", __name__, url_prefix="/people")

DESK_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)


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
    person = get_visible_or_404(Person, person_id)
    panels = [
        (template, context(person, current_user))
        for template, context in current_app.extensions.get("sportello_person_panels", [])
    ]
    page = render_template(
        "people/show.html", person=person, warnings=services.fiscal_code_warnings(person), panels=panels
    )
    services.record_view(person)
    db.session.commit()
    return page


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@require_roles(*DESK_ROLES)
def edit(person_id: int):
    person = get_visible_or_404(Person, person_id, edit=True)
    form = _person_form(person)
    conflict = None
    if form.validate_on_submit():
        try:
            values = services.clean_values(_values(form))
            services.update_person(person, values, version=form.version.data)
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        except (StaleEdit, StaleDataError):
            person, conflict = stale_save(form, Person, person_id, _saved_form)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    status = 200 if request.method == "GET" else (409 if conflict is not None else 422)
    return render_template("people/form.html", form=form, person=person, candidates=None, conflict=conflict), status
