"""The employers' roster, shared by every desk.

Desk staff (administrators, coordinators, operators) read and keep it; mediators do not see it.
Rules live in ``jobs.employers``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sportello.core.concurrency import save_edit
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.jobs import employers
from sportello.jobs.models import EMPLOYER_FIELDS, STAFF_ROLES, Employer, OfferStatus, Sector
from sportello.jobs.offer_forms import EmployerFilterForm, EmployerForm

bp = Blueprint("employers", __name__, url_prefix="/jobs/employers")

STAFF = tuple(STAFF_ROLES)


def register(app: Flask) -> None:
    from sportello.core import audit

    app.register_blueprint(bp)
    audit.register_labels("Employer", _l("Employer"), EMPLOYER_FIELDS, {"sector": Sector})


def _page(query):
    return db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )


@bp.route("/", methods=["GET"])
@require_roles(*STAFF)
def index():
    form = EmployerFilterForm(request.args)
    if "status" not in request.args:
        form.status.data = "active"
    page = counts = None
    if form.validate():
        filters = employers.EmployerFilters(
            name=form.name.data or "",
            sector=form.sector.data or "",
            municipality=form.municipality.data or "",
            status=form.status.data or "active",
        )
        page = _page(employers.employer_query(filters))
        counts = employers.offer_counts(employer.id for employer in page.items)
    return render_template(
        "jobs/employers/index.html", form=form, page=page, counts=counts or {}, statuses=list(OfferStatus)
    ), 200 if page is not None else 422


def _values(form: EmployerForm) -> dict:
    return {name: form[name].data for name in employers.EMPLOYER_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*STAFF)
def new():
    form = EmployerForm()
    if form.validate_on_submit():
        try:
            employer = employers.create_employer(employers.clean_employer_values(_values(form)))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("%(name)s has joined the employers' roster.", name=employer.name), "success")
            return redirect(url_for("employers.employer", employer_id=employer.id))
    status = 200 if request.method == "GET" else 422
    return render_template("jobs/employers/form.html", form=form, employer=None), status


@bp.route("/<int:employer_id>", methods=["GET"])
@require_roles(*STAFF)
def employer(employer_id: int):
    employer = get_visible_or_404(Employer, employer_id)
    internships, hidden = employers.hosted_internships(employer, current_user)
    return render_template(
        "jobs/employers/show.html",
        employer=employer,
        offers=employers.employer_offers(employer),
        internships=internships,
        hidden_internships=hidden,
        today=today(),
    )


def _saved_form(employer: Employer) -> EmployerForm:
    data = {name: getattr(employer, name) for name in employers.EMPLOYER_FIELDS}
    data["sector"] = employer.sector.value
    data["version"] = employer.version
    return EmployerForm(formdata=None, data=data)


@bp.route("/<int:employer_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit(employer_id: int):
    employer = get_visible_or_404(Employer, employer_id, edit=True)
    form = EmployerForm() if request.method == "POST" else _saved_form(employer)
    outcome = save_edit(
        form,
        employer,
        lambda: employers.update_employer(
            employer, employers.clean_employer_values(_values(form)), version=form.version.data
        ),
        _saved_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("employers.employer", employer_id=employer.id))
    return render_template(
        "jobs/employers/form.html", form=form, employer=outcome.obj, conflict=outcome.conflict
    ), outcome.status
