"""Funding projects of mediation hours (a FAMI project with its CUP code, a municipal fund):
kept by coordinators and administrators. Rules live in ``mediation.roster``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from sportello.core.concurrency import save_edit
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error, today
from sportello.core.i18n import gettext as _
from sportello.core.permissions import require_roles
from sportello.extensions import db
from sportello.mediation import roster
from sportello.mediation.models import MANAGER_ROLES, FundingProject
from sportello.mediation.roster_forms import ProjectForm

bp = Blueprint("funding_projects", __name__, url_prefix="/mediation/projects")

MANAGERS = tuple(MANAGER_ROLES)


@bp.get("/")
@require_roles(*MANAGERS)
def index():
    return render_template("mediation/roster/projects.html", projects=roster.projects(), today=today())


def _project_values(form: ProjectForm) -> dict:
    return {name: form[name].data for name in roster.PROJECT_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*MANAGERS)
def new():
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = roster.create_project(_project_values(form))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("Project %(code)s saved.", code=project.code), "success")
            return redirect(url_for("funding_projects.index"))
    status = 200 if request.method == "GET" else 422
    return render_template("mediation/roster/project_form.html", form=form, project=None), status


def _saved_project_form(project: FundingProject) -> ProjectForm:
    return ProjectForm(formdata=None, obj=project)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@require_roles(*MANAGERS)
def edit(project_id: int):
    project = db.session.get(FundingProject, project_id) or abort(404)
    form = ProjectForm(obj=project)
    if request.method == "GET":
        form.version.data = project.version
    outcome = save_edit(
        form,
        project,
        lambda: roster.update_project(project, _project_values(form), version=form.version.data),
        _saved_project_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("funding_projects.index"))
    return render_template(
        "mediation/roster/project_form.html", form=form, project=outcome.obj, conflict=outcome.conflict
    ), outcome.status
