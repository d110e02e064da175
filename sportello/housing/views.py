"""A case's housing search: the need, the matching offers, viewings, accepting an offer, the
contract, the suitability certificate, rent support; the case page's panel; the housing board."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from sportello.auth.models import Desk
from sportello.cases.models import Case
from sportello.core.concurrency import StaleEdit, save_edit
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import add_field_error, select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.i18n import ngettext
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.housing import services
from sportello.housing.forms import (
    BoardFilterForm,
    CertificateForm,
    DecisionForm,
    NeedForm,
    SupportForm,
    TenancyForm,
    VersionForm,
    ViewingForm,
)
from sportello.housing.models import (
    STAFF_ROLES,
    HousingOffer,
    HousingUrgency,
    OfferStatus,
    RentSupport,
    SuitabilityCertificate,
    Tenancy,
    Viewing,
)

bp = Blueprint("housing", __name__, url_prefix="/housing")

VIEWING_FIELDS = ("on_date", "starts_at", "who_went", "outcome", "note")
TENANCY_FIELDS = ("contract_type", "signed_on", "starts_on", "ends_on", "rent", "registered_on", "note")
CERTIFICATE_FIELDS = ("address", "municipality", "people", "requested_on")
DECISION_FIELDS = ("status", "number", "decided_on", "note")
SUPPORT_FIELDS = ("kind", "amount", "granted_on", "until", "provider", "note")


def _values(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form[name].data for name in names}


def _to_case(case_id: int, anchor: str = "housing"):
    return redirect(url_for("cases.show", case_id=case_id, _anchor=anchor))


def _offer_label(offer: HousingOffer) -> str:
    return f"{offer.address}, {offer.municipality} · {offer.rent} €"


def _offer_choices(offers: list[HousingOffer], *, open_only: bool = False) -> list:
    shown = [o for o in offers if not open_only or o.status not in (OfferStatus.WITHDRAWN,)]
    return select_choices([("", "—"), *((str(o.id), _offer_label(o)) for o in shown)])


def _chosen_offer(form: Any) -> HousingOffer | None:
    offer_id = form.offer_id.data
    return db.session.get(HousingOffer, offer_id) if isinstance(offer_id, int) else None


# ---- the case page's panel ----------------------------------------------------------------------


def case_panel(case: Case, user) -> dict[str, Any]:
    """The housing panel of a case page: the need, viewings, contract, certificates, rent
    support, with small forms to add to them. One query (``services.case_housing``). The forms
    are built only when the panel shows them."""
    context = services.case_housing_panel(case, user)
    housing = context["housing"]
    if housing.need is None or not context["can_edit"]:  # the need to record, or read only
        return context
    offers = housing.offers
    viewing_form = tenancy_form = None
    if offers:
        viewing_form = ViewingForm(formdata=None, prefix="viewing", on_date=today())
        viewing_form.offer_id.choices = _offer_choices(offers, open_only=True)
    open_offers = [o for o in offers if o.status in (OfferStatus.AVAILABLE, OfferStatus.RESERVED)]
    if open_offers:
        tenancy_form = TenancyForm(formdata=None, prefix="tenancy", signed_on=today(), starts_on=today())
        tenancy_form.offer_id.choices = _offer_choices(open_offers)
        accepted = next(
            (
                v.offer
                for v in housing.viewings
                if v.offer.status is OfferStatus.RESERVED and v.outcome.value == "interested"
            ),
            None,
        )
        if accepted is not None:
            tenancy_form.offer_id.data = accepted.id
            tenancy_form.rent.data = accepted.rent
    certificate_form = CertificateForm(
        formdata=None, prefix="certificate", **services.certificate_defaults(case, housing)
    )
    support_form = SupportForm(formdata=None, prefix="support", granted_on=today())
    return context | {
        "viewing_form": viewing_form,
        "tenancy_form": tenancy_form,
        "certificate_form": certificate_form,
        "support_form": support_form,
        "accept_form": VersionForm(formdata=None),
        "can_accept": {v.id: services.can_accept(v, housing.need) for v in housing.viewings},
    }


# ---- the need ---------------------------------------------------------------------------------


NEED_ENUMS = ("situation", "urgency", "stage")


def _need_form(need, **kwargs) -> NeedForm:
    form = NeedForm(obj=need, **kwargs)
    if need is not None and (request.method == "GET" or "formdata" in kwargs):
        for name in NEED_ENUMS:
            form[name].data = getattr(need, name).value
        if request.method == "GET" and "formdata" not in kwargs:
            form.version.data = need.version
    return form


@bp.route("/cases/<int:case_id>/need", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def need(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    need = services.need_of(case)
    if need is not None:
        form = _need_form(need)
        outcome = save_edit(
            form,
            need,
            lambda: services.update_need(
                need, _values(form, services.NEED_VALUES), current_user, version=form.version.data
            ),
            lambda obj: _need_form(obj, formdata=None),
        )
        if outcome.saved:
            flash(_("Housing need saved."), "success")
            return _to_case(case.id)
        return render_template(
            "housing/need_form.html", form=form, case=case, need=outcome.obj, conflict=outcome.conflict
        ), outcome.status
    form = NeedForm()
    if request.method == "GET":
        form.household_size.data = services.default_household_size(case.person)
    if form.validate_on_submit():
        try:
            services.create_need(case, _values(form, services.NEED_VALUES), current_user)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        else:
            flash(_("Housing need saved. The case now has a housing track."), "success")
            return _to_case(case.id)
    status = 200 if request.method == "GET" else 422
    return render_template("housing/need_form.html", form=form, case=case, need=None, conflict=None), status


# ---- matching ---------------------------------------------------------------------------------


@bp.get("/cases/<int:case_id>/matches")
@require_roles(*STAFF_ROLES)
def matches(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    need = services.need_of(case)
    if need is None:
        flash(_("Record the household's housing need first."), "info")
        return redirect(url_for("housing.need", case_id=case.id))
    found = services.matches(need)
    viewing_form = ViewingForm(formdata=None, prefix="viewing", on_date=today())
    return render_template(
        "housing/matches.html", case=case, need=need, found=found, viewing_form=viewing_form, today=today()
    )


# ---- adding to a case, editing a row -----------------------------------------------------------


def _add(
    case_id: int,
    form: Any,
    heading: Any,
    fields: tuple[str, ...],
    create: Callable[[Case, Any], Any],
    done: Any,
    prepare: Callable[[Case, Any], None] | None = None,
):
    """A form of the panel: validate, run the service, commit once, back to the case; on bad
    input a page with the form as typed (422)."""
    case = get_visible_or_404(Case, case_id, edit=True)
    if form.validate_on_submit():
        try:
            create(case, form)
            db.session.commit()
        except (FieldError, FieldErrors) as problem:
            db.session.rollback()
            add_field_error(form, problem)
        except RuleError as problem:
            db.session.rollback()
            form.form_errors.append(str(problem.message))
        else:
            flash(done, "success")
            return _to_case(case.id)
    else:
        db.session.rollback()
    if prepare is not None:
        prepare(case, form)
    return render_template(
        "housing/row_form.html", form=form, case=case, heading=heading, fields=fields, row=None, conflict=None
    ), 422


def _edit(
    model: type,
    row_id: int,
    form_class: type,
    heading: Any,
    fields: tuple[str, ...],
    save: Callable[[Any, Any], Any],
    *,
    enums: tuple[str, ...] = (),
    intro: str = "",
):
    """The page of a row of the case, edited with optimistic locking."""
    row = get_visible_or_404(model, row_id, edit=True)

    def form_for(obj, **kwargs):
        form = form_class(obj=obj, **kwargs)
        if request.method == "GET" or "formdata" in kwargs:
            for name in enums:
                value = getattr(obj, name)
                form[name].data = "" if value is None else value.value
        if "decided_on" in form and form.decided_on.data is None and request.method == "GET":
            form.decided_on.data = today()
        if "offer_id" in form:
            del form["offer_id"]  # a row stays about the offer it was made for
        return form

    form = form_for(row)
    if request.method == "GET":
        form.version.data = row.version
    outcome = save_edit(form, row, lambda: save(row, form), lambda obj: form_for(obj, formdata=None))
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return _to_case(row.case_id)
    row = outcome.obj
    return render_template(
        "housing/row_form.html",
        form=form,
        case=row.case,
        heading=heading,
        fields=fields,
        row=row,
        conflict=outcome.conflict,
        intro=intro,
    ), outcome.status


# ---- viewings ---------------------------------------------------------------------------------


def _prepare_offer_choice(case: Case, form: ViewingForm | TenancyForm) -> None:
    """A viewing or contract form sent back with a problem: the case's offers to choose from,
    and the one chosen even if it is no longer among them."""
    offers = services.case_housing(case, fresh=True).offers
    chosen = _chosen_offer(form)
    if chosen is not None and chosen not in offers:
        offers = [chosen, *offers]
    form.offer_id.choices = _offer_choices(offers)


@bp.post("/cases/<int:case_id>/viewings")
@require_roles(*STAFF_ROLES)
def add_viewing(case_id: int):
    form = ViewingForm(prefix="viewing")
    return _add(
        case_id,
        form,
        _l("Plan a viewing"),
        ("offer_id", *VIEWING_FIELDS),
        lambda case, form: services.add_viewing(case, _chosen_offer(form), _values(form, VIEWING_FIELDS), current_user),
        _("Viewing saved."),
        _prepare_offer_choice,
    )


@bp.route("/viewings/<int:viewing_id>", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def edit_viewing(viewing_id: int):
    return _edit(
        Viewing,
        viewing_id,
        ViewingForm,
        _l("Viewing"),
        ("offer_id", *VIEWING_FIELDS),
        lambda row, form: services.update_viewing(
            row, _values(form, VIEWING_FIELDS), current_user, version=form.version.data
        ),
        enums=("outcome",),
    )


@bp.post("/viewings/<int:viewing_id>/accept")
@require_roles(*STAFF_ROLES)
def accept(viewing_id: int):
    viewing = get_visible_or_404(Viewing, viewing_id, edit=True)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            services.accept_offer(viewing, current_user, version=form.version.data)
            db.session.commit()
        except RuleError as problem:
            db.session.rollback()
            return render_template("housing/refused.html", case=viewing.case, message=problem.message), 422
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            message = _("Someone else changed this viewing meanwhile. Look at it again, then repeat your action.")
            viewing = db.session.get(Viewing, viewing_id)
            return render_template("housing/refused.html", case=viewing.case, message=message), 409
        else:
            flash(_("Offer accepted: the home is reserved for the household."), "success")
            return _to_case(viewing.case_id)
    db.session.rollback()
    message = _("The page was incomplete. Load it again.")
    return render_template("housing/refused.html", case=viewing.case, message=message), 422


# ---- the contract -----------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/tenancies")
@require_roles(*STAFF_ROLES)
def add_tenancy(case_id: int):
    form = TenancyForm(prefix="tenancy")
    return _add(
        case_id,
        form,
        _l("Record a contract"),
        ("offer_id", *TENANCY_FIELDS),
        lambda case, form: services.add_tenancy(case, _chosen_offer(form), _values(form, TENANCY_FIELDS), current_user),
        _("Contract saved: the home is let and the housing track completed."),
        _prepare_offer_choice,
    )


@bp.route("/tenancies/<int:tenancy_id>", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def edit_tenancy(tenancy_id: int):
    return _edit(
        Tenancy,
        tenancy_id,
        TenancyForm,
        _l("Contract"),
        ("offer_id", *TENANCY_FIELDS),
        lambda row, form: services.update_tenancy(
            row, _values(form, TENANCY_FIELDS), current_user, version=form.version.data
        ),
        enums=("contract_type",),
    )


# ---- the suitability certificate ---------------------------------------------------------------


def _certificate_values(form: CertificateForm) -> dict[str, Any]:
    values = _values(form, CERTIFICATE_FIELDS)
    offer_id = form.offer_id.data or ""
    values["offer_id"] = int(offer_id) if str(offer_id).isdigit() else None
    return values


@bp.post("/cases/<int:case_id>/certificates")
@require_roles(*STAFF_ROLES)
def request_certificate(case_id: int):
    form = CertificateForm(prefix="certificate")
    return _add(
        case_id,
        form,
        _l("Request the suitability certificate"),
        CERTIFICATE_FIELDS,
        lambda case, form: services.request_certificate(case, _certificate_values(form), current_user),
        _("Certificate request saved."),
    )


@bp.route("/certificates/<int:certificate_id>", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def decide_certificate(certificate_id: int):
    return _edit(
        SuitabilityCertificate,
        certificate_id,
        DecisionForm,
        _l("The municipality's decision"),
        DECISION_FIELDS,
        lambda row, form: services.decide_certificate(
            row, _values(form, DECISION_FIELDS), current_user, version=form.version.data
        ),
        enums=("status",),
        intro="certificate",
    )


# ---- rent support -----------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/support")
@require_roles(*STAFF_ROLES)
def add_support(case_id: int):
    form = SupportForm(prefix="support")
    return _add(
        case_id,
        form,
        _l("Add rent support"),
        SUPPORT_FIELDS,
        lambda case, form: services.add_support(case, _values(form, SUPPORT_FIELDS), current_user),
        _("Rent support saved."),
    )


@bp.route("/support/<int:support_id>", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def edit_support(support_id: int):
    return _edit(
        RentSupport,
        support_id,
        SupportForm,
        _l("Rent support"),
        SUPPORT_FIELDS,
        lambda row, form: services.update_support(
            row, _values(form, SUPPORT_FIELDS), current_user, version=form.version.data
        ),
        enums=("kind",),
    )


# ---- the board --------------------------------------------------------------------------------


@bp.get("/")
@require_roles(*STAFF_ROLES)
def board():
    form = BoardFilterForm(request.args)
    desks = list(db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name)))
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    valid = form.validate()
    desk = (form.desk.data or "") if valid else ""
    urgency = (form.urgency.data or "") if valid else ""
    if services.refresh_due_stages(current_user):
        db.session.commit()
    result = services.board(current_user, desk_id=int(desk) if desk.isdigit() else None, urgency=urgency)
    # The cards' links share one prefix, built once rather than once a card.
    case_url_prefix = url_for("cases.show", case_id=0).removesuffix("0")
    return render_template(
        "housing/board.html",
        form=form,
        board=result,
        details=_card_details(result),
        case_url_prefix=case_url_prefix,
    ), (200 if valid else 422)


def _card_details(board: services.Board) -> dict[int, str]:
    """The second line of each card of the board, its parts translated and formatted once each
    (many cases share a household size, a budget, an urgency)."""
    people, budgets, urgencies, days = {}, {}, {}, {}
    details = {}
    for column in board.columns:
        for card in column.cards:
            need = card.need
            if need.household_size not in people:
                people[need.household_size] = ngettext("%(num)s person", "%(num)s people", need.household_size)
            if need.budget not in budgets:
                budgets[need.budget] = _("%(amount)s a month", amount=format_currency(need.budget, "EUR"))
            if need.urgency not in urgencies:
                # An emergency has its own badge on the card.
                urgencies[need.urgency] = "" if need.urgency is HousingUrgency.TONIGHT else str(need.urgency.title)
            if card.days not in days:
                days[card.days] = ngettext("unchanged for %(num)s day", "unchanged for %(num)s days", card.days)
            parts = [people[need.household_size], budgets[need.budget], urgencies[need.urgency], days[card.days]]
            details[need.id] = " · ".join(part for part in parts if part)
    return details
