"""Sign-in, the user's own account, and the admin area (users, desks, audit trail)."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_login import current_user, login_user, logout_user

from sportello.auth import services
from sportello.auth.forms import ChangePasswordForm, DeskForm, LanguageForm, LoginForm, UserForm
from sportello.auth.models import Desk, User
from sportello.core import audit
from sportello.core.concurrency import save_edit
from sportello.core.exceptions import FieldError, RuleError
from sportello.core.forms import AuditFilterForm, add_field_error, select_choices
from sportello.core.i18n import gettext as _
from sportello.core.i18n import language_name
from sportello.core.languages import content_language_choices
from sportello.core.navigation import admin_links_for
from sportello.core.pagination import SlicePage
from sportello.core.permissions import get_visible_or_404, public, require_roles
from sportello.core.roles import Role
from sportello.extensions import db

bp = Blueprint("auth", __name__)

ADMIN_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("core.home")


# ---- sign in / out ----------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        outcome = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if outcome.status is services.LoginStatus.OK:
            session.clear()
            login_user(outcome.user)
            return redirect(_safe_next(form.next.data))
        if outcome.status is services.LoginStatus.LOCKED:
            form.form_errors.append(
                _(
                    "Too many failed attempts: this account is locked until %(time)s. "
                    "Try again then, or ask an administrator to reset your password.",
                    time=format_datetime(outcome.locked_until, "short"),
                )
            )
            status = 429
        elif outcome.status is services.LoginStatus.INACTIVE:
            form.form_errors.append(_("This account has been deactivated. Ask an administrator of your desk."))
            status = 403
        else:
            form.form_errors.append(_("Wrong email or password."))
            status = 401
        form.password.data = ""
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    services.record_logout(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


# ---- own account ------------------------------------------------------------------------------


def _language_choices(automatic: str):
    pairs = [("", automatic)] + [(code, language_name(code)) for code in current_app.config["UI_LOCALES"]]
    return select_choices(pairs, lang=True)


def _language_form(**kwargs) -> LanguageForm:
    form = LanguageForm(**kwargs)
    form.language.choices = _language_choices(_("As my browser asks"))
    return form


@bp.get("/account")
def account():
    return render_template(
        "auth/account.html",
        password_form=ChangePasswordForm(),
        language_form=_language_form(language=current_user.language or ""),
    )


@bp.post("/account/password")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except FieldError as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            login_user(user)  # the session token changed: stay signed in here only
            flash(_("Your password has been changed. Other open sessions have been signed out."), "success")
            return redirect(url_for("auth.account"))
    language_form = _language_form(language=current_user.language or "", formdata=None)
    return render_template("auth/account.html", password_form=form, language_form=language_form), 422


@bp.post("/account/language")
def set_language():
    form = _language_form()
    if form.validate_on_submit():
        services.set_language(current_user, form.language.data)
        db.session.commit()
        session.pop("lang", None)
        flash(_("Language saved."), "success")
        return redirect(_safe_next(request.form.get("next")))
    flash(_("This language is not available."), "danger")
    return redirect(url_for("auth.account"))


# ---- admin area -------------------------------------------------------------------------------


@bp.get("/admin/")
@require_roles(*ADMIN_ROLES)
def admin_index():
    return render_template("admin/index.html", links=admin_links_for(current_app, current_user))


def _user_form(user: User | None = None, **kwargs) -> UserForm:
    form = UserForm(obj=user, **kwargs)
    form.desks.choices = select_choices((d.id, d.name) for d in services.desks_for_choice(current_user))
    form.language.choices = _language_choices(_("As the browser asks"))
    # Italian is the source of content, not a language it is translated into.
    form.review_languages.choices = select_choices(
        [(code, name) for code, name in content_language_choices() if code != "it"], lang=True
    )
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
        form.desks.data = sorted(user.desk_ids)
        form.language.data = user.language or ""
        form.review_languages.data = list(user.review_languages or [])
    return form


def _user_form_values(form: UserForm) -> dict:
    desks = list(db.session.scalars(sa.select(Desk).where(Desk.id.in_(form.desks.data or []))))
    return {
        "name": form.name.data,
        "email": form.email.data,
        "role": Role(form.role.data),
        "desks": desks,
        "language": form.language.data or None,
        "review_languages": list(form.review_languages.data or []),
    }


@bp.get("/admin/users")
@require_roles(Role.ADMIN)
def users():
    text = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    state = request.args.get("state", "active")
    query = services.search_users(current_user, text=text, role=role, state=state)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"])
    return render_template("admin/users.html", page=page, q=text, role=role, state=state, roles=Role)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, password = services.create_user(**_user_form_values(form))
        except FieldError as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            return render_template("admin/password_issued.html", user=user, password=password, created=True)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def edit_user(user_id: int):
    user = get_visible_or_404(User, user_id, edit=True)
    form = _user_form(user)
    if request.method == "GET":
        form.version.data = user.version
    outcome = save_edit(
        form,
        user,
        lambda: services.update_user(user, version=form.version.data, **_user_form_values(form)),
        lambda saved: _user_form(formdata=None, data=_saved_user_data(saved)),
    )
    if outcome.saved:
        flash(_("Account saved."), "success")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template(
        "admin/user_form.html", form=form, user=outcome.obj, conflict=outcome.conflict
    ), outcome.status


def _saved_user_data(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "desks": sorted(user.desk_ids),
        "language": user.language or "",
        "review_languages": list(user.review_languages or []),
    }


@bp.post("/admin/users/<int:user_id>/active")
@require_roles(Role.ADMIN)
def set_user_active(user_id: int):
    user = get_visible_or_404(User, user_id, edit=True)
    active = request.form.get("active") == "1"
    try:
        services.set_active(user, active, by=current_user)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(
            _("Account reactivated.") if active else _("Account deactivated; its open sessions have ended."), "success"
        )
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reset-password")
@require_roles(Role.ADMIN)
def reset_password(user_id: int):
    user = get_visible_or_404(User, user_id, edit=True)
    password = services.reset_password(user)
    db.session.commit()
    return render_template("admin/password_issued.html", user=user, password=password, created=False)


@bp.get("/admin/desks")
@require_roles(*ADMIN_ROLES)
def desks():
    query = Desk.visible_to(current_user).order_by(Desk.active.desc(), Desk.name)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"])
    counts = services.desk_member_counts()
    return render_template("admin/desks.html", page=page, counts=counts)


@bp.route("/admin/desks/new", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def new_desk():
    form = DeskForm()
    if form.validate_on_submit():
        try:
            desk = services.create_desk(form.data)
        except FieldError as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Desk %(name)s created.", name=desk.name), "success")
            return redirect(url_for("auth.desks"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/desk_form.html", form=form, desk=None), status


@bp.route("/admin/desks/<int:desk_id>", methods=["GET", "POST"])
@require_roles(*ADMIN_ROLES)
def edit_desk(desk_id: int):
    desk = get_visible_or_404(Desk, desk_id, edit=True)
    form = DeskForm(obj=desk)
    if request.method == "GET":
        form.version.data = desk.version

    def save() -> None:
        values = form.data
        if current_user.role is not Role.ADMIN:
            values.pop("active")  # only administrators open and close desks
        services.update_desk(desk, values, version=form.version.data)

    outcome = save_edit(form, desk, save, lambda saved: DeskForm(formdata=None, obj=saved))
    if outcome.saved:
        flash(_("Desk saved."), "success")
        return redirect(url_for("auth.desks"))
    return render_template(
        "admin/desk_form.html", form=form, desk=outcome.obj, conflict=outcome.conflict
    ), outcome.status


@bp.get("/admin/audit")
@require_roles(*ADMIN_ROLES)
def audit_trail():
    form = AuditFilterForm(request.args)
    form.object_type.choices = select_choices([("", _("Any record")), *audit.object_types()])
    desks = db.session.scalars(Desk.visible_to(current_user).order_by(Desk.name))
    form.desk.choices = select_choices([("", _("Any desk")), *((str(d.id), d.name) for d in desks)])
    entries = None
    if form.validate():
        query = audit.search(
            current_user,
            text=form.q.data,
            actor=form.actor.data,
            action=form.action.data or None,
            object_type=form.object_type.data or None,
            desk_id=int(form.desk.data) if form.desk.data else None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        entries = SlicePage(db.session, query, request.args.get("page", 1, type=int), per_page=50)
    status = 200 if entries is not None else 422
    return render_template("admin/audit.html", form=form, entries=entries, audit=audit), status


def init_nav(app) -> None:
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import NavEntry, add_nav_entry

    add_nav_entry(app, NavEntry("admin", _l("Admin"), "auth.admin_index", frozenset(ADMIN_ROLES), "/admin"))
