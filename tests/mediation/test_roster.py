"""The mediators' roster: the list and its filters, a mediator's record with languages, pairs and
weekly availability, absences, who sees what, and the languages mediators translate."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.extensions import db as _db
from sportello.mediation import roster
from sportello.mediation.models import (
    Absence,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    Mode,
    RequestStatus,
    SessionOutcome,
    SessionStatus,
    Setting,
)
from sportello.people.models import LanguageLevel
from tests.conftest import text_of

BASE = "/mediation/mediators"


def make_mediator(name="Amina Haddad", languages=(("ar", "native", "it"),), user=None, **values) -> Mediator:
    mediator = Mediator(name=name, user_id=user.id if user else None, **values)
    for code, level, other in languages:
        mediator.languages.append(MediatorLanguage(language=code, level=LanguageLevel(level), with_language=other))
    _db.session.add(mediator)
    _db.session.flush()
    return mediator


def form_data(**overrides) -> dict:
    data = {
        "name": "Amina Haddad",
        "user_id": "",
        "phone": "333 123 4567",
        "email": "Amina@Example.org",
        "organisation": "Cooperativa Lingue",
        "hourly_rate": "18,50",
        "fields": ["health", "school"],
        "notes": "Prefers mornings",
        "active": "y",
        "languages-0-language": "ar",
        "languages-0-level": "native",
        "languages-0-with_language": "it",
        "languages-1-language": "fr",
        "languages-1-level": "fluent",
        "languages-1-with_language": "it",
        "languages-2-language": "",
        "languages-2-level": "",
        "languages-2-with_language": "it",
        "slots-0-weekday": "0",
        "slots-0-starts_at": "09:00",
        "slots-0-ends_at": "13:00",
        "slots-1-weekday": "0",
        "slots-1-starts_at": "14:00",
        "slots-1-ends_at": "18:00",
        "slots-2-weekday": "",
        "slots-2-starts_at": "",
        "slots-2-ends_at": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# ---- creating and editing ----------------------------------------------------------------------


def test_a_coordinator_adds_a_mediator_with_languages_slots_and_an_account(client, login_as, db, make_user):
    login_as(Role.COORDINATOR, language="en")
    account = make_user(Role.MEDIATOR, name="Amina Account")
    make_user(Role.OPERATOR, name="Not A Mediator")
    db.session.commit()
    page = client.get(f"{BASE}/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Amina Account" in html and "Not A Mediator" not in html
    # Three empty language rows would be too many for a new record: two, Italian by default.
    assert 'name="languages-1-with_language"' in html and 'name="languages-2-language"' not in html

    response = client.post(f"{BASE}/new", data=form_data(user_id=str(account.id)))
    assert response.status_code == 302, text_of(response)[:800]
    mediator = db.session.scalars(sa.select(Mediator).where(Mediator.name == "Amina Haddad")).one()
    assert mediator.user_id == account.id
    assert mediator.phone == "+393331234567" and mediator.email == "amina@example.org"
    assert mediator.hourly_rate == Decimal("18.50") and mediator.fields == ["health", "school"]
    assert [(r.language, r.level, r.with_language) for r in mediator.languages] == [
        ("ar", LanguageLevel.NATIVE, "it"),
        ("fr", LanguageLevel.FLUENT, "it"),
    ]
    assert [(s.weekday, s.starts_at, s.ends_at) for s in mediator.slots] == [
        (0, time(9), time(13)),
        (0, time(14), time(18)),
    ]
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Mediator", AuditEntry.object_id == mediator.id)
    ).one()
    assert entry.action is Action.CREATE
    assert entry.changes["languages"] == [None, ["ar (native) ↔ it", "fr (fluent) ↔ it"]]
    assert entry.changes["slots"] == [None, ["Mon 09:00-13:00", "Mon 14:00-18:00"]]

    shown = text_of(client.get(f"{BASE}/{mediator.id}"))
    assert "Arabic (mother tongue) ↔ Italian" in shown and "French (fluent) ↔ Italian" in shown
    assert "Monday 09:00–13:00 , 14:00–18:00 Tuesday —" in shown and "Health care, School" in shown
    # The account is taken now: it is not offered for another mediator.
    assert "Amina Account" not in client.get(f"{BASE}/new").get_data(as_text=True)


def test_the_roster_form_speaks_the_viewer_s_language(client, login_as, db):
    login_as(Role.ADMIN, language="it")
    mediator = make_mediator()
    db.session.commit()
    html = client.get(f"{BASE}/{mediator.id}/edit").get_data(as_text=True)
    assert ">lunedì</option>" in html and ">domenica</option>" in html
    assert "arabo (madrelingua) ↔ italiano" in text_of(client.get(f"{BASE}/{mediator.id}"))


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    response = client.post(f"{BASE}/new", data={**form_data(name="Typed Name"), "add_row": "slots"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Typed Name"' in html and 'name="slots-3-weekday"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 0


BAD_INPUT = [
    (
        "no language",
        {"languages-0-language": "", "languages-1-language": ""},
        "Add at least one language the mediator works in.",
    ),
    (
        "the same pair twice",
        {"languages-1-language": "ar", "languages-1-level": "basic"},
        "Each pair of languages once, please.",
    ),
    (
        "a language with itself",
        {"languages-1-language": "it", "languages-1-with_language": "it"},
        "choose two different languages",
    ),
    ("a language without level", {"languages-1-level": ""}, "Choose the level."),
    ("an unknown language", {"languages-1-language": "xx"}, "Not a valid choice"),
    ("a slot ending before it starts", {"slots-1-ends_at": "13:30", "slots-1-starts_at": "15:00"}, "must end after"),
    ("overlapping slots", {"slots-1-starts_at": "12:00"}, "Two times of availability overlap on the same day"),
    ("a slot without day", {"slots-1-weekday": ""}, "Choose the day."),
    ("a slot without end", {"slots-1-ends_at": ""}, "Enter the time."),
    ("a bad phone", {"phone": "12"}, "This phone number is not valid."),
    ("a rate too high", {"hourly_rate": "600"}, "The hourly rate goes from 0 to 500 euro."),
    ("a negative rate", {"hourly_rate": "-1"}, "The hourly rate goes from 0 to 500 euro."),
    ("a rate with three decimals", {"hourly_rate": "18,505"}, "at most two decimals"),
    ("an unreadable rate", {"hourly_rate": "abc"}, "at most two decimals"),
    ("no name", {"name": ""}, "Enter the mediator's name."),
    ("a bad email", {"email": "amina@"}, "Enter a valid email address"),
]


@pytest.mark.parametrize(("what", "changes", "message"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_refused_next_to_the_field_and_kept(client, login_as, db, what, changes, message):
    login_as(Role.COORDINATOR, language="en")
    response = client.post(f"{BASE}/new", data=form_data(organisation="Kept Organisation", **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(response)
    assert "invalid-feedback" in html or 'class="alert alert-danger py-2"' in html
    assert 'value="Kept Organisation"' in html
    assert "Prefers mornings</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 0


def test_an_account_must_be_a_free_active_mediator_account(client, login_as, db, make_user):
    login_as(Role.COORDINATOR, language="en")
    taken = make_user(Role.MEDIATOR)
    make_mediator(user=taken)
    operator = make_user(Role.OPERATOR)
    inactive = make_user(Role.MEDIATOR, active=False)
    db.session.commit()
    for user in (taken, operator, inactive):
        response = client.post(f"{BASE}/new", data=form_data(user_id=str(user.id)))
        assert response.status_code == 422, user
    # A mediator can also be kept without an account.
    assert client.post(f"{BASE}/new", data=form_data(user_id="")).status_code == 302


def test_edit_keeps_unchanged_rows_and_records_what_changed(client, login_as, db, make_user):
    login_as(Role.ADMIN, language="en")
    mediator = make_mediator(languages=(("ar", "native", "it"), ("fr", "fluent", "it")), hourly_rate=Decimal("18.50"))
    kept_id = mediator.languages[0].id
    db.session.commit()
    html = client.get(f"{BASE}/{mediator.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    data = form_data(
        version=version,
        **{
            "languages-0-level": "fluent",
            "languages-1-language": "ti",
            "languages-1-with_language": "en",
            "slots-1-weekday": "",
            "slots-1-starts_at": "",
            "slots-1-ends_at": "",
            "hourly_rate": "18.5",
        },
    )
    assert client.post(f"{BASE}/{mediator.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    mediator = db.session.get(Mediator, mediator.id)
    assert mediator.languages[0].id == kept_id and mediator.languages[0].level is LanguageLevel.FLUENT
    assert [(r.language, r.with_language) for r in mediator.languages] == [("ar", "it"), ("ti", "en")]
    assert mediator.version > int(version)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Mediator",
            AuditEntry.object_id == mediator.id,
            AuditEntry.action == Action.UPDATE,
        )
    ).one()
    assert entry.changes["languages"] == [
        ["ar (native) ↔ it", "fr (fluent) ↔ it"],
        ["ar (fluent) ↔ it", "ti (fluent) ↔ en"],
    ]
    assert entry.changes["slots"] == [None, ["Mon 09:00-13:00"]]
    assert "hourly_rate" not in entry.changes  # 18.5 is the rate it had


def test_a_stale_edit_shows_both_versions(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    mediator = make_mediator(organisation="First")
    db.session.commit()
    old = mediator.version
    roster.update_mediator(
        mediator,
        roster.clean_mediator_values(
            {
                "name": mediator.name,
                "organisation": "Saved Meanwhile",
                "hourly_rate": Decimal("0"),
                "active": True,
                "languages": [("ar", "native", "it"), ("ur", "fluent", "it")],
                "slots": [],
            },
            mediator,
        ),
        version=old,
    )
    db.session.commit()
    response = client.post(f"{BASE}/{mediator.id}/edit", data=form_data(version=str(old), organisation="Mine"))
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved Meanwhile" in page
    assert "Arabic (mother tongue) ↔ Italian, Urdu (fluent) ↔ Italian" in page
    assert 'value="Mine"' in response.get_data(as_text=True)
    db.session.refresh(mediator)
    assert mediator.organisation == "Saved Meanwhile"


# ---- the list ----------------------------------------------------------------------------------


def test_the_list_filters_by_language_field_organisation_and_activity(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    make_mediator("Urdu Health", languages=(("ur", "native", "it"),), fields=["health"], organisation="Coop Alfa")
    make_mediator("Tigrinya School", languages=(("ti", "native", "en"),), fields=["school"], organisation="Beta")
    make_mediator("Gone Away", languages=(("ur", "fluent", "it"),), active=False, organisation="Coop 100%")
    db.session.commit()

    def names(**args):
        response = client.get(f"{BASE}/", query_string=args)
        assert response.status_code == 200
        page = text_of(response)
        return {name for name in ("Urdu Health", "Tigrinya School", "Gone Away") if name in page}

    assert names() == {"Urdu Health", "Tigrinya School"}
    assert names(language="ur") == {"Urdu Health"}
    assert names(language="en") == {"Tigrinya School"}  # the other side of the pair counts too
    assert names(field="school") == {"Tigrinya School"}
    assert names(organisation="coop") == {"Urdu Health"}
    assert names(status="inactive") == {"Gone Away"}
    assert names(status="all", language="ur") == {"Urdu Health", "Gone Away"}
    assert names(status="all", organisation="100%") == {"Gone Away"}
    assert "Tigrinya (mother tongue) ↔ English" in text_of(client.get(f"{BASE}/"))
    assert client.get(f"{BASE}/", query_string={"language": "xx"}).status_code == 422


@pytest.mark.parametrize(("role", "shown"), [(Role.ADMIN, True), (Role.COORDINATOR, True), (Role.OPERATOR, False)])
def test_the_hourly_rate_is_for_those_who_keep_the_roster(client, login_as, db, role, shown):
    login_as(role, language="en")
    mediator = make_mediator(hourly_rate=Decimal("21.75"))
    db.session.commit()
    assert ("21.75" in text_of(client.get(f"{BASE}/"))) is shown
    assert ("21.75" in text_of(client.get(f"{BASE}/{mediator.id}"))) is shown
    assert ("New mediator" in text_of(client.get(f"{BASE}/"))) is shown


def _queries(db, client, url) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_and_the_page_do_not_query_per_row(client, login_as, db, desk):
    login_as(Role.COORDINATOR, language="en")
    first = make_mediator()

    def grow(n):
        for i in range(n):
            mediator = make_mediator(f"Mediator {n}-{i}", languages=(("ar", "native", "it"), ("bn", "fluent", "it")))
            db.session.add(Absence(mediator=mediator, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 2)))
            _booking(first, desk, today(), status=RequestStatus.ACCEPTED, with_session=True, hour=8 + i)
        db.session.add(
            Absence(
                mediator=first, starts_on=today() + timedelta(days=40 + n), ends_on=today() + timedelta(days=40 + n)
            )
        )
        db.session.commit()

    grow(1)
    urls = (f"{BASE}/", f"{BASE}/{first.id}")
    few = {url: _queries(db, client, url) for url in urls}
    grow(6)
    assert {url: _queries(db, client, url) for url in urls} == few


# ---- the mediator's page and who sees it -------------------------------------------------------


def _booking(mediator, desk, day, *, status=RequestStatus.ASSIGNED, with_session=False, hour=10):
    request = MediationRequest(
        desk_id=desk.id,
        language="ar",
        on_date=day,
        starts_at=time(hour),
        ends_at=time(hour, 45),
        setting=Setting.HEALTH,
        mediator_id=mediator.id,
        status=status,
    )
    _db.session.add(request)
    _db.session.flush()
    if with_session:
        _db.session.add(
            MediationSession(
                request_id=request.id,
                mediator_id=mediator.id,
                on_date=day,
                starts_at=time(hour),
                ends_at=time(hour, 45),
                minutes=45,
                language="ar",
                mode=Mode.IN_PERSON,
                setting=Setting.HEALTH,
                outcome=SessionOutcome.COMPLETED,
                status=SessionStatus.CONFIRMED,
            )
        )
        _db.session.flush()
    return request


def test_the_page_counts_this_month_s_requests_and_sessions(client, login_as, db, desk):
    login_as(Role.OPERATOR, language="en")
    mediator = make_mediator()
    day = today()
    _booking(mediator, desk, day, status=RequestStatus.ASSIGNED, hour=9)
    _booking(mediator, desk, day, status=RequestStatus.DONE, with_session=True, hour=11)
    _booking(mediator, desk, day, status=RequestStatus.DONE, with_session=True, hour=14)
    _booking(mediator, desk, day - timedelta(days=40), status=RequestStatus.DONE, with_session=True)
    db.session.commit()
    counts = roster.month_counts(mediator, day)
    assert counts["requests"] == {"assigned": 1, "done": 2}
    assert counts["sessions"] == {"confirmed": 2} and counts["minutes"] == {"confirmed": 90}
    page = text_of(client.get(f"{BASE}/{mediator.id}"))
    assert "Requests 3" in page and "Sessions logged 2" in page and "Hours logged 1.5" in page


def test_a_mediator_sees_only_their_own_record_read_only(client, login_as, db, make_user):
    me = login_as(Role.MEDIATOR, language="en")
    mine = make_mediator("My Self", user=me, hourly_rate=Decimal("19"), notes="Internal note")
    other = make_mediator("Someone Else", user=make_user(Role.MEDIATOR))
    absence = Absence(mediator=other, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2))
    db.session.add(absence)
    db.session.commit()

    assert client.get("/mediation/mediators/me").location.endswith(f"{BASE}/{mine.id}")
    page = client.get(f"{BASE}/{mine.id}")
    assert page.status_code == 200
    shown = text_of(page)
    assert "My Self" in shown and "Record an absence" in shown and "Internal note" not in shown
    assert f"{BASE}/{mine.id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"{BASE}/{mine.id}/edit").status_code == 403
    assert client.post(f"{BASE}/{mine.id}/edit", data=form_data()).status_code == 403
    assert client.get(f"{BASE}/").status_code == 403

    # Another mediator's record, absences included: refused.
    assert client.get(f"{BASE}/{other.id}").status_code == 403
    day = {"starts_on": "2026-05-01", "ends_on": "2026-05-02"}
    assert client.post(f"{BASE}/{other.id}/absences", data=day).status_code == 403
    assert client.post(f"{BASE}/absences/{absence.id}/delete").status_code == 403

    # Their own absences they keep themselves.
    assert client.post(f"{BASE}/{mine.id}/absences", data={**day, "note": "Holiday"}).status_code == 302
    own = db.session.scalars(sa.select(Absence).where(Absence.mediator_id == mine.id)).one()
    assert own.note == "Holiday"
    own_id = own.id
    assert client.post(f"{BASE}/absences/{own_id}/delete").status_code == 302
    remaining = db.session.scalars(sa.select(Absence.id)).all()
    assert own_id not in remaining and absence.id in remaining


def test_a_mediator_without_a_record_is_told_so(client, login_as):
    login_as(Role.MEDIATOR, language="en")
    response = client.get("/mediation/mediators/me", follow_redirects=True)
    assert "not linked to a mediator of the roster" in text_of(response)


# ---- absences ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        ("2026-05-10", "2026-05-09", "The last day cannot come before the first."),
        ("2026-01-01", "2027-01-02", "An absence lasts at most 366 days"),
        ("2026-04-28", "2026-05-01", "These days overlap an absence already recorded"),
        ("2026-05-03", "2026-05-03", "These days overlap an absence already recorded"),
        ("", "2026-05-03", "Enter the first day of the absence."),
        ("2026-05-03", "not a date", "Not a valid date value"),
    ],
)
def test_bad_absences_are_refused_on_the_page(client, login_as, db, starts_on, ends_on, message):
    login_as(Role.COORDINATOR, language="en")
    mediator = make_mediator()
    db.session.add(Absence(mediator=mediator, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 5)))
    db.session.commit()
    response = client.post(
        f"{BASE}/{mediator.id}/absences", data={"starts_on": starts_on, "ends_on": ends_on, "note": "Kept note"}
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'value="Kept note"' in response.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Absence).where(Absence.mediator_id == mediator.id)).all()) == 1


def test_a_year_long_absence_and_touching_absences_are_fine(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    mediator = make_mediator()
    db.session.commit()
    assert (
        client.post(
            f"{BASE}/{mediator.id}/absences", data={"starts_on": "2028-01-01", "ends_on": "2028-12-31"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{BASE}/{mediator.id}/absences", data={"starts_on": "2029-01-01", "ends_on": "2029-01-01"}
        ).status_code
        == 302
    )
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Absence")).all()
    assert len(entries) == 2 and entries[0].object_label.startswith(mediator.name)


def test_an_absence_over_booked_requests_warns_who_needs_a_new_mediator(client, login_as, db, desk):
    login_as(Role.COORDINATOR, language="en")
    mediator = make_mediator()
    _booking(mediator, desk, date(2026, 6, 2), status=RequestStatus.ASSIGNED)
    _booking(mediator, desk, date(2026, 6, 3), status=RequestStatus.ACCEPTED)
    _booking(mediator, desk, date(2026, 6, 3), status=RequestStatus.CANCELLED, hour=15)
    _booking(mediator, desk, date(2026, 6, 9), status=RequestStatus.ACCEPTED)
    db.session.commit()
    response = client.post(
        f"{BASE}/{mediator.id}/absences",
        data={"starts_on": "2026-06-01", "ends_on": "2026-06-05"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Absence recorded." in page
    assert "2 requests assigned to this mediator fall on those days and need a new mediator." in page


def test_operators_cannot_keep_absences(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    mediator = make_mediator()
    db.session.commit()
    assert "Record an absence" not in text_of(client.get(f"{BASE}/{mediator.id}"))
    day = {"starts_on": "2026-05-01", "ends_on": "2026-05-02"}
    assert client.post(f"{BASE}/{mediator.id}/absences", data=day).status_code == 403


# ---- translators -------------------------------------------------------------------------------


def test_a_mediator_translates_the_languages_of_their_roster_record(client, login_as, db, make_user):
    from sportello.permits import translations
    from sportello.permits.models import ContentString

    user = login_as(Role.MEDIATOR, language="en", review_languages=[])
    string = db.session.scalars(sa.select(ContentString).order_by(ContentString.id)).first()
    url = f"/permits/translations/ur/{string.id}"
    assert not translations.can_translate(user, "ur")
    assert client.get(url).status_code == 403

    mediator = make_mediator(user=user, languages=(("ur", "native", "it"), ("bn", "fluent", "en")))
    db.session.commit()
    assert translations.can_translate(user, "ur") and translations.can_translate(user, "en")
    assert translations.translatable_languages(user) == ["en", "ur", "bn"]
    assert client.get(url).status_code == 200
    assert "ur" in client.get("/permits/translations/").get_data(as_text=True)

    # Another mediator's languages are not theirs; an inactive record gives none.
    make_mediator("Other", user=make_user(Role.MEDIATOR), languages=(("ps", "native", "it"), ("fa", "native", "it")))
    db.session.commit()
    assert not translations.can_translate(user, "fa")

    mediator.languages = [row for row in mediator.languages if row.language != "ur"]
    db.session.commit()
    assert not translations.can_translate(user, "ur")
    assert client.get(url).status_code == 403
    mediator.active = False
    db.session.commit()
    assert translations.translatable_languages(user) == []


# ---- audit labels ------------------------------------------------------------------------------


def test_the_audit_page_names_roster_records_and_fields(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    assert client.post(f"{BASE}/new", data=form_data()).status_code == 302
    page = text_of(client.get("/admin/audit", query_string={"object_type": "Mediator"}))
    assert "Mediator" in page and "Weekly availability" in page and "Hourly rate" in page
