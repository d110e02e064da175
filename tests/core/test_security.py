"""CSRF, security headers, deny by default, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sportello.core.roles import Role
from tests.conftest import PASSWORD, text_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_post_without_csrf_token_is_refused_with_a_message(client, make_user, desk, db, csrf_on):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "token di sicurezza" in text_of(response) or "security token" in text_of(response)
    # With the token from the form, the same sign-in works.
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_logged_in_post_without_token_changes_nothing(app, client, login_as, db):
    user = login_as(Role.OPERATOR)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/language", data={"language": "ar"})
        assert response.status_code == 400
        db.session.refresh(user)
        assert user.language is None
        token = _token(client.get("/account").get_data(as_text=True))
        assert client.post("/account/language", data={"language": "ar", "csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(user)
    assert user.language == "ar"


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_is_strict(monkeypatch):
    from sportello.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        ProductionConfig.check()


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline <script> in {path}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler in {path}"
        assert not re.search(r"\sstyle=", html), f"inline style in {path}"
        # PDF templates go to WeasyPrint, never to a browser: their page rules live in a <style>.
        if path.parent.name != "pdf":
            assert "<style" not in html, f"<style> element in {path}"


def test_unknown_url_is_404_not_a_login_redirect(client):
    assert client.get("/definitely/not/here").status_code == 404


def test_health_is_public_and_checks_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_wrong_method_is_405_not_500(client, login_as):
    login_as(Role.OPERATOR, language="en")
    response = client.put("/account")
    assert response.status_code == 405
    assert "Not allowed" in text_of(response)


def test_unexpected_error_shows_a_translated_500_page(app, client, login_as, monkeypatch):
    login_as(Role.OPERATOR, language="en")
    from sportello.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "core.home", broken)
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        response = client.get("/")
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert response.status_code == 500
    assert "Something went wrong" in text_of(response)
    assert views.home is not broken
