"""The employment board, matching both ways, and referrals: the offers for a case, the candidates
for an offer, putting a case forward, following a referral; the case page's work panel and the
referrals on its timeline."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from sportello.auth.models import Desk
from sportello.cases.models import Case
from sportello.core.concurrency import save_edit
from sportello.core.exceptions import RuleError
from sportello.core.forms import select_choices, today
from sportello.core.i18n import gettext as _
from sportello.core.permissions import get_visible_or_404, require_roles
from sportello.extensions import db
from sportello.jobs import board as board_service
from sportello.jobs import matching, referrals
from sportello.jobs.forms import BoardFilterForm, ReferCaseForm, ReferOfferForm, ReferralForm
from sportello.jobs.models import STAFF_ROLES, JobOffer, JobReferral, JobStage, ReferralStatus, SkillsProfile

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def register(app: Flask) -> None:
    from sportello.cases import add_case_panel, add_timeline_source
    from sportello.core import audit
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import NavEntry, add_nav_entry
    from sportello.jobs import models

    app.register_blueprint(bp)
    add_nav_entry(app, NavEntry("jobs", _l("Work"), "jobs.board", frozenset(STAFF_ROLES), "/jobs"))
    add_case_panel(app, "jobs/_case_panel.html", referrals.case_jobs_panel)
    add_timeline_source(app, "jobs/_timeline_referral.html", referrals.case_timeline_referrals)
    audit.register_labels(
        "JobReferral",
        _l("Referral to a job offer"),
        models.REFERRAL_FIELDS,
        {"status": models.ReferralStatus, "contract_type": models.ContractType},
    )


def _first_error(form: Any) -> str:
    return next((str(message) for errors in form.errors.values() for message in errors), "")


# ---- offers for a case --------------------------------------------------------------------------


def _profile_of(case: Case) -> SkillsProfile | None:
    profile = db.session.scalar(
        sa.select(SkillsProfile)
        .where(SkillsProfile.person_id == case.person_id)
        .options(lazyload(SkillsProfile.person))
    )
    if profile is not None:
        set_committed_value(profile, "person", case.person)
    return profile


STATUS_TONES = {
    ReferralStatus.HIRED: "success",
    ReferralStatus.INTERVIEW: "info",
    ReferralStatus.NOT_SELECTED: "light",
    ReferralStatus.WITHDREW: "light",
}


def _prefix(endpoint: str, **values: Any) -> str:
    """The start of a link that only ends with an id, built once for every row of a page."""
    return url_for(endpoint, **{name: 0 for name in values}).removesuffix("0")


def _list_context() -> dict[str, Any]:
    """What the rows of the matching pages share: link prefixes, translated titles, the token."""
    return {
        "links": {
            "profile": _prefix("job_profiles.profile", person_id=0),
            "offer": _prefix("job_offers.offer", offer_id=0),
            "referral": _prefix("jobs.referral", referral_id=0),
            "case": _prefix("cases.show", case_id=0),
            "new_case": _prefix("cases.new", person=0),
        },
        "status_titles": {status: str(status.title) for status in ReferralStatus},
        "status_tones": {status: STATUS_TONES.get(status, "secondary") for status in ReferralStatus},
        "csrf": generate_csrf(),
    }


def _offer_details(found: matching.Matches | None) -> dict[int, str]:
    """The second line of each offer: sector, contract, hours, closing date; each part
    translated and formatted once."""
    texts = matching.Texts()
    details = {}
    for match in found.items if found else []:
        offer = match.offer
        parts = [texts.title(offer.sector), texts.title(offer.contract_type), texts.title(offer.hours)]
        if offer.weekly_hours:
            parts.append(texts.ngettext("%(num)s hour a week", "%(num)s hours a week", offer.weekly_hours))
        if offer.closes_on:
            parts.append(texts.gettext("closes on %(date)s", date=texts.date(offer.closes_on)))
        details[offer.id] = " · ".join(parts)
    return details


def _case_offers_page(case: Case, refused: dict[str, Any] | None = None, status: int = 200):
    profile = _profile_of(case)
    on = today()
    found = matching.offers_for(profile, current_user, on, case=case) if profile is not None else None
    return render_template(
        "jobs/matches.html",
        case=case,
        profile=profile,
        found=found,
        details=_offer_details(found),
        refused=refused or {},
        refer_url=url_for("jobs.refer_offer", case_id=case.id),
        can_refer=not case.is_closed,
        **_list_context(),
    ), status


@bp.route("/cases/<int:case_id>/offers", methods=["GET"])
@require_roles(*STAFF_ROLES)
def case_offers(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    return _case_offers_page(case)


@bp.post("/cases/<int:case_id>/referrals")
@require_roles(*STAFF_ROLES)
def refer_offer(case_id: int):
    """Put the case forward for an offer chosen on its offers page."""
    case = get_visible_or_404(Case, case_id, edit=True)
    form = ReferOfferForm()
    offer_id = form.offer_id.data if isinstance(form.offer_id.data, int) else None
    message = ""
    if form.validate_on_submit():
        offer = db.session.get(JobOffer, offer_id)
        try:
            if offer is None or not offer.can_view(current_user):
                raise RuleError(_("Choose an offer."))
            referral = referrals.create_referral(case, offer, current_user, today())
            db.session.commit()
        except RuleError as problem:
            db.session.rollback()
            message = str(problem.message)
        else:
            flash(_("%(name)s put forward for %(offer)s.", name=case.person.full_name, offer=str(offer)), "success")
            return redirect(url_for("jobs.case_offers", case_id=case.id, _anchor=f"offer-{referral.offer_id}"))
    else:
        db.session.rollback()
        message = _first_error(form) or _("The page was incomplete. Load it again.")
    return _case_offers_page(case, {"id": offer_id, "message": message}, 422)


# ---- candidates for an offer --------------------------------------------------------------------


def _candidates_page(offer: JobOffer, refused: dict[str, Any] | None = None, status: int = 200):
    on = today()
    found = matching.candidates_for(offer, current_user, on)
    return render_template(
        "jobs/candidates.html",
        offer=offer,
        found=found,
        refused=refused or {},
        refer_url=url_for("jobs.refer_case", offer_id=offer.id),
        takes_referrals=offer.takes_referrals(on),
        sector_title=str(offer.sector.title),
        stage_titles={stage: str(stage.title) for stage in JobStage},
        no_case=_("No open case on your desks to put them forward from."),
        open_case=_("Open a case"),
        today=on,
        **_list_context(),
    ), status


@bp.route("/offers/<int:offer_id>/candidates", methods=["GET"])
@require_roles(*STAFF_ROLES)
def candidates(offer_id: int):
    offer = get_visible_or_404(JobOffer, offer_id)
    return _candidates_page(offer)


@bp.post("/offers/<int:offer_id>/referrals")
@require_roles(*STAFF_ROLES)
def refer_case(offer_id: int):
    """Put a candidate's case forward for the offer, from its candidates page."""
    offer = get_visible_or_404(JobOffer, offer_id)
    form = ReferCaseForm()
    case_id = form.case_id.data if isinstance(form.case_id.data, int) else None
    message = ""
    if form.validate_on_submit():
        case = get_visible_or_404(Case, case_id, edit=True)
        try:
            referrals.create_referral(case, offer, current_user, today())
            db.session.commit()
        except RuleError as problem:
            db.session.rollback()
            message = str(problem.message)
        else:
            flash(_("%(name)s put forward for %(offer)s.", name=case.person.full_name, offer=str(offer)), "success")
            return redirect(url_for("jobs.candidates", offer_id=offer.id, _anchor=f"case-{case.id}"))
    else:
        db.session.rollback()
        message = _first_error(form) or _("The page was incomplete. Load it again.")
    return _candidates_page(offer, {"id": case_id, "message": message}, 422)


# ---- following a referral -----------------------------------------------------------------------


def _referral_form(referral: JobReferral, **kwargs) -> ReferralForm:
    form = ReferralForm(obj=referral, **kwargs)
    if request.method == "GET" or "formdata" in kwargs:
        form.status.data = referral.status.value
        form.contract_type.data = referral.contract_type.value if referral.contract_type else ""
    return form


def _referral_values(form: ReferralForm) -> dict[str, Any]:
    return {name: form[name].data for name in referrals.REFERRAL_VALUES}


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@require_roles(*STAFF_ROLES)
def referral(referral_id: int):
    referral = get_visible_or_404(JobReferral, referral_id, edit=True)
    was_hired = referral.status is ReferralStatus.HIRED
    form = _referral_form(referral)
    if request.method == "GET":
        form.version.data = referral.version
    outcome = save_edit(
        form,
        referral,
        lambda: referrals.update_referral(
            referral, _referral_values(form), current_user, version=form.version.data, on=today()
        ),
        lambda obj: _referral_form(obj, formdata=None),
    )
    if outcome.saved:
        flash(_("Referral saved."), "success")
        if referral.status is ReferralStatus.HIRED and not was_hired:
            flash(_("Hired: the case's work track is completed."), "success")
            suggestion = referrals.permit_suggestion(referral)
            if suggestion is not None:
                flash(
                    _(
                        "The person's permit calls for a procedure with the new job: %(procedure)s."
                        " Start its checklist from this page.",
                        procedure=suggestion.title,
                    ),
                    "info",
                )
        return redirect(url_for("jobs.referral", referral_id=referral.id))
    referral = outcome.obj
    return render_template(
        "jobs/referral.html",
        referral=referral,
        case=referral.case,
        offer=referral.offer,
        form=form,
        conflict=outcome.conflict,
        suggestion=referrals.permit_suggestion(referral),
        can_edit=not referral.case.is_closed,
    ), outcome.status


# ---- the board ----------------------------------------------------------------------------------


@bp.route("/", methods=["GET"])
@require_roles(*STAFF_ROLES)
def board():
    form = BoardFilterForm(request.args)
    desks = list(
        db.session.execute(Desk.visible_to(current_user).with_only_columns(Desk.id, Desk.name).order_by(Desk.name))
    )
    form.desk.choices = select_choices([("", _("All my desks")), *((str(d.id), d.name) for d in desks)])
    valid = form.validate()
    desk = (form.desk.data or "") if valid else ""
    on = today()
    result = board_service.board(current_user, on, desk_id=int(desk) if desk.isdigit() else None)
    return render_template(
        "jobs/board.html",
        form=form,
        board=result,
        details=_card_details(result),
        today=on,
        profile_url_prefix=_prefix("job_profiles.profile", person_id=0),
        case_url_prefix=_prefix("cases.show", case_id=0),
        internship_prefix=_prefix("internships.internship", internship_id=0),
        candidates_prefix=url_for("jobs.candidates", offer_id=0).removesuffix("0/candidates"),
    ), (200 if valid else 422)


def _card_details(board: board_service.Board) -> dict[int, tuple[str, str]]:
    """The second line of each person on the board: the Italian level, and since when at the
    stage; each translated and formatted once (many people share a level or a date)."""
    texts = matching.Texts()
    levels: dict[Any, str] = {}
    since: dict[Any, str] = {}
    details = {}
    for column in board.columns:
        for profile in column.profiles:
            level = profile.italian_level
            if level not in levels:
                levels[level] = (
                    texts.gettext("Italian %(level)s", level=level.value)
                    if level is not None
                    else texts.gettext("Italian level not assessed")
                )
            day = profile.stage_on
            if day is not None and day not in since:
                since[day] = texts.gettext("since %(date)s", date=texts.date(day))
            details[profile.id] = (levels[level], since.get(day, ""))
    return details
