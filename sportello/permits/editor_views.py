"""Editing procedures (coordinators and administrators): a new version for every change, and
withdrawing a procedure from new checklists."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.i18n import gettext as _
from sportello.core.permissions import require_roles
from sportello.extensions import db
from sportello.permits import services
from sportello.permits.content import ProcedureContent
from sportello.permits.forms import ProcedureForm, procedure_data, procedure_form
from sportello.permits.models import Procedure

bp = Blueprint("procedure_editor", __name__, url_prefix="/permits/procedures")

EDITORS = tuple(services.EDITOR_ROLES)


def _procedure_or_404(code: str) -> Procedure:
    procedure = services.procedure_by_code(code)
    if procedure is None:
        abort(404)
    return procedure


@bp.route("/<code>/edit", methods=["GET", "POST"])
@require_roles(*EDITORS)
def edit(code: str):
    procedure = _procedure_or_404(code)
    latest = services.version_of(procedure)
    content = ProcedureContent.of(latest.content)
    form = procedure_form(content, latest.number, from_request=request.method == "POST")
    newer = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.new_version(
                    procedure, procedure_data(form), form.change_note.data, current_user, form.base.data
                )
                db.session.commit()
            except services.NewerVersion as stale:
                db.session.rollback()
                newer = stale.version
                # Saving again keeps what was typed, knowingly over the newer version.
                form.base.data = str(newer.number)
            except (FieldError, FieldErrors) as errors:
                db.session.rollback()
                _add_errors(form, errors)
            except RuleError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                flash(
                    _(
                        "Version %(number)s saved: new checklists use it, existing ones keep theirs.",
                        number=procedure.latest_number,
                    ),
                    "success",
                )
                return redirect(url_for("permits.procedure", code=procedure.code))
        procedure = _procedure_or_404(code)
        status = 409 if newer is not None else 422
        if newer is None and _int(form.base.data) != procedure.latest_number:
            # Refused for what was typed, and someone saved meanwhile: say so now, not after.
            newer = services.version_of(procedure)
            form.base.data = str(newer.number)
    else:
        status = 200
    return render_template(
        "permits/procedure_form.html",
        procedure=procedure,
        version=services.version_of(procedure),
        form=form,
        newer=newer,
    ), status


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _add_errors(form: ProcedureForm, errors: FieldError | FieldErrors) -> None:
    """A service's complaints next to their fields; lists get theirs above their rows."""
    for one in errors.errors if isinstance(errors, FieldErrors) else [errors]:
        field = form._fields.get(one.field)
        if field is None:
            form.form_errors.append(str(one.message))
        else:
            field.errors = [*field.errors, str(one.message)]
    if not form.form_errors:
        form.form_errors.append(_("Please correct the fields marked below."))


@bp.post("/<code>/active")
@require_roles(*EDITORS)
def set_active(code: str):
    procedure = _procedure_or_404(code)
    active = request.form.get("active") == "1"
    services.set_procedure_active(procedure, active)
    db.session.commit()
    if active:
        flash(_("The procedure is offered again for new checklists."), "success")
    else:
        flash(_("The procedure is no longer offered for new checklists; existing checklists keep working."), "success")
    return redirect(url_for("permits.procedure", code=procedure.code))
