"""A person's skills profile and their CV: the profile page, starting and editing the profile, its
rows (education, work experience, languages), the CV as a PDF, and the panel on the person page.

Desk staff who may see the person (``Person.can_view``) read and keep the profile; mediators do
not see it. Rules live in ``jobs.profiles``, the CV in ``jobs.cv``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sportello.core import audit
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.i18n import ngettext
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.core.signals import person_rows_moved
from sportello.extensions import db
from sportello.jobs import cv as cv_document
from sportello.jobs import models, profiles
from sportello.jobs.models import STAFF_ROLES, Education, Experience, SkillsProfile
from sportello.jobs.profile_forms import (
    ActionForm,
    EducationForm,
    ExperienceForm,
    LanguageForm,
    LanguageLevelForm,
    ProfileForm,
    VersionForm,
)
from sportello.people.models import Person

bp = Blueprint("job_profiles", __name__, url_prefix="/jobs/people")

STAFF = tuple(STAFF_ROLES)


def register(app: Flask) -> None:
    from sportello.people import add_person_panel

    app.register_blueprint(bp)
    add_person_panel(app, "jobs/profiles/_person_panel.html", person_panel)
    person_rows_moved.connect(profiles.follow_person_desks, weak=False)
    audit.register_labels(
        "SkillsProfile",
        _l("Skills profile"),
        # A CV's download records the language it was printed in.
        {**models.PROFILE_FIELDS, "cv": _l("CV language")},
        {
            "italian_level": models.Cefr,
            "italian_certificate": models.ItalianCertificate,
            "hours": models.Hours,
            "travel": models.Travel,
        },
    )


# ---- the panel on the person page ----------------------------------------------------------------


def person_panel(person: Person, user) -> dict[str, Any]:
    """A summary of the person's profile (stage, Italian level, sectors, DID) with links to it
    and to the CV, or an offer to start one. One query; nothing for users outside the desks."""
    if user.role not in STAFF_ROLES:
        return {"visible": False, "profile": None}
    return {"visible": True, "profile": profiles.summary_of(person.id), "person": person}


@bp.app_template_filter("job_years")
def job_years(value: Any) -> str:
    """Years in a job as the profile page shows them: "less than six months", "1 year", "2,5 years"."""
    years = Decimal(value)
    if years == 0:
        return _("less than six months")
    if years == years.to_integral_value():
        return ngettext("%(num)s year", "%(num)s years", int(years))
    # Translators: years of work experience with a half, like "2,5 years".
    return _("%(years)s years", years=format_decimal(years))


# ---- helpers ------------------------------------------------------------------------------------


def _person(person_id: int, *, edit: bool = False) -> Person:
    """The person for the current user (404, 403); a record merged into another sends the user
    on to the profile of the record it now lives on."""
    from sportello.people import merging

    person = get_visible_or_404(Person, person_id, edit=edit)
    if person.merged_into_id is not None:
        survivor = merging.final_record(person)
        flash(_("This record was merged into the record of %(name)s, shown here instead.", name=survivor.full_name))
        abort(redirect(url_for("job_profiles.profile", person_id=survivor.id)))
    return person


def _to_profile(person_id: int, anchor: str | None = None):
    return redirect(url_for("job_profiles.profile", person_id=person_id, _anchor=anchor))


def _profile_of(person: Person) -> SkillsProfile:
    """The person's profile with its rows; without one, back to the page that offers to start it."""
    profile = profiles.profile_of(person.id)
    if profile is None:
        flash(_("Start the skills profile first."), "info")
        abort(_to_profile(person.id))
    return profile


def _values(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form[name].data for name in names}


def _add_forms() -> dict[str, Any]:
    education = EducationForm(formdata=None, prefix="education")
    education.set_choices()
    experience = ExperienceForm(formdata=None, prefix="experience")
    experience.set_choices()
    language = LanguageForm(formdata=None, prefix="language")
    language.set_choices()
    return {"education_form": education, "experience_form": experience, "language_form": language}


# ---- the profile page ---------------------------------------------------------------------------


@bp.route("/<int:person_id>", methods=["GET"])
@require_roles(*STAFF)
def profile(person_id: int):
    person = _person(person_id)
    found = profiles.profile_of(person.id)
    context: dict[str, Any] = {
        "person": person,
        "profile": found,
        "cases": profiles.open_cases(person, current_user),
        "start_form": ActionForm(formdata=None),
    }
    if found is not None:
        context |= _add_forms() | {
            "educations": profiles.educations_newest_first(found),
            "experiences": profiles.experiences_newest_first(found),
            "mother_tongues": profiles.mother_tongues(found),
            "other_languages": profiles.other_languages(found),
            "row_form": VersionForm(formdata=None),
            "cv_languages": cv_document.CV_LANGUAGES,
        }
    return render_template("jobs/profiles/show.html", **context)


@bp.post("/<int:person_id>/start")
@require_roles(*STAFF)
def start(person_id: int):
    person = _person(person_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    if profiles.profile_of(person.id, rows=False) is not None:
        flash(_("This person already has a skills profile."), "info")
        return _to_profile(person.id)
    try:
        profiles.start_profile(person)
        db.session.commit()
    except IntegrityError:  # started by someone else at the same moment
        db.session.rollback()
        flash(_("This person already has a skills profile."), "info")
        return _to_profile(person.id)
    flash(_("Skills profile started. Fill it in from what the person tells you."), "success")
    return redirect(url_for("job_profiles.edit", person_id=person.id))


# ---- editing the profile ------------------------------------------------------------------------


def _saved_profile_form(profile: SkillsProfile) -> ProfileForm:
    data = {name: getattr(profile, name) for name in profiles.EDIT_FIELDS}
    for name in ("italian_level", "italian_certificate", "hours", "travel"):
        data[name] = data[name].value if data[name] is not None else ""
    data["licences"] = [licence.value for licence in profile.licence_list]
    data["sectors"] = [sector.value for sector in profile.sector_list]
    data["version"] = profile.version
    return ProfileForm(formdata=None, data=data)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit(person_id: int):
    person = _person(person_id, edit=True)
    found = _profile_of(person)
    form = ProfileForm() if request.method == "POST" else _saved_profile_form(found)
    outcome = save_edit(
        form,
        found,
        lambda: profiles.update_profile(
            found, profiles.clean_profile_values(_values(form, profiles.EDIT_FIELDS)), version=form.version.data
        ),
        _saved_profile_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return _to_profile(person.id)
    return render_template(
        "jobs/profiles/form.html", form=form, person=person, profile=outcome.obj, conflict=outcome.conflict
    ), outcome.status


# ---- rows: adding, editing, removing --------------------------------------------------------------

ROWS = {
    # kind: (heading of the edit page, form, fields, anchor)
    "education": (_l("Education"), EducationForm, profiles.EDUCATION_FIELDS, "education"),
    "experience": (_l("Work experience"), ExperienceForm, (*profiles.EXPERIENCE_FIELDS, "ongoing"), "experience"),
    "language": (_l("Languages"), LanguageForm, ("language", "level"), "languages"),
}


def _row_page(person: Person, kind: str, form: Any, *, row: Any = None, conflict=None, status: int = 200):
    heading, _form, fields, anchor = ROWS[kind]
    if kind == "language" and row is not None:
        fields = ("level",)
    return render_template(
        "jobs/profiles/row_form.html",
        person=person,
        form=form,
        heading=heading,
        fields=fields,
        row=row,
        kind=kind,
        anchor=anchor,
        conflict=conflict,
    ), status


def _add(person_id: int, kind: str, form: Any, create: Callable[[SkillsProfile, Any], Any], done: Any):
    """An add form of the profile page: validate, run the service, commit once, back to the
    page; on bad input a page with the form as typed (422). Adding needs no version: it
    conflicts with nothing, and it moves the profile's version on for those editing it."""
    person = _person(person_id, edit=True)
    found = _profile_of(person)
    if hasattr(form, "set_choices"):
        form.set_choices()
    if form.validate_on_submit():
        try:
            create(found, form)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            form.form_errors.append(
                _("Someone else changed this profile meanwhile. Check the profile, then save again.")
            )
            return _row_page(person, kind, form, status=409)
        else:
            flash(done, "success")
            return _to_profile(person.id, ROWS[kind][3])
    else:
        db.session.rollback()
    return _row_page(person, kind, form, status=422)


def _edit_row(
    person_id: int,
    kind: str,
    find: Callable[[SkillsProfile], Any],
    form_for: Callable[[Any, int, bool], Any],
    save: Callable[[SkillsProfile, Any, Any], Any],
):
    """The page of one row, saved with the profile's version: a save made from an older version
    of the profile is refused and compared with the row as it is now."""
    person = _person(person_id, edit=True)
    found = _profile_of(person)
    row = find(found)
    if row is None:
        abort(404)
    form = form_for(row, found.version, request.method == "POST")

    def saved_form(reloaded: SkillsProfile):
        current = find(reloaded)
        return form_for(current, reloaded.version, False)

    outcome = save_edit(form, found, lambda: save(found, row, form), saved_form)
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return _to_profile(person.id, ROWS[kind][3])
    current = find(outcome.obj) if outcome.conflict is not None else row
    if current is None:  # removed meanwhile
        flash(_("Someone else removed this entry meanwhile."), "warning")
        return _to_profile(person.id, ROWS[kind][3])
    return _row_page(person, kind, form, row=current, conflict=outcome.conflict, status=outcome.status)


def _remove(person_id: int, find: Callable[[SkillsProfile], Any], remove: Callable, done: Any, anchor: str):
    person = _person(person_id, edit=True)
    found = _profile_of(person)
    row = find(found)
    if row is None:
        abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return render_template(
            "jobs/profiles/refused.html", person=person, message=_("The page was incomplete. Load it again.")
        ), 422
    try:
        remove(found, row, version=form.version.data)
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        message = _("Someone else changed this profile meanwhile. Look at it again, then repeat your action.")
        return render_template("jobs/profiles/refused.html", person=person, message=message), 409
    flash(done, "success")
    return _to_profile(person.id, anchor)


# ---- education ----------------------------------------------------------------------------------


def _education(education_id: int) -> Callable[[SkillsProfile], Education | None]:
    return lambda found: next((row for row in found.educations if row.id == education_id), None)


def _education_form(row: Education | None, version: int, posted: bool) -> EducationForm:
    if posted:
        form = EducationForm()
    else:
        data = {name: getattr(row, name) for name in profiles.EDUCATION_FIELDS} if row is not None else {}
        if row is not None:
            data["level"], data["recognition"] = row.level.value, row.recognition.value
        form = EducationForm(formdata=None, data=data | {"version": version})
    form.set_choices()
    return form


@bp.post("/<int:person_id>/educations")
@require_roles(*STAFF)
def add_education(person_id: int):
    return _add(
        person_id,
        "education",
        EducationForm(prefix="education"),
        lambda found, form: profiles.add_education(
            found, profiles.clean_education_values(_values(form, profiles.EDUCATION_FIELDS))
        ),
        _("Education added."),
    )


@bp.route("/<int:person_id>/educations/<int:education_id>", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit_education(person_id: int, education_id: int):
    return _edit_row(
        person_id,
        "education",
        _education(education_id),
        _education_form,
        lambda found, row, form: profiles.update_education(
            found,
            row,
            profiles.clean_education_values(_values(form, profiles.EDUCATION_FIELDS)),
            version=form.version.data,
        ),
    )


@bp.post("/<int:person_id>/educations/<int:education_id>/delete")
@require_roles(*STAFF)
def remove_education(person_id: int, education_id: int):
    return _remove(person_id, _education(education_id), profiles.remove_education, _("Education removed."), "education")


# ---- work experience ----------------------------------------------------------------------------

EXPERIENCE_VALUES = (*profiles.EXPERIENCE_FIELDS, "ongoing")


def _experience(experience_id: int) -> Callable[[SkillsProfile], Experience | None]:
    return lambda found: next((row for row in found.experiences if row.id == experience_id), None)


def _years(value) -> Any:
    """Stored years as people type them: 2 rather than 2.0, 2.5 as it is."""
    if value is None:
        return None
    return value.quantize(1) if value == value.to_integral_value() else value.normalize()


def _experience_form(row: Experience | None, version: int, posted: bool) -> ExperienceForm:
    if posted:
        form = ExperienceForm()
    else:
        data = {name: getattr(row, name) for name in profiles.EXPERIENCE_FIELDS} if row is not None else {}
        if row is not None:
            data["sector"] = row.sector.value
            data["years"] = _years(row.years)
            data["ongoing"] = row.until_year is None
        form = ExperienceForm(formdata=None, data=data | {"version": version})
    form.set_choices()
    return form


@bp.post("/<int:person_id>/experiences")
@require_roles(*STAFF)
def add_experience(person_id: int):
    return _add(
        person_id,
        "experience",
        ExperienceForm(prefix="experience"),
        lambda found, form: profiles.add_experience(
            found, profiles.clean_experience_values(_values(form, EXPERIENCE_VALUES))
        ),
        _("Work experience added."),
    )


@bp.route("/<int:person_id>/experiences/<int:experience_id>", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit_experience(person_id: int, experience_id: int):
    return _edit_row(
        person_id,
        "experience",
        _experience(experience_id),
        _experience_form,
        lambda found, row, form: profiles.update_experience(
            found, row, profiles.clean_experience_values(_values(form, EXPERIENCE_VALUES)), version=form.version.data
        ),
    )


@bp.post("/<int:person_id>/experiences/<int:experience_id>/delete")
@require_roles(*STAFF)
def remove_experience(person_id: int, experience_id: int):
    return _remove(
        person_id, _experience(experience_id), profiles.remove_experience, _("Work experience removed."), "experience"
    )


# ---- languages ----------------------------------------------------------------------------------


def _language(code: str) -> Callable[[SkillsProfile], Any]:
    return lambda found: profiles.language_row(found, code)


def _language_level_form(row, version: int, posted: bool) -> LanguageLevelForm:
    if posted:
        return LanguageLevelForm()
    level = "" if row is None else (profiles.NATIVE if row.mother_tongue else (row.level.value if row.level else ""))
    return LanguageLevelForm(formdata=None, data={"level": level, "version": version})


@bp.post("/<int:person_id>/languages")
@require_roles(*STAFF)
def add_language(person_id: int):
    return _add(
        person_id,
        "language",
        LanguageForm(prefix="language"),
        lambda found, form: profiles.add_language(
            found, profiles.clean_language_values(found, _values(form, ("language", "level")))
        ),
        _("Language added."),
    )


@bp.route("/<int:person_id>/languages/<language>", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit_language(person_id: int, language: str):
    return _edit_row(
        person_id,
        "language",
        _language(language),
        _language_level_form,
        lambda found, row, form: profiles.update_language(
            found,
            row,
            profiles.clean_language_values(found, {"level": form.level.data}, editing=row),
            version=form.version.data,
        ),
    )


@bp.post("/<int:person_id>/languages/<language>/delete")
@require_roles(*STAFF)
def remove_language(person_id: int, language: str):
    return _remove(person_id, _language(language), profiles.remove_language, _("Language removed."), "languages")


# ---- the CV -------------------------------------------------------------------------------------


@bp.route("/<int:person_id>/cv.pdf", methods=["GET"])
@require_roles(*STAFF)
def cv(person_id: int):
    """The CV as a PDF in Italian (the default), English or French; any other language is 404."""
    language = request.args.get("lang") or "it"
    if language not in cv_document.CV_LANGUAGES:
        abort(404)
    person = _person(person_id)
    found = _profile_of(person)
    doc = cv_document.cv_document(found, language)
    data = cv_document.render(doc)
    cv_document.record_download(found, language)
    db.session.commit()
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{cv_document.filename(person, language)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
