"""Every route x role x own/other desk, with the status each must answer.

A new route must join ROUTES: test_every_route_is_in_the_table fails until it does.
OK means the page was served or the action done (200, 302, or 422 for an empty form, or 409 for
an empty edit form without the version it was loaded with); 403 means refused. Anonymous visitors
are sent to the login page (GET) or refused (401).

For content translations {lang} is a language the user translates (own) or not (other): every
user of those rows has one language on their account.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from sportello.core.roles import Role

OK = "ok"
PUBLIC = "public"
ALL = {"admin": OK, "coordinator": OK, "operator": OK, "mediator": OK}
ADMIN_ONLY = {"admin": OK, "coordinator": 403, "operator": 403, "mediator": 403}
ADMIN_AREA = {"admin": OK, "coordinator": OK, "operator": 403, "mediator": 403}
OWN_DESK_COORDINATOR = {"admin": OK, "coordinator": (OK, 403), "operator": 403, "mediator": 403}
DESK_STAFF = {"admin": OK, "coordinator": OK, "operator": OK, "mediator": 403}
OWN_DESK_STAFF = {"admin": OK, "coordinator": (OK, 403), "operator": (OK, 403), "mediator": 403}
# Mediation requests: desk staff of the request's desk, and the mediator it is assigned to.
REQUEST_PARTIES = {"admin": OK, "coordinator": (OK, 403), "operator": (OK, 403), "mediator": (OK, 403)}
ASSIGNED_MEDIATOR = {"admin": 403, "coordinator": 403, "operator": 403, "mediator": (OK, 403)}
# Content translations: admins every language, coordinators and mediators their own languages.
TRANSLATORS = {"admin": OK, "coordinator": (OK, 403), "operator": 403, "mediator": (OK, 403)}
# A mediator's month: admins and coordinators (the roster is shared), the mediator themself (own).
MANAGERS_AND_MEDIATORS = {"admin": OK, "coordinator": OK, "operator": 403, "mediator": OK}
OWN_MONTH = {"admin": OK, "coordinator": OK, "operator": 403, "mediator": (OK, 403)}
OWN_MONTH_MEDIATOR_ONLY = {"admin": 403, "coordinator": 403, "operator": 403, "mediator": (OK, 403)}

# (method, URL with {desk} / {user} placeholders, expected by role; a pair is (own desk, other desk))
ROUTES = [
    ("GET", "/", ALL),
    ("GET", "/health", PUBLIC),
    ("GET", "/login", PUBLIC),
    ("POST", "/login", PUBLIC),
    ("POST", "/logout", ALL),
    ("GET", "/account", ALL),
    ("POST", "/account/password", ALL),
    ("POST", "/account/language", ALL),
    ("GET", "/admin/", ADMIN_AREA),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("GET", "/admin/users/new", ADMIN_ONLY),
    ("POST", "/admin/users/new", ADMIN_ONLY),
    ("GET", "/admin/users/{user}", ADMIN_ONLY),
    ("POST", "/admin/users/{user}", ADMIN_ONLY),
    ("POST", "/admin/users/{user}/active", ADMIN_ONLY),
    ("POST", "/admin/users/{user}/reset-password", ADMIN_ONLY),
    ("GET", "/admin/desks", ADMIN_AREA),
    ("GET", "/admin/desks/new", ADMIN_ONLY),
    ("POST", "/admin/desks/new", ADMIN_ONLY),
    ("GET", "/admin/desks/{desk}", OWN_DESK_COORDINATOR),
    ("POST", "/admin/desks/{desk}", OWN_DESK_COORDINATOR),
    ("GET", "/admin/audit", ADMIN_AREA),
    ("GET", "/people/", DESK_STAFF),
    ("GET", "/people/new", DESK_STAFF),
    ("POST", "/people/new", DESK_STAFF),
    ("GET", "/people/{person}", OWN_DESK_STAFF),
    ("GET", "/people/{person}/edit", OWN_DESK_STAFF),
    ("POST", "/people/{person}/edit", OWN_DESK_STAFF),
    ("GET", "/cases/", DESK_STAFF),
    ("GET", "/cases/agenda", DESK_STAFF),
    ("GET", "/cases/new?person={person}", OWN_DESK_STAFF),
    ("POST", "/cases/new?person={person}", OWN_DESK_STAFF),
    ("GET", "/cases/{case}", OWN_DESK_STAFF),
    ("GET", "/cases/{case}/edit", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/edit", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/status", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/goals", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/interventions", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/referrals", OWN_DESK_STAFF),
    ("POST", "/cases/{case}/appointments", OWN_DESK_STAFF),
    ("POST", "/cases/tracks/{track}/stage", OWN_DESK_STAFF),
    ("GET", "/cases/goals/{goal}", OWN_DESK_STAFF),
    ("POST", "/cases/goals/{goal}", OWN_DESK_STAFF),
    ("POST", "/cases/interventions/{intervention}/follow-up-done", OWN_DESK_STAFF),
    ("GET", "/cases/referrals/{referral}", OWN_DESK_STAFF),
    ("POST", "/cases/referrals/{referral}", OWN_DESK_STAFF),
    ("GET", "/cases/appointments/{appointment}", OWN_DESK_STAFF),
    ("POST", "/cases/appointments/{appointment}", OWN_DESK_STAFF),
    ("GET", "/admin/referral-services/", ADMIN_AREA),
    ("GET", "/admin/referral-services/new", ADMIN_ONLY),
    ("POST", "/admin/referral-services/new", ADMIN_ONLY),
    ("GET", "/admin/referral-services/{service}", ADMIN_ONLY),
    ("POST", "/admin/referral-services/{service}", ADMIN_ONLY),
    ("GET", "/people/{person}/household", OWN_DESK_STAFF),
    ("POST", "/people/{person}/household", OWN_DESK_STAFF),
    ("POST", "/people/{person}/household/{link}/delete", OWN_DESK_STAFF),
    ("GET", "/people/{person}/vulnerabilities/new", OWN_DESK_STAFF),
    ("POST", "/people/{person}/vulnerabilities/new", OWN_DESK_STAFF),
    ("GET", "/people/{person}/vulnerabilities/{vulnerability}/end", OWN_DESK_STAFF),
    ("POST", "/people/{person}/vulnerabilities/{vulnerability}/end", OWN_DESK_STAFF),
    ("POST", "/people/{person}/vulnerabilities/{vulnerability}/delete", OWN_DESK_STAFF),
    ("GET", "/people/{person}/consents/new", OWN_DESK_STAFF),
    ("POST", "/people/{person}/consents/new", OWN_DESK_STAFF),
    ("GET", "/people/{person}/consents/{consent}/withdraw", OWN_DESK_STAFF),
    ("POST", "/people/{person}/consents/{consent}/withdraw", OWN_DESK_STAFF),
    ("GET", "/people/{person}/attachments/new", OWN_DESK_STAFF),
    ("POST", "/people/{person}/attachments/new", OWN_DESK_STAFF),
    ("GET", "/people/{person}/attachments/{attachment}", OWN_DESK_STAFF),
    ("POST", "/people/{person}/attachments/{attachment}/delete", OWN_DESK_STAFF),
    ("GET", "/people/{person}/merge", OWN_DESK_COORDINATOR),
    ("GET", "/people/{person}/merge/{other}", OWN_DESK_COORDINATOR),
    ("POST", "/people/{person}/merge/{other}", OWN_DESK_COORDINATOR),
    ("GET", "/admin/vulnerabilities", ADMIN_ONLY),
    ("GET", "/admin/vulnerabilities/new", ADMIN_ONLY),
    ("POST", "/admin/vulnerabilities/new", ADMIN_ONLY),
    ("GET", "/admin/vulnerabilities/{vtype}", ADMIN_ONLY),
    ("POST", "/admin/vulnerabilities/{vtype}", ADMIN_ONLY),
    ("POST", "/admin/merges/{entry}/undo", ADMIN_ONLY),
    ("GET", "/permits/", DESK_STAFF),
    ("GET", "/permits/procedures/{procedure}", DESK_STAFF),
    ("GET", "/permits/procedures/{procedure}/leaflet", DESK_STAFF),
    ("GET", "/permits/procedures/{procedure}/edit", ADMIN_AREA),
    ("POST", "/permits/procedures/{procedure}/edit", ADMIN_AREA),
    ("POST", "/permits/procedures/{procedure}/active", ADMIN_AREA),
    ("GET", "/permits/cases/{case}/new", OWN_DESK_STAFF),
    ("POST", "/permits/cases/{case}/new", OWN_DESK_STAFF),
    ("GET", "/permits/checklists/{checklist}", OWN_DESK_STAFF),
    ("GET", "/permits/checklists/{checklist}/edit", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/edit", OWN_DESK_STAFF),
    ("GET", "/permits/checklists/{checklist}/answers", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/answers", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/items/{item}", OWN_DESK_STAFF),
    ("GET", "/permits/checklists/{checklist}/pdf", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/links", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/links/{checklist_link}/revoke", OWN_DESK_STAFF),
    ("POST", "/permits/checklists/{checklist}/links/{checklist_link}/email", OWN_DESK_STAFF),
    ("GET", "/l/{token}", PUBLIC),
    ("GET", "/l/{token}/pdf", PUBLIC),
    ("GET", "/permits/translations/", ALL),
    ("GET", "/permits/translations/{lang}", ALL),
    ("GET", "/permits/translations/{lang}/{string}", TRANSLATORS),
    ("POST", "/permits/translations/{lang}/{string}", TRANSLATORS),
    ("GET", "/permits/translations/{lang}/export.po", ALL),
    ("POST", "/permits/translations/{lang}/import", TRANSLATORS),
    ("GET", "/mediation/", ALL),
    ("GET", "/mediation/requests/new?case={case}", OWN_DESK_STAFF),
    ("POST", "/mediation/requests/new?case={case}", OWN_DESK_STAFF),
    ("GET", "/mediation/requests/{request}", REQUEST_PARTIES),
    ("GET", "/mediation/requests/{request}/edit", OWN_DESK_STAFF),
    ("POST", "/mediation/requests/{request}/edit", OWN_DESK_STAFF),
    ("POST", "/mediation/requests/{request}/assign", OWN_DESK_STAFF),
    ("POST", "/mediation/requests/{request}/accept", ASSIGNED_MEDIATOR),
    ("POST", "/mediation/requests/{request}/decline", ASSIGNED_MEDIATOR),
    ("POST", "/mediation/requests/{request}/cancel", REQUEST_PARTIES),
    ("GET", "/mediation/requests/{request}/session", ASSIGNED_MEDIATOR),
    ("POST", "/mediation/requests/{request}/session", ASSIGNED_MEDIATOR),
    ("POST", "/mediation/sessions/{session}/confirm", OWN_DESK_STAFF),
    ("POST", "/mediation/sessions/{session}/query", OWN_DESK_STAFF),
    # The mediators' roster is shared by every desk: own and other desk answer alike. {mediator}
    # is another mediator's record, so a mediator is refused (their own: test_roster.py).
    ("GET", "/mediation/mediators/", DESK_STAFF),
    ("GET", "/mediation/mediators/me", ALL),
    ("GET", "/mediation/mediators/new", ADMIN_AREA),
    ("POST", "/mediation/mediators/new", ADMIN_AREA),
    ("GET", "/mediation/mediators/{mediator}", DESK_STAFF),
    ("GET", "/mediation/mediators/{mediator}/edit", ADMIN_AREA),
    ("POST", "/mediation/mediators/{mediator}/edit", ADMIN_AREA),
    ("POST", "/mediation/mediators/{mediator}/absences", ADMIN_AREA),
    ("POST", "/mediation/mediators/absences/{absence}/delete", ADMIN_AREA),
    ("GET", "/mediation/projects/", ADMIN_AREA),
    ("GET", "/mediation/projects/new", ADMIN_AREA),
    ("POST", "/mediation/projects/new", ADMIN_AREA),
    ("GET", "/mediation/projects/{project}/edit", ADMIN_AREA),
    ("POST", "/mediation/projects/{project}/edit", ADMIN_AREA),
    ("GET", "/mediation/timesheets/", MANAGERS_AND_MEDIATORS),
    ("GET", "/mediation/timesheets/{mediator}/{year}/{month}", OWN_MONTH),
    ("POST", "/mediation/timesheets/{mediator}/{year}/{month}/submit", OWN_MONTH_MEDIATOR_ONLY),
    ("POST", "/mediation/timesheets/{mediator}/{year}/{month}/approve", ADMIN_AREA),
    ("POST", "/mediation/timesheets/{mediator}/{year}/{month}/return", ADMIN_AREA),
    ("GET", "/mediation/timesheets/{mediator}/{year}/{month}.csv", OWN_MONTH),
    ("GET", "/mediation/timesheets/{mediator}/{year}/{month}.xlsx", OWN_MONTH),
    ("GET", "/mediation/timesheets/{mediator}/{year}/{month}.pdf", OWN_MONTH),
    ("GET", "/mediation/timesheets/report", ADMIN_AREA),
    ("GET", "/mediation/timesheets/report.csv", ADMIN_AREA),
    ("GET", "/mediation/timesheets/report.xlsx", ADMIN_AREA),
    # Housing owners and offers are shared by every desk: own and other desk answer alike.
    ("GET", "/housing/owners/", DESK_STAFF),
    ("GET", "/housing/owners/new", DESK_STAFF),
    ("POST", "/housing/owners/new", DESK_STAFF),
    ("GET", "/housing/owners/{landlord}", DESK_STAFF),
    ("GET", "/housing/owners/{landlord}/edit", DESK_STAFF),
    ("POST", "/housing/owners/{landlord}/edit", DESK_STAFF),
    ("GET", "/housing/offers/", DESK_STAFF),
    ("GET", "/housing/offers/new", DESK_STAFF),
    ("POST", "/housing/offers/new", DESK_STAFF),
    ("GET", "/housing/offers/{offer}", DESK_STAFF),
    ("GET", "/housing/offers/{offer}/edit", DESK_STAFF),
    ("POST", "/housing/offers/{offer}/edit", DESK_STAFF),
    ("POST", "/housing/offers/{offer}/status", DESK_STAFF),
    ("GET", "/housing/", DESK_STAFF),
    ("GET", "/housing/cases/{case}/need", OWN_DESK_STAFF),
    ("POST", "/housing/cases/{case}/need", OWN_DESK_STAFF),
    ("GET", "/housing/cases/{case}/matches", OWN_DESK_STAFF),
    ("POST", "/housing/cases/{case}/viewings", OWN_DESK_STAFF),
    ("GET", "/housing/viewings/{viewing}", OWN_DESK_STAFF),
    ("POST", "/housing/viewings/{viewing}", OWN_DESK_STAFF),
    ("POST", "/housing/viewings/{viewing}/accept", OWN_DESK_STAFF),
    ("POST", "/housing/cases/{case}/tenancies", OWN_DESK_STAFF),
    ("GET", "/housing/tenancies/{tenancy}", OWN_DESK_STAFF),
    ("POST", "/housing/tenancies/{tenancy}", OWN_DESK_STAFF),
    ("POST", "/housing/cases/{case}/certificates", OWN_DESK_STAFF),
    ("GET", "/housing/certificates/{certificate}", OWN_DESK_STAFF),
    ("POST", "/housing/certificates/{certificate}", OWN_DESK_STAFF),
    ("POST", "/housing/cases/{case}/support", OWN_DESK_STAFF),
    ("GET", "/housing/support/{support}", OWN_DESK_STAFF),
    ("POST", "/housing/support/{support}", OWN_DESK_STAFF),
    # Jobs, skills profiles: a profile follows its person (Person.can_view / can_edit).
    ("GET", "/jobs/people/{person}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/start", OWN_DESK_STAFF),
    ("GET", "/jobs/people/{person}/edit", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/edit", OWN_DESK_STAFF),
    ("GET", "/jobs/people/{person}/cv.pdf", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/educations", OWN_DESK_STAFF),
    ("GET", "/jobs/people/{person}/educations/{education}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/educations/{education}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/educations/{education}/delete", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/experiences", OWN_DESK_STAFF),
    ("GET", "/jobs/people/{person}/experiences/{experience}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/experiences/{experience}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/experiences/{experience}/delete", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/languages", OWN_DESK_STAFF),
    ("GET", "/jobs/people/{person}/languages/{spoken}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/languages/{spoken}", OWN_DESK_STAFF),
    ("POST", "/jobs/people/{person}/languages/{spoken}/delete", OWN_DESK_STAFF),
    # Jobs: the employers' roster and job offers (shared by the desks), internships (of a case).
    ("GET", "/jobs/employers/", DESK_STAFF),
    ("GET", "/jobs/employers/new", DESK_STAFF),
    ("POST", "/jobs/employers/new", DESK_STAFF),
    ("GET", "/jobs/employers/{employer}", DESK_STAFF),
    ("GET", "/jobs/employers/{employer}/edit", DESK_STAFF),
    ("POST", "/jobs/employers/{employer}/edit", DESK_STAFF),
    ("GET", "/jobs/offers/", DESK_STAFF),
    ("GET", "/jobs/offers/new", DESK_STAFF),
    ("POST", "/jobs/offers/new", DESK_STAFF),
    ("GET", "/jobs/offers/{job_offer}", DESK_STAFF),
    ("GET", "/jobs/offers/{job_offer}/edit", DESK_STAFF),
    ("POST", "/jobs/offers/{job_offer}/edit", DESK_STAFF),
    ("POST", "/jobs/offers/{job_offer}/status", DESK_STAFF),
    ("GET", "/jobs/internships/cases/{case}/new", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/cases/{case}/new", OWN_DESK_STAFF),
    ("GET", "/jobs/internships/{internship}", OWN_DESK_STAFF),
    ("GET", "/jobs/internships/{internship}/edit", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/{internship}/edit", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/{internship}/start", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/{internship}/end", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/{internship}/months", OWN_DESK_STAFF),
    ("POST", "/jobs/internships/{internship}/months/{internship_month}/delete", OWN_DESK_STAFF),
    # Jobs: matching both ways, referrals and the employment board.
    ("GET", "/jobs/", DESK_STAFF),
    ("GET", "/jobs/offers/{job_offer}/candidates", DESK_STAFF),
    ("POST", "/jobs/offers/{job_offer}/referrals", DESK_STAFF),
    ("GET", "/jobs/cases/{case}/offers", OWN_DESK_STAFF),
    ("POST", "/jobs/cases/{case}/referrals", OWN_DESK_STAFF),
    ("GET", "/jobs/referrals/{job_referral}", OWN_DESK_STAFF),
    ("POST", "/jobs/referrals/{job_referral}", OWN_DESK_STAFF),
]

PLACEHOLDERS = {
    "{user}": "<int:user_id>",
    "{desk}": "<int:desk_id>",
    "{person}": "<int:person_id>",
    "{case}": "<int:case_id>",
    "{track}": "<int:track_id>",
    "{goal}": "<int:goal_id>",
    "{intervention}": "<int:intervention_id>",
    "{referral}": "<int:referral_id>",
    "{appointment}": "<int:appointment_id>",
    "{service}": "<int:service_id>",
    "{other}": "<int:other_id>",
    "{link}": "<int:link_id>",
    "{vulnerability}": "<int:vulnerability_id>",
    "{consent}": "<int:consent_id>",
    "{attachment}": "<int:attachment_id>",
    "{vtype}": "<int:type_id>",
    "{entry}": "<int:entry_id>",
    "{procedure}": "<code>",
    "{checklist}": "<int:checklist_id>",
    "{item}": "<int:item_id>",
    "{checklist_link}": "<int:link_id>",
    "{token}": "<token>",
    "{lang}": "<language>",
    "{string}": "<int:string_id>",
    "{request}": "<int:request_id>",
    "{session}": "<int:session_id>",
    "{mediator}": "<int:mediator_id>",
    "{absence}": "<int:absence_id>",
    "{project}": "<int:project_id>",
    "{year}": "<int:year>",
    "{month}": "<int:month>",
    "{landlord}": "<int:landlord_id>",
    "{offer}": "<int:offer_id>",
    "{viewing}": "<int:viewing_id>",
    "{tenancy}": "<int:tenancy_id>",
    "{certificate}": "<int:certificate_id>",
    "{support}": "<int:support_id>",
    "{education}": "<int:education_id>",
    "{experience}": "<int:experience_id>",
    "{spoken}": "<language>",
    # Jobs: employers, offers, internships.
    "{employer}": "<int:employer_id>",
    "{job_offer}": "<int:offer_id>",
    "{internship}": "<int:internship_id>",
    "{internship_month}": "<int:month_id>",
    "{job_referral}": "<int:referral_id>",
}


def _rule_of(url: str) -> str:
    url = url.split("?")[0]
    for placeholder, converter in PLACEHOLDERS.items():
        url = url.replace(placeholder, converter)
    return url


def _cases():
    for method, url, expected in ROUTES:
        scopes = ("own", "other") if "{" in url else ("own",)
        roles = ["anonymous", *(r.value for r in Role)]
        for role in roles:
            for scope in scopes:
                yield pytest.param(method, url, expected, role, scope, id=f"{method} {url} {role} {scope}")


def test_every_route_is_in_the_table(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(method, _rule_of(url)) for method, url, _ in ROUTES}
    assert served - listed == set(), "routes missing from tests/test_access.py"
    assert listed - served == set(), "routes in the table that the app does not serve"


CASE_ROWS = {"case", "track", "goal", "intervention", "referral", "appointment", "service"}
CHECKLIST_ROWS = {"checklist", "item", "checklist_link", "token"}
MEDIATION_ROWS = {"request", "session"}
ROSTER_ROWS = {"mediator", "absence", "project"}
OFFER_ROWS = {"landlord", "offer"}
HOUSING_ROWS = {"viewing", "tenancy", "certificate", "support"}
# Jobs: an employer and its offer (shared), an internship of a case and a month of it, a referral.
JOB_ROWS = {"employer", "job_offer", "internship", "internship_month", "job_referral"}


def make_case_rows(db, desk, person, operator) -> dict[str, int]:
    """A case with one row of each kind, at ``desk``."""
    from datetime import date, time

    from sportello.cases import models as m

    service = db.session.scalars(sa.select(m.ReferralService).limit(1)).one()
    case = m.Case(
        desk=desk, person=person, year=2026, number=person.id, reference=f"T-{person.id}", opened_on=date(2026, 1, 5)
    )
    track = m.Track(kind=m.TrackKind.HOUSING, stage=m.TrackStage.ASSESSMENT)
    case.tracks.append(track)
    goal = m.Goal(case=case, description="Find a room")
    entry = m.Intervention(
        case=case,
        occurred_on=date(2026, 1, 6),
        kind=m.InterventionKind.INTERVIEW,
        channel=m.Channel.IN_PERSON,
        follow_up_on=date(2026, 1, 20),
    )
    referral = m.Referral(case=case, service=service, referred_on=date(2026, 1, 7))
    appointment = m.Appointment(case=case, on_date=date(2026, 2, 1), starts_at=time(10, 0), staff_id=operator.id)
    db.session.add_all([case, goal, entry, referral, appointment])
    db.session.flush()
    return {
        "{case}": case.id,
        "{track}": track.id,
        "{goal}": goal.id,
        "{intervention}": entry.id,
        "{referral}": referral.id,
        "{appointment}": appointment.id,
        "{service}": service.id,
    }


def make_checklist_rows(db, case_id: int) -> dict[str, object]:
    """A checklist of the procedure RIN_LAV_SUB on the case, with an item and a live link."""
    from sportello.cases.models import Case
    from sportello.permits import services

    version = services.version_of(services.procedure_by_code("RIN_LAV_SUB"))
    checklist = services.start_checklist(db.session.get(Case, case_id), version, {}, "it")
    link = services.create_link(checklist, 30)
    return {
        "{checklist}": checklist.id,
        "{item}": checklist.items[0].id,
        "{checklist_link}": link.id,
        "{token}": services.token_for(link),
    }


def make_housing_rows(db, case_id: int) -> dict[str, int]:
    """A housing need of the case, an offer, and a viewing, a contract, a certificate request
    and a rent support measure of the case."""
    from datetime import timedelta
    from decimal import Decimal

    from sportello.housing import models as h

    need = h.HousingNeed(
        case_id=case_id,
        household_size=2,
        situation=h.Situation.HOSTED,
        budget=Decimal("500"),
        urgency=h.HousingUrgency.WEEKS,
    )
    offer = h.HousingOffer(
        kind=h.OfferKind.PRIVATE,
        address="Via Roma 1",
        municipality="Ravenna",
        rent=Decimal("450"),
        total_area=Decimal("45"),
        available_from=date(2026, 1, 1),
        capacity=3,
        bedroom_count=1,
    )
    db.session.add_all([need, offer])
    db.session.flush()
    day = offer.created_at.date() + timedelta(days=1)
    viewing = h.Viewing(case_id=case_id, offer_id=offer.id, on_date=day)
    tenancy = h.Tenancy(
        case_id=case_id,
        offer_id=offer.id,
        contract_type=h.ContractType.FREE,
        signed_on=day,
        starts_on=day,
        rent=Decimal("450"),
    )
    certificate = h.SuitabilityCertificate(
        case_id=case_id, address="Via Roma 1", municipality="Ravenna", people=2, requested_on=date(2026, 1, 10)
    )
    support = h.RentSupport(
        case_id=case_id, kind=h.SupportKind.DEPOSIT, amount=Decimal("300"), granted_on=date(2026, 1, 10)
    )
    db.session.add_all([viewing, tenancy, certificate, support])
    db.session.flush()
    return {"{viewing}": viewing.id, "{tenancy}": tenancy.id, "{certificate}": certificate.id, "{support}": support.id}


def _records_of(db, person, other, app) -> dict[str, int]:
    """A household link, a vulnerability, a consent, a document and a merge entry of ``person``,
    for the routes about them: only made when the route needs them."""
    from sportello.core.audit import Action, AuditEntry
    from sportello.people.models import (
        AttachmentKind,
        ConsentRecord,
        HouseholdLink,
        PersonAttachment,
        PersonVulnerability,
        Relation,
        VulnerabilityType,
    )

    vtype = db.session.scalars(sa.select(VulnerabilityType).order_by(VulnerabilityType.id)).first()
    link = HouseholdLink(first_person_id=person.id, second_person_id=other.id, relation=Relation.SIBLING)
    vulnerability = PersonVulnerability(person=person, type=vtype, from_date=date(2024, 1, 1))
    consent = ConsentRecord(person=person, notice_version="v1", notice_language="it", signed_on=date(2024, 1, 1))
    stored = f"{person.id:032x}"
    path = Path(app.config["ATTACHMENTS_DIR"]) / stored[:2] / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attachment = PersonAttachment(
        person=person,
        kind=AttachmentKind.PASSPORT,
        title="Passport",
        original_filename="passport.pdf",
        stored_name=stored,
        content_type="application/pdf",
        size=path.stat().st_size,
        sha256="0" * 64,
    )
    entry = AuditEntry(
        actor_label="test",
        action=Action.MERGE,
        object_type="Person",
        object_id=person.id,
        changes={"merged_person_id": [None, other.id]},
    )
    db.session.add_all([link, vulnerability, consent, attachment, entry])
    db.session.flush()
    return {
        "{link}": link.id,
        "{vulnerability}": vulnerability.id,
        "{consent}": consent.id,
        "{attachment}": attachment.id,
        "{vtype}": vtype.id,
        "{entry}": entry.id,
    }


def make_mediation_rows(db, desk, case_id: int, user, scope: str) -> dict[str, int]:
    """A request of ``desk`` about the case, with its logged session. For a mediator, the
    request is theirs (own) or another mediator's (other)."""
    from datetime import time

    from sportello.mediation import models as m

    mediator = m.Mediator(name="Someone else")
    if user.role is Role.MEDIATOR and scope == "own":
        mediator.name, mediator.user_id = user.name, user.id
    mediator.languages.append(m.MediatorLanguage(language="ar", level=m.LanguageLevel.NATIVE))
    request = m.MediationRequest(
        desk_id=desk.id,
        case_id=case_id,
        language="ar",
        on_date=date(2026, 1, 8),
        starts_at=time(9, 0),
        ends_at=time(10, 0),
        setting=m.Setting.HEALTH,
        status=m.RequestStatus.DONE,
        mediator=mediator,
    )
    session = m.MediationSession(
        request=request,
        mediator=mediator,
        on_date=request.on_date,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        minutes=60,
        language="ar",
        mode=m.Mode.IN_PERSON,
        setting=m.Setting.HEALTH,
        outcome=m.SessionOutcome.COMPLETED,
    )
    db.session.add_all([mediator, request, session])
    db.session.flush()
    return {"{request}": request.id, "{session}": session.id}


def make_offer_rows(db) -> dict[str, int]:
    """An owner of the roster and an offer of theirs with two rooms."""
    from decimal import Decimal

    from sportello.housing.models import HousingOffer, Landlord, OfferKind, OfferRoom, RoomKind

    landlord = Landlord(name="Some Owner", kind=OfferKind.PRIVATE)
    offer = HousingOffer(
        landlord=landlord,
        kind=OfferKind.PRIVATE,
        address="Via Roma 1",
        municipality="Ravenna",
        rent=Decimal("500"),
        total_area=Decimal("50"),
        available_from=date(2026, 1, 1),
        rooms=[
            OfferRoom(kind=RoomKind.BEDROOM, area=Decimal("14")),
            OfferRoom(kind=RoomKind.LIVING, area=Decimal("16")),
        ],
    )
    db.session.add_all([landlord, offer])
    db.session.flush()
    return {"{landlord}": landlord.id, "{offer}": offer.id}


def make_profile_rows(db, person) -> dict[str, object]:
    """The skills profile of ``person`` with an education, a work experience and a language."""
    from decimal import Decimal

    from sportello.jobs import models as j

    profile = j.SkillsProfile(person_id=person.id, municipality="Ravenna", municipality_key="ravenna")
    profile.educations.append(j.Education(level=j.EducationLevel.PRIMARY, country="MA", year=2000))
    profile.experiences.append(j.Experience(role="Cook", sector=j.Sector.HOSPITALITY, years=Decimal("2")))
    profile.languages.append(j.ProfileLanguage(language="fr", level=j.Cefr.B1))
    db.session.add(profile)
    db.session.flush()
    return {"{education}": profile.educations[0].id, "{experience}": profile.experiences[0].id, "{spoken}": "fr"}


def make_job_rows(db, case_id: int) -> dict[str, int]:
    """An employer of the roster with an open offer, a running internship of the case at that
    employer with a month of attendance, the skills profile of the case's person and a referral
    of the case to the offer."""
    from decimal import Decimal

    from sportello.cases.models import Case
    from sportello.jobs import models as j

    employer = j.Employer(name="Some Employer", sector=j.Sector.LOGISTICS)
    offer = j.JobOffer(
        employer=employer,
        title="Warehouse worker",
        sector=j.Sector.LOGISTICS,
        contract_type=j.ContractType.FIXED_TERM,
        hours=j.Hours.FULL_TIME,
        municipality="Ravenna",
        municipality_key="ravenna",
        province="RA",
    )
    internship = j.Internship(
        case_id=case_id,
        host=employer,
        role="Warehouse clerk",
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 6, 30),
        weekly_hours=25,
        monthly_stipend=Decimal("500"),
        status=j.InternshipStatus.RUNNING,
    )
    internship.attendance.append(
        j.InternshipMonth(month=date(2026, 1, 1), planned_hours=Decimal("75"), attended_hours=Decimal("70"))
    )
    case = db.session.get(Case, case_id)
    profile = j.SkillsProfile(person_id=case.person_id, municipality="Ravenna", municipality_key="ravenna")
    referral = j.JobReferral(case_id=case_id, offer=offer, status_on=date(2026, 1, 10))
    db.session.add_all([employer, offer, internship, profile, referral])
    db.session.flush()
    return {
        "{employer}": employer.id,
        "{job_offer}": offer.id,
        "{internship}": internship.id,
        "{internship_month}": internship.attendance[0].id,
        "{job_referral}": referral.id,
    }


# {lang} in the rows of content translations: the language on the user's account, or another.
OWN_LANGUAGE, OTHER_LANGUAGE = "fr", "ar"


def _content_rows(db, scope: str) -> dict[str, object]:
    from sportello.permits.models import ContentString, Procedure

    string = db.session.scalars(sa.select(ContentString).order_by(ContentString.id)).first()
    procedure = db.session.scalars(sa.select(Procedure).order_by(Procedure.position)).first()
    return {
        "{lang}": OWN_LANGUAGE if scope == "own" else OTHER_LANGUAGE,
        "{string}": string.id,
        "{procedure}": procedure.code,
    }


def make_roster_rows(db, make_user) -> dict[str, int]:
    """A mediator of the roster with an account (not the logged-in user's), an absence of theirs,
    and a funding project."""
    from sportello.mediation.models import Absence, FundingProject, Mediator, MediatorLanguage
    from sportello.people.models import LanguageLevel

    account = make_user(Role.MEDIATOR)
    mediator = Mediator(name="Other Mediator", user_id=account.id)
    mediator.languages.append(MediatorLanguage(language="ar", level=LanguageLevel.NATIVE, with_language="it"))
    absence = Absence(mediator=mediator, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 15))
    project = FundingProject(code=f"CUP-{account.id}", name="FAMI mediation")
    db.session.add_all([mediator, absence, project])
    db.session.flush()
    return {"{mediator}": mediator.id, "{absence}": absence.id, "{project}": project.id}


def make_mediator_month(db, user, scope: str) -> dict[str, int]:
    """A mediator's month (January 2026). A mediator signed in has a roster record: the month's
    mediator (own), or another one (other)."""
    from sportello.mediation.models import Mediator

    mediator = Mediator(name="Target mediator")
    if user is not None and user.role is Role.MEDIATOR:
        if scope == "own":
            mediator.user_id = user.id
        else:
            db.session.add(Mediator(name="Signed-in mediator", user_id=user.id))
    db.session.add(mediator)
    db.session.flush()
    return {"{mediator}": mediator.id, "{year}": 2026, "{month}": 1}


@pytest.mark.parametrize(("method", "url", "expected", "role", "scope"), list(_cases()))
def test_access(
    app, client, login_as, make_user, make_person, desk, other_desk, db, method, url, expected, role, scope
):
    target_desk = desk if scope == "own" else other_desk
    target_user = make_user(Role.OPERATOR, [target_desk])
    target_person = make_person(target_desk)
    other_person = make_person(target_desk)
    values = {
        "{desk}": target_desk.id,
        "{user}": target_user.id,
        "{person}": target_person.id,
        "{other}": other_person.id,
    }
    if any(
        placeholder in url
        for placeholder in ("{link}", "{vulnerability}", "{consent}", "{attachment}", "{vtype}", "{entry}")
    ):
        values |= _records_of(db, target_person, other_person, app)
    needs = {part.split("}")[0] for part in url.split("{")[1:]}
    if needs & (CASE_ROWS | CHECKLIST_ROWS | HOUSING_ROWS):
        values |= make_case_rows(db, target_desk, target_person, target_user)
    if needs & HOUSING_ROWS:
        values |= make_housing_rows(db, values["{case}"])
    if needs & CHECKLIST_ROWS:
        values |= make_checklist_rows(db, values["{case}"])
    if any(placeholder in url for placeholder in ("{lang}", "{string}", "{procedure}")):
        values |= _content_rows(db, scope)
    user = None
    if role != "anonymous":
        user = login_as(role, review_languages=[OWN_LANGUAGE])
    if needs & MEDIATION_ROWS:
        case_id = values.get("{case}") or make_case_rows(db, target_desk, target_person, target_user)["{case}"]
        values |= make_mediation_rows(db, target_desk, case_id, user or target_user, scope)
    if url.startswith("/mediation/timesheets"):
        values |= make_mediator_month(db, user, scope)
    elif needs & ROSTER_ROWS:
        values |= make_roster_rows(db, make_user)
    if needs & OFFER_ROWS:
        values |= make_offer_rows(db)
    if url.startswith("/jobs/people/"):
        values |= make_profile_rows(db, target_person)
    if needs & JOB_ROWS:
        case_id = values.get("{case}") or make_case_rows(db, target_desk, target_person, target_user)["{case}"]
        values |= make_job_rows(db, case_id)
    db.session.commit()
    path = url
    for placeholder, value in values.items():
        path = path.replace(placeholder, str(value))

    response = client.open(path, method=method)
    response.close()  # a download streams a file

    if expected == PUBLIC:
        assert response.status_code < 500 and response.status_code not in (401, 403), response.status_code
        return
    if role == "anonymous":
        if method == "GET":
            assert response.status_code == 302 and response.location.startswith("/login"), response.status_code
        else:
            assert response.status_code == 401
        return
    wanted = expected[role]
    if isinstance(wanted, tuple):
        wanted = wanted[0] if scope == "own" else wanted[1]
    if wanted == OK:
        assert response.status_code in (200, 302, 422), (
            response.status_code,
            response.get_data(as_text=True)[:500],
        )
    else:
        assert response.status_code == wanted
