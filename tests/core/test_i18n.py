"""Interface language: choice, direction, formatting, and complete catalogs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sportello.core.roles import Role
from tests.conftest import text_of

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("it", "ar")


def test_italian_is_the_default(client):
    response = client.get("/login")
    assert '<html lang="it" dir="ltr">' in response.get_data(as_text=True)
    assert "Accedi" in text_of(response)


def test_accept_language_is_followed(client):
    response = client.get("/login", headers={"Accept-Language": "ar;q=0.9, en;q=0.5"})
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_lang_parameter_beats_the_browser_and_is_remembered(client):
    response = client.get("/login?lang=en", headers={"Accept-Language": "ar"})
    assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)
    assert "Sign in" in text_of(response)
    # Posting the form keeps the language chosen on the page.
    response = client.post(
        "/login", data={"email": "x@example.org", "password": "nope"}, headers={"Accept-Language": "ar"}
    )
    assert "Wrong email or password." in text_of(response)


def test_unknown_language_falls_back(client):
    response = client.get("/login?lang=xx", headers={"Accept-Language": "de"})
    assert '<html lang="it" dir="ltr">' in response.get_data(as_text=True)


def test_user_setting_beats_everything(client, login_as, db):
    user = login_as(Role.OPERATOR, language="ar")
    response = client.get("/?lang=en", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html and "bootstrap.min.css" not in html
    assert user.language == "ar"


def test_switching_language_saves_the_users_setting(client, login_as, db):
    user = login_as(Role.OPERATOR)
    response = client.post("/account/language", data={"language": "ar", "next": "/account"})
    assert response.status_code == 302 and response.location == "/account"
    db.session.refresh(user)
    assert user.language == "ar"
    assert 'dir="rtl"' in client.get("/").get_data(as_text=True)
    client.post("/account/language", data={"language": "", "next": "/"})
    db.session.refresh(user)
    assert user.language is None
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switching_to_an_unknown_language_is_refused(client, login_as, db):
    user = login_as(Role.OPERATOR)
    response = client.post("/account/language", data={"language": "klingon"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.language is None


def test_dates_follow_the_locale(client, login_as):
    login_as(Role.OPERATOR, language="en")
    english = text_of(client.get("/"))
    client.post("/account/language", data={"language": "it"})
    italian = text_of(client.get("/"))
    months_en = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    months_it = (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    )
    assert any(m in english for m in months_en)
    assert any(m in italian for m in months_it)


def test_error_pages_are_in_the_users_language(client, login_as):
    login_as(Role.OPERATOR, language="ar")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.get_data(as_text=True)
    assert "Page not found" not in text_of(response)


# ---- catalogs ---------------------------------------------------------------------------------


def _ids(catalog) -> set:
    """Each message by its context and id (a plural message by its forms)."""
    return {
        (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
        for message in catalog
        if message.id
    }


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as f:
        return read_po(f)


def test_catalog_template_is_up_to_date(fresh_template):
    with (ROOT / "translations" / "messages.pot").open("rb") as f:
        committed = read_po(f)
    missing = _ids(fresh_template) - _ids(committed)
    stale = _ids(committed) - _ids(fresh_template)
    assert not missing and not stale, (
        f"run `make i18n-update`; new: {sorted(map(str, missing))[:10]}, gone: {sorted(map(str, stale))[:10]}"
    )


@pytest.mark.parametrize("locale", SHIPPED)
def test_shipped_catalog_is_complete(fresh_template, locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    assert _ids(catalog) == _ids(fresh_template), f"run `make i18n-update` and translate {locale}"
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{locale}: fuzzy entries {fuzzy[:5]}"
    errors = [(m.id, e) for m, errs in catalog.check() for e in errs]
    assert errors == [], errors[:5]


def test_messages_follow_the_language_of_the_moment(app):
    """The catalogue is kept for the request, and changes with ``force_locale`` and back."""
    from flask_babel import force_locale, refresh

    from sportello.core.i18n import catalogue, gettext, lazy_gettext, ngettext

    title = lazy_gettext("Cases")
    with app.test_request_context("/?lang=it"):
        assert gettext("Cases") == str(title) == "Casi"
        assert catalogue() is catalogue()
        with force_locale("ar"):
            assert gettext("Cases") == str(title) != "Casi"
            assert ngettext("%(num)s person", "%(num)s people", 3) != "3 people"
        assert gettext("Cases") == "Casi"
        refresh()
        assert gettext("Cases") == "Casi"
        assert ngettext("%(num)s person", "%(num)s people", 1) == "1 persona"
        assert gettext("Opened on %(date)s", date="1/2") == "Aperto il 1/2"
    assert gettext("Cases") == "Cases"  # no request: the message as written


def test_template_messages_are_format_strings_escaped_in_html(app):
    with app.test_request_context("/?lang=en"):
        render = app.jinja_env.from_string
        assert render("{{ _('In charge: %(name)s', name=who) }}").render(who="<b>A</b>") == (
            "In charge: &lt;b&gt;A&lt;/b&gt;"
        )
        assert render("{{ _('100%% sure') }}|{{ _('Cases') }}").render() == "100% sure|Cases"
        assert render("{{ ngettext('%(num)s person', '%(num)s people', n, num=m) }}").render(n=2, m="two") == (
            "two people"
        )
