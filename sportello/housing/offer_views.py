"""The owners' roster and the homes on offer, shared by every desk.

Desk staff (administrators, coordinators, operators) read and keep them; mediators do not see
them. Rules live in ``housing.offers``.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from sportello.core.concurrency import ConflictRow, StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import add_field_error
from sportello.core.i18n import gettext as _
from sportello.core.i18n import ngettext
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.housing import offers
from sportello.housing.models import STAFF_ROLES, HousingOffer, Landlord, OfferStatus, RoomKind
from sportello.housing.offer_forms import (
    MAX_ROW_ENTRIES,
    ROOM_ROWS_TO_ADD,
    STARTING_ROOMS,
    LandlordFilterForm,
    LandlordForm,
    OfferFilterForm,
    OfferForm,
    OfferStatusForm,
)

landlords_bp = Blueprint("landlords", __name__, url_prefix="/housing/owners")
offers_bp = Blueprint("offers", __name__, url_prefix="/housing/offers")

STAFF = tuple(STAFF_ROLES)


def _page(query):
    return db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )


# ---- owners ----------------------------------------------------------------------------------


@landlords_bp.get("/", endpoint="index")
@require_roles(*STAFF)
def owner_index():
    form = LandlordFilterForm(request.args)
    if "status" not in request.args:
        form.status.data = "active"
    page = counts = None
    if form.validate():
        filters = offers.LandlordFilters(
            kind=form.kind.data or "",
            municipality=form.municipality.data or "",
            name=form.name.data or "",
            status=form.status.data or "active",
        )
        page = _page(offers.landlord_query(filters))
        counts = offers.offer_counts(landlord.id for landlord in page.items)
    return render_template(
        "housing/offers/owners.html", form=form, page=page, counts=counts or {}, statuses=list(OfferStatus)
    ), 200 if page is not None else 422


def _landlord_values(form: LandlordForm) -> dict:
    return {name: form[name].data for name in offers.LANDLORD_FIELDS}


@landlords_bp.route("/new", methods=["GET", "POST"], endpoint="new")
@require_roles(*STAFF)
def new_owner():
    form = LandlordForm()
    if form.validate_on_submit():
        try:
            landlord = offers.create_landlord(offers.clean_landlord_values(_landlord_values(form)))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(_("%(name)s has joined the owners' list.", name=landlord.name), "success")
            return redirect(url_for("landlords.show", landlord_id=landlord.id))
    status = 200 if request.method == "GET" else 422
    return render_template("housing/offers/owner_form.html", form=form, landlord=None), status


def _saved_landlord_form(landlord: Landlord) -> LandlordForm:
    data = {name: getattr(landlord, name) for name in offers.LANDLORD_FIELDS}
    data["kind"] = landlord.kind.value
    data["version"] = landlord.version
    return LandlordForm(formdata=None, data=data)


@landlords_bp.route("/<int:landlord_id>/edit", methods=["GET", "POST"], endpoint="edit")
@require_roles(*STAFF)
def edit_owner(landlord_id: int):
    landlord = get_visible_or_404(Landlord, landlord_id, edit=True)
    form = LandlordForm() if request.method == "POST" else _saved_landlord_form(landlord)
    outcome = save_edit(
        form,
        landlord,
        lambda: offers.update_landlord(
            landlord, offers.clean_landlord_values(_landlord_values(form)), version=form.version.data
        ),
        _saved_landlord_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("landlords.show", landlord_id=landlord.id))
    return render_template(
        "housing/offers/owner_form.html", form=form, landlord=outcome.obj, conflict=outcome.conflict
    ), outcome.status


@landlords_bp.get("/<int:landlord_id>", endpoint="show")
@require_roles(*STAFF)
def show_owner(landlord_id: int):
    landlord = get_visible_or_404(Landlord, landlord_id)
    return render_template("housing/offers/owner.html", landlord=landlord, offers=offers.landlord_offers(landlord))


# ---- the offers list -------------------------------------------------------------------------


@offers_bp.get("/")
@require_roles(*STAFF)
def index():
    form = OfferFilterForm(request.args)
    if "status" not in request.args:
        form.status.data = "available"
    page = None
    if form.validate():
        filters = offers.OfferFilters(
            status=form.status.data or "",
            kind=form.kind.data or "",
            municipality=form.municipality.data or "",
            people=form.people.data,
            max_rent=form.max_rent.data,
            available_by=form.available_by.data,
            sort=form.sort.data or "",
        )
        page = _page(offers.offer_query(filters))
    return render_template("housing/offers/index.html", form=form, page=page), 200 if page is not None else 422


# ---- one offer -------------------------------------------------------------------------------


def _form_data(offer: HousingOffer | None) -> dict:
    """The offer form filled from ``offer`` (or a new one's defaults), with empty rows for adding."""
    if offer is None:
        data: dict = {"status": OfferStatus.AVAILABLE.value, "deposit": None, "conditions": []}
        data["rooms"] = [{"kind": kind.value} for kind in STARTING_ROOMS]
        landlord_id = request.args.get("landlord", type=int)
        landlord = db.session.get(Landlord, landlord_id) if landlord_id else None
        if landlord is not None and landlord.active:
            data |= {
                "landlord_id": str(landlord.id),
                "kind": landlord.kind.value,
                "municipality": landlord.municipality,
            }
        return data
    data = {name: getattr(offer, name) for name in offers.OFFER_FIELDS}
    data["total_area"] = _measure(offer.total_area)
    data["ceiling_height"] = _measure(offer.ceiling_height)
    data["landlord_id"] = str(offer.landlord_id or "")
    data["kind"] = offer.kind.value
    data["status"] = offer.status.value
    data["conditions"] = list(offer.conditions or [])
    data["version"] = offer.version
    data["rooms"] = [{"kind": room.kind.value, "area": _measure(room.area)} for room in offer.rooms]
    data["rooms"] += [{}] * ROOM_ROWS_TO_ADD
    return data


def _measure(value: Decimal | None) -> Decimal | None:
    """A stored measure as people type it: 70 rather than 70.00, 9.5 rather than 9.50."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _same_number(mine: str, saved: str) -> bool:
    try:
        return Decimal(mine) == Decimal(saved)
    except ArithmeticError:
        return False


def _offer_form(offer: HousingOffer | None) -> OfferForm:
    if request.method == "POST":
        form = OfferForm()
        if request.form.get("add_row") == "rooms" and len(form.rooms) < MAX_ROW_ENTRIES:
            form.rooms.append_entry()
    else:
        form = OfferForm(formdata=None, data=_form_data(offer))
    form.set_choices(offers.landlord_choices(offer.landlord_id if offer is not None else None))
    return form


def _saved_offer_form(offer: HousingOffer) -> OfferForm:
    form = OfferForm(formdata=None, data=_form_data(offer))
    form.set_choices(offers.landlord_choices(offer.landlord_id))
    return form


def _offer_values(form: OfferForm) -> dict:
    values = {name: form[name].data for name in offers.OFFER_FIELDS}
    values["landlord_id"] = int(form.landlord_id.data) if (form.landlord_id.data or "").isdigit() else None
    values["rooms"] = form.room_rows()
    return values


def _adding_a_row() -> bool:
    return request.method == "POST" and request.form.get("add_row") == "rooms"


def _rooms_text(rows) -> str:
    titles = {kind.value: str(kind.title) for kind in RoomKind}
    return ", ".join(
        f"{titles.get(kind or '', kind or '—')} {format_decimal(area, format='#,##0.##')} m²"
        for kind, area in rows
        if area is not None
    )


def _readable_conflict(rows: list[ConflictRow] | None, form: OfferForm, saved: HousingOffer) -> list | None:
    """The conflict rows, with the rooms as people read them."""
    if rows is None:
        return None
    label = str(form.rooms.label.text)
    rows = [row for row in rows if row.label != label and not _same_number(row.mine, row.saved)]
    mine = _rooms_text(form.room_rows())
    theirs = _rooms_text((room.kind.value, room.area) for room in saved.rooms)
    if mine != theirs:
        rows.append(ConflictRow(label, mine, theirs))
    return rows


def _offer_record(offer_id: int, *, edit: bool = False) -> HousingOffer:
    return get_visible_or_404(HousingOffer, offer_id, edit=edit, options=(selectinload(HousingOffer.rooms),))


@offers_bp.route("/new", methods=["GET", "POST"])
@require_roles(*STAFF)
def new():
    form = _offer_form(None)
    if not _adding_a_row() and form.validate_on_submit():
        try:
            offer = offers.create_offer(offers.clean_offer_values(_offer_values(form)))
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        else:
            flash(
                ngettext(
                    "Offer saved: it may house %(num)s person.",
                    "Offer saved: it may house %(num)s people.",
                    offer.capacity,
                ),
                "success",
            )
            return redirect(url_for("offers.show", offer_id=offer.id))
    status = 200 if request.method == "GET" or _adding_a_row() else 422
    return render_template("housing/offers/form.html", form=form, offer=None), status


@offers_bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@require_roles(*STAFF)
def edit(offer_id: int):
    offer = _offer_record(offer_id, edit=True)
    form = _offer_form(offer)
    if _adding_a_row():
        return render_template("housing/offers/form.html", form=form, offer=offer), 200
    outcome = save_edit(
        form,
        offer,
        lambda: offers.update_offer(
            offer, offers.clean_offer_values(_offer_values(form), offer), version=form.version.data
        ),
        _saved_offer_form,
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("offers.show", offer_id=offer.id))
    return render_template(
        "housing/offers/form.html",
        form=form,
        offer=outcome.obj,
        conflict=_readable_conflict(outcome.conflict, form, outcome.obj),
    ), outcome.status


def _show(offer: HousingOffer, status_form: OfferStatusForm | None = None, status: int = 200):
    if status_form is None:
        status_form = OfferStatusForm(formdata=None, data={"status": offer.status.value, "version": offer.version})
    viewings, tenancies = offers.offer_history(offer)
    return render_template(
        "housing/offers/show.html",
        offer=offer,
        assessment=offers.assess_offer(offer),
        viewings=viewings,
        tenancies=tenancies,
        status_form=status_form,
        user=current_user,
    ), status


@offers_bp.get("/<int:offer_id>")
@require_roles(*STAFF)
def show(offer_id: int):
    return _show(_offer_record(offer_id))


@offers_bp.post("/<int:offer_id>/status")
@require_roles(*STAFF)
def change_status(offer_id: int):
    offer = _offer_record(offer_id, edit=True)
    form = OfferStatusForm()
    if form.validate_on_submit():
        try:
            offers.change_status(offer, form.status.data, version=form.version.data)
            db.session.commit()
        except (FieldError, FieldErrors) as errors:
            db.session.rollback()
            add_field_error(form, errors)
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            offer = _offer_record(offer_id)
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
            return redirect(url_for("offers.show", offer_id=offer.id))
    return _show(_offer_record(offer_id), form, 422)
