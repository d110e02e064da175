"""Permit procedures and checklists (operators), and the person's public link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sportello.cases.models import Case
from sportello.core import audit
from sportello.core.concurrency import StaleEdit, conflict_rows, save_edit
from sportello.core.exceptions import FieldError, RuleError
from sportello.core.forms import add_field_error
from sportello.core.i18n import gettext as _
from sportello.core.languages import CONTENT_LANGUAGE_CODES, own_name
from sportello.core.permissions import get_visible_or_404, public, require_roles
from sportello.extensions import db, limiter
from sportello.permits import documents, services
from sportello.permits.content import ProcedureContent
from sportello.permits.forms import (
    ChecklistForm,
    EmailLinkForm,
    ItemForm,
    LeafletForm,
    LinkForm,
    answers_form,
    answers_from,
)
from sportello.permits.models import Checklist, ChecklistItem, ChecklistLink

bp = Blueprint("permits", __name__, url_prefix="/permits")
public_bp = Blueprint("checklist_link", __name__, url_prefix="/l")

ROLES = tuple(services.PERMIT_ROLES)


# ---- procedures and leaflets ---------------------------------------------------------------------


@bp.get("/")
@require_roles(*ROLES)
def index():
    # Withdrawn procedures are listed only on request (their checklists keep working).
    withdrawn = request.args.get("withdrawn") == "1"
    return render_template(
        "permits/index.html",
        entries=services.procedures(include_inactive=withdrawn),
        withdrawn=withdrawn,
        leaflet_form=LeafletForm(formdata=None, lang=LEAFLET_LANGUAGE),
        can_edit=current_user.role in services.EDITOR_ROLES,
    )


# Blank leaflets are offered in English first: the language most desks' visitors read after their own.
LEAFLET_LANGUAGE = "en"


def _procedure_or_404(code: str):
    procedure = services.procedure_by_code(code)
    if procedure is None:
        abort(404)
    return procedure


@bp.get("/procedures/<code>")
@require_roles(*ROLES)
def procedure(code: str):
    procedure = _procedure_or_404(code)
    number = request.args.get("version", type=int)
    version = services.version_of(procedure, number)
    if version is None:
        abort(404)
    content = ProcedureContent.of(version.content)
    return render_template(
        "permits/procedure.html",
        procedure=procedure,
        version=version,
        content=content,
        fees=services.fees_for(content, None),
        leaflet_form=LeafletForm(formdata=None, lang=LEAFLET_LANGUAGE),
        can_edit=current_user.role in services.EDITOR_ROLES,
    )


@bp.get("/procedures/<code>/leaflet")
@require_roles(*ROLES)
def leaflet(code: str):
    """A blank leaflet of the procedure's latest version, in any content language."""
    procedure = _procedure_or_404(code)
    form = LeafletForm(request.args)
    form.lang.choices = [(c, c) for c in CONTENT_LANGUAGE_CODES]
    if not form.validate():
        flash(_("Choose one of the languages checklists are written in."), "danger")
        return redirect(url_for("permits.procedure", code=code))
    desk = current_user.desks[0] if current_user.desks else None
    doc = documents.leaflet_document(services.version_of(procedure), form.lang.data, desk)
    return _pdf(documents.render(doc), documents.filename(doc, procedure.code))


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- a case's checklists --------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
@require_roles(*ROLES)
def new_checklist(case_id: int):
    case = get_visible_or_404(Case, case_id, edit=True)
    code = request.values.get("procedure", "")
    if not code:
        return render_template("permits/choose.html", case=case, entries=services.procedures())
    procedure = _procedure_or_404(code)
    if not procedure.active:
        flash(_("This procedure is no longer offered for new checklists."), "warning")
        return redirect(url_for("permits.new_checklist", case_id=case.id))
    version = services.version_of(procedure)
    content = ProcedureContent.of(version.content)
    form = answers_form(content, with_language=True, language=case.person.preferred_language or "it")
    if form.validate_on_submit():
        try:
            checklist = services.start_checklist(case, version, answers_from(form, content), form.language.data)
        except FieldError as error:
            add_field_error(form, error)
        except RuleError as error:
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Checklist made: mark each document as the person brings it."), "success")
            return redirect(url_for("permits.checklist", checklist_id=checklist.id))
    status = 422 if request.method == "POST" else 200
    return render_template("permits/start.html", case=case, procedure=procedure, content=content, form=form), status


@bp.get("/checklists/<int:checklist_id>")
@require_roles(*ROLES)
def checklist(checklist_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id)
    return _checklist_page(checklist)


def _checklist_page(checklist: Checklist, status: int = 200, **failed: Any):
    content = services.content_of(checklist)
    can_edit = checklist.can_edit(current_user)
    item_forms = {}
    for item in checklist.items:
        if failed.get("item_id") == item.id:
            item_forms[item.id] = failed["item_form"]
        else:
            item_forms[item.id] = ItemForm(
                formdata=None, prefix=f"i{item.id}", status=item.status.value, note=item.note, version=item.version
            )
    links = [(link, _link_url(link)) for link in checklist.links]
    active = [(link, url) for link, url in links if link.is_active(services.utcnow())]
    return render_template(
        "permits/checklist.html",
        checklist=checklist,
        case=checklist.case,
        content=content,
        fees=services.fees_for(content, checklist.answers),
        window=services.renewal_window(checklist.case.person) if content.renewal else None,
        item_forms=item_forms,
        failed_item=failed.get("item_id"),
        conflict=failed.get("conflict"),
        links=links,
        active_link=active[0] if active else None,
        whatsapp=services.whatsapp_url(active[0][1], checklist) if active else "",
        qr=documents.qr_data_uri(active[0][1]) if active else "",
        link_form=failed.get("link_form") or LinkForm(formdata=None, days=current_app.config["CHECKLIST_LINK_DAYS"]),
        email_form=failed.get("email_form") or EmailLinkForm(formdata=None, email=checklist.case.person.email),
        can_edit=can_edit,
        language_name=own_name(checklist.language),
    ), status


def _link_url(link: ChecklistLink) -> str:
    return url_for("checklist_link.page", token=services.token_for(link), _external=True)


@bp.post("/checklists/<int:checklist_id>/items/<int:item_id>")
@require_roles(*ROLES)
def update_item(checklist_id: int, item_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.checklist_id != checklist.id:
        abort(404)
    form = ItemForm(prefix=f"i{item.id}")
    if form.validate():
        try:
            services.set_item(item, services.ItemStatus(form.status.data), form.note.data, version=form.version.data)
            db.session.commit()
        except StaleEdit:
            db.session.rollback()
            item = db.session.get(ChecklistItem, item_id)
            saved = ItemForm(formdata=None, prefix=f"i{item.id}", status=item.status.value, note=item.note)
            rows = conflict_rows(form, saved)
            form.version.data = item.version
            checklist = db.session.get(Checklist, checklist_id)
            return _checklist_page(checklist, 409, item_id=item.id, item_form=form, conflict=rows)
        except RuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            if request.accept_mimetypes.best == "application/json":
                return {"ready": checklist.items_ready, "total": checklist.items_total, "version": item.version}
            return redirect(url_for("permits.checklist", checklist_id=checklist.id, _anchor=f"item-{item.id}"))
    return _checklist_page(checklist, 422, item_id=item.id, item_form=form)


@bp.route("/checklists/<int:checklist_id>/edit", methods=["GET", "POST"])
@require_roles(*ROLES)
def edit_checklist(checklist_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)

    def form_for(obj, **kwargs):
        form = ChecklistForm(obj=obj, **kwargs)
        if request.method == "GET" or "formdata" in kwargs:
            form.status.data = obj.status.value
            form.filing_place.data = obj.filing_place.value if obj.filing_place else ""
        return form

    form = form_for(checklist)
    values = ("language", "status", "filing_on", "filing_place", "filing_note")
    outcome = save_edit(
        form,
        checklist,
        lambda: services.update_checklist(
            checklist, {name: form[name].data for name in values}, version=form.version.data
        ),
        lambda obj: form_for(obj, formdata=None),
    )
    if outcome.saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("permits.checklist", checklist_id=checklist_id))
    checklist = outcome.obj
    return render_template(
        "permits/checklist_form.html", form=form, checklist=checklist, case=checklist.case, conflict=outcome.conflict
    ), outcome.status


@bp.route("/checklists/<int:checklist_id>/answers", methods=["GET", "POST"])
@require_roles(*ROLES)
def edit_answers(checklist_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)
    content = services.content_of(checklist)

    def form_for(obj, **kwargs):
        values = {f"q_{code}": value for code, value in obj.answers.items()}
        return answers_form(content, with_language=False, version=obj.version, **values, **kwargs)

    form = form_for(checklist) if request.method == "GET" else answers_form(content, with_language=False)
    outcome = save_edit(
        form,
        checklist,
        lambda: services.change_answers(checklist, answers_from(form, content), version=form.version.data),
        lambda obj: form_for(obj, formdata=None),
    )
    if outcome.saved:
        flash(_("Answers saved: the list of documents follows them."), "success")
        return redirect(url_for("permits.checklist", checklist_id=checklist_id))
    checklist = outcome.obj
    return render_template(
        "permits/answers.html",
        form=form,
        checklist=checklist,
        case=checklist.case,
        content=content,
        conflict=outcome.conflict,
    ), outcome.status


@bp.get("/checklists/<int:checklist_id>/pdf")
@require_roles(*ROLES)
def checklist_pdf(checklist_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id)
    language = request.args.get("lang") or checklist.language
    if language not in CONTENT_LANGUAGE_CODES:
        abort(404)
    link = services.active_links(checklist)[:1]
    doc = documents.checklist_document(
        checklist, language, link=link[0] if link else None, link_url=_link_url(link[0]) if link else ""
    )
    data = documents.render(doc)
    audit.record(audit.Action.DOWNLOAD, checklist, {"pdf": [None, language]}, label=services.checklist_label(checklist))
    db.session.commit()
    return _pdf(data, documents.filename(doc, checklist.procedure_version.content["code"]))


@bp.post("/checklists/<int:checklist_id>/links")
@require_roles(*ROLES)
def create_link(checklist_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)
    form = LinkForm()
    if not form.validate():
        return _checklist_page(checklist, 422, link_form=form)
    services.create_link(checklist, form.days.data)
    db.session.commit()
    flash(_("Link ready: show the QR code or send it by WhatsApp or e-mail."), "success")
    return redirect(url_for("permits.checklist", checklist_id=checklist.id, _anchor="link"))


def _link_of(checklist: Checklist, link_id: int) -> ChecklistLink:
    link = db.session.get(ChecklistLink, link_id)
    if link is None or link.checklist_id != checklist.id:
        abort(404)
    return link


@bp.post("/checklists/<int:checklist_id>/links/<int:link_id>/revoke")
@require_roles(*ROLES)
def revoke_link(checklist_id: int, link_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)
    services.revoke_link(_link_of(checklist, link_id), current_user)
    db.session.commit()
    flash(_("Link switched off: it now tells the person to ask the desk for a new one."), "success")
    return redirect(url_for("permits.checklist", checklist_id=checklist.id, _anchor="link"))


@bp.post("/checklists/<int:checklist_id>/links/<int:link_id>/email")
@require_roles(*ROLES)
def email_link(checklist_id: int, link_id: int):
    checklist = get_visible_or_404(Checklist, checklist_id, edit=True)
    link = _link_of(checklist, link_id)
    form = EmailLinkForm()
    if not link.is_active(services.utcnow()):
        form.form_errors.append(_("This link no longer works: make a new one."))
        return _checklist_page(checklist, 422, email_form=form)
    if not form.validate():
        return _checklist_page(checklist, 422, email_form=form)
    try:
        services.send_link_email(link, _link_url(link), form.email.data)
    except RuleError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _checklist_page(checklist, 422, email_form=form)
    db.session.commit()
    flash(_("E-mail sent to %(address)s.", address=form.email.data), "success")
    return redirect(url_for("permits.checklist", checklist_id=checklist.id, _anchor="link"))


# ---- the person's link (no login) -------------------------------------------------------------------


def _public_limit() -> str:
    return current_app.config["PUBLIC_LINK_RATE_LIMIT"]


def _public_language(checklist: Checklist | None) -> str:
    wanted = request.args.get("lang", "")
    if wanted in CONTENT_LANGUAGE_CODES:
        return wanted
    return checklist.language if checklist is not None else "it"


def _public_problem(lookup: services.LinkLookup):
    checklist = lookup.link.checklist if lookup.link is not None else None
    language = _public_language(checklist)
    t = services.Translator(language)
    message = t.label({"expired": "link_expired", "revoked": "link_revoked"}.get(lookup.problem, "link_invalid"))
    status = 404 if lookup.problem == "invalid" else 410
    return render_template("permits/public_problem.html", message=message, t=t, language=language), status


@public_bp.get("/<token>")
@public
@limiter.limit(_public_limit)
def page(token: str):
    lookup = services.resolve_token(token)
    if lookup.problem:
        return _public_problem(lookup)
    link = lookup.link
    checklist = link.checklist
    language = _public_language(checklist)
    doc = documents.checklist_document(checklist, language, link=link, link_url=request.base_url)
    services.record_opening(link, "page", language)
    db.session.commit()
    response = Response(
        render_template(
            "permits/public.html",
            doc=doc,
            token=token,
            languages=[(code, own_name(code)) for code in CONTENT_LANGUAGE_CODES],
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_bp.get("/<token>/pdf")
@public
@limiter.limit(_public_limit)
def pdf(token: str):
    lookup = services.resolve_token(token)
    if lookup.problem:
        return _public_problem(lookup)
    link = lookup.link
    checklist = link.checklist
    language = _public_language(checklist)
    link_url = url_for("checklist_link.page", token=token, _external=True)
    doc = documents.checklist_document(checklist, language, link=link, link_url=link_url)
    data = documents.render(doc)
    services.record_opening(link, "pdf", language)
    db.session.commit()
    response = _pdf(data, documents.filename(doc, checklist.procedure_version.content["code"]))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_bp.errorhandler(429)
def too_many_requests(error):
    language = request.args.get("lang", "") if request.args.get("lang", "") in CONTENT_LANGUAGE_CODES else "it"
    t = services.Translator(language)
    return render_template(
        "permits/public_problem.html", message=t.label("too_many_requests"), t=t, language=language
    ), 429
