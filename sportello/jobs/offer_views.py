"""Job offers, shared by every desk.

Desk staff (administrators, coordinators, operators) read and keep them; mediators do not see
them. Rules live in ``jobs.employers``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.jobs import employers
from sportello.jobs.models import (
    OFFER_FIELDS,
    STAFF_ROLES,
    Cefr,
    ContractType,
    DrivingLicence,
    Employer,
    Hours,
    JobOffer,
    OfferStatus,
    Sector,
)
from sportello.jobs.offer_forms import OfferFilterForm, OfferForm, OfferStatusForm

bp = Blueprint("job_offers", __name__, url_prefix="/jobs/offers")

STAFF = tuple(STAFF_ROLES)


def register(app: Flask) -> None:
    from sportello.core import audit

    app.register_blueprint(bp)
    audit.register_labels(
        "JobOffer",
        _l("Job offer"),
        OFFER_FIELDS,
        {
            "sector": Sector,
            "contract_type": ContractType,
            "hours": Hours,
            "min_italian": Cefr,
            "licence": DrivingLicence,
            "status": OfferStatus,
        },
    )


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
    form = OfferFilterForm(request.args)
    page = None
    if form.validate():
        filters = employers.OfferFilters(
            status=form.status.data or "",
            sector=form.sector.data or "",
            municipality=form.municipality.data or "",
            contract_type=form.contract_type.data or "",
            q=form.q.data or "",
            closing_soon=bool(form.closing_soon.data),
        )
        page = _page(employers.offer_query(filters))
    return render_template(
        "jobs/offers/index.html", form=form, page=page, today=today()
    ), 200 if page is not None else 422


# ---- one offer -------------------------------------------------------------------------------

ENUMS = ("sector", "contract_type", "hours", "min_italian", "licence")


def _form_data(offer: JobOffer | None) -> dict:
    """The offer form filled from ``offer``, or a new one's defaults (from ``?employer_id=``)."""
    if offer is None:
        data: dict = {"positions": 1, "province": ""}
        employer_id = request.args.get("employer_id", type=int)
        employer = db.session.get(Employer, employer_id) if employer_id else None
        if employer is not None and employer.active:
            data |= {
                "employer_id": str(employer.id),
                "sector": employer.sector.value,
                "municipality": employer.municipality,
            }
        return data
    data = {name: getattr(offer, name) for name in employers.OFFER_FIELDS}
    for name in ENUMS:
        value = getattr(offer, name)
        data[name] = "" if value is None else value.value
    data["employer_id"] = str(offer.employer_id)
    data["version"] = offer.version
    return data


def _offer_form(offer: JobOffer | None) -> OfferForm:
    form = OfferForm() if request.method == "POST" else OfferForm(formdata=None, data=_form_data(offer))
    form.set_choices(employers.employer_choices(offer.employer_id if offer is not None else None))
    return form


def _saved_form(offer: JobOffer) -> OfferForm:
    form = OfferForm(formdata=None, data=_form_data(offer))
    form.set_choices(employers.employer_choices(offer.employer_id))
    return form


def _values(form: OfferForm) -> dict:
    values = {name: form[name].data for name in employers.OFFER_FIELDS}
    values["employer_id"] = int(form.employer_id.data) if (form.employer_id.data or "").isdigit() else None
    return values


@bp.route("/new", methods=["GET", "POST"])
@require_roles(*STAFF)
def new():
    form = _offer_form(None)
    if form.validate_on_submit():
        try:
            offer = employers.create_offer(employers.clean_offer_values(_values(form)))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("Offer saved: %(title)s.", title=offer.title), "success")
            return redirect(url_for("job_offers.offer", offer_id=offer.id))
    status = 200 if request.method == "GET" else 422
    return render_template("jobs/offers/form.html", form=form, offer=None), status


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit(offer_id: int):
    offer = get_visible_or_404(JobOffer, offer_id, edit=True)
    form = _offer_form(offer)
    outcome = save_edit(
        form,
        offer,
        lambda: employers.update_offer(
            offer, employers.clean_offer_values(_values(form), offer), version=form.version.data
        ),
        _saved_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("job_offers.offer", offer_id=offer.id))
    return render_template(
        "jobs/offers/form.html", form=form, offer=outcome.obj, conflict=outcome.conflict
    ), outcome.status


def _show(offer: JobOffer, status_form: OfferStatusForm | None = None, status: int = 200):
    if status_form is None:
        status_form = OfferStatusForm(formdata=None, data={"status": offer.status.value, "version": offer.version})
    return render_template(
        "jobs/offers/show.html",
        offer=offer,
        referrals=employers.offer_referrals(offer),
        status_form=status_form,
        user=current_user,
        today=today(),
    ), status


@bp.route("/<int:offer_id>", methods=["GET"])
@require_roles(*STAFF)
def offer(offer_id: int):
    return _show(get_visible_or_404(JobOffer, offer_id))


@bp.route("/<int:offer_id>/status", methods=["POST"])
@require_roles(*STAFF)
def change_status(offer_id: int):
    offer = get_visible_or_404(JobOffer, offer_id, edit=True)
    form = OfferStatusForm()
    if form.validate_on_submit():
        try:
            employers.change_offer_status(offer, form.status.data, version=form.version.data)
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            offer = get_visible_or_404(JobOffer, offer_id)
            form.version.data = offer.version
            form.status.errors = [
                *form.status.errors,
                _(
                    "Someone else changed this offer meanwhile: it is now %(status)s. Choose again.",
                    status=offer.status.title,
                ),
            ]
            return _show(offer, form, 409)
        else:
            flash(_("The offer is now: %(status)s.", status=offer.status.title), "success")
            return redirect(url_for("job_offers.offer", offer_id=offer.id))
    db.session.rollback()
    return _show(get_visible_or_404(JobOffer, offer_id), form, 422)
