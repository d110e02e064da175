"""The content translation screens: coverage per language, one language's strings, editing one
translation, and PO export and import. Who may do what is decided in ``permits.translations``."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sportello.core.concurrency import StaleEdit, conflict_rows
from sportello.core.exceptions import FieldError
from sportello.core.forms import add_field_error, select_choices
from sportello.core.i18n import gettext as _
from sportello.core.languages import review_languages_of
from sportello.core.permissions import require_roles
from sportello.extensions import db
from sportello.permits import translations
from sportello.permits.content import DIRECTIONS, shown_placeholders
from sportello.permits.forms import PoImportForm, TranslationFilterForm, TranslationForm
from sportello.permits.models import ContentString, ContentTranslation, TranslationStatus

bp = Blueprint("permit_translations", __name__, url_prefix="/permits/translations")

ROLES = tuple(translations.VIEW_ROLES)


def _language_or_404(language: str) -> str:
    if language not in translations.TARGET_LANGUAGES:
        abort(404)
    return language


def _translator_or_403(language: str) -> str:
    language = _language_or_404(language)
    if not translations.can_translate(current_user, language):
        abort(403)
    return language


def _common(language: str) -> dict:
    return {
        "language": language,
        "direction": DIRECTIONS.get(language, "ltr"),
        "can_translate": translations.can_translate(current_user, language),
    }


@bp.get("/")
@require_roles(*ROLES)
def index():
    return render_template(
        "permits/translations.html",
        coverage=translations.coverage(),
        # The languages the user works in (administrators edit all without any).
        mine=[
            code
            for code in translations.translatable_languages(current_user)
            if code in review_languages_of(current_user)
        ],
    )


def _filter_form() -> TranslationFilterForm:
    form = TranslationFilterForm(request.args)
    form.status.choices = select_choices(translations.StatusFilter.choices())
    return form


@bp.get("/<language>")
@require_roles(*ROLES)
def strings(language: str):
    language = _language_or_404(language)
    form = _filter_form()
    page = rows = None
    if form.validate():
        status = translations.StatusFilter(form.status.data or "all")
        query = translations.strings_query(language, status, form.q.data or "")
        page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
        rows = translations.rows_for(page.items, language)
    return render_template(
        "permits/translation_list.html",
        form=form,
        page=page,
        rows=rows,
        coverage=translations.coverage_of(language),
        import_form=PoImportForm(formdata=None),
        **_common(language),
    ), (200 if page is not None else 422)


def _string_or_404(string_id: int) -> ContentString:
    string = db.session.get(ContentString, string_id)
    if string is None:
        abort(404)
    return string


def _form_for(translation: ContentTranslation | None, **kwargs) -> TranslationForm:
    """The edit form filled from a stored translation (or empty for a missing one)."""
    if translation is None:
        return TranslationForm(text="", reviewed=False, version=translations.NEW, **kwargs)
    return TranslationForm(
        text=translation.text,
        reviewed=translation.status is TranslationStatus.REVIEWED,
        version=translation.version,
        **kwargs,
    )


@bp.route("/<language>/<int:string_id>", methods=["GET", "POST"])
@require_roles(*ROLES)
def edit(language: str, string_id: int):
    language = _translator_or_403(language)
    string = _string_or_404(string_id)
    if request.method == "GET":
        form = _form_for(translations.find_translation(string.id, language))
    else:
        form = TranslationForm()
    conflict = None
    status = 200
    if form.validate_on_submit():
        try:
            translations.save_translation(
                string, language, current_user, form.text.data, form.reviewed.data, version=form.version.data
            )
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
            status = 422
        except (StaleEdit, StaleDataError, IntegrityError):
            # Saved by someone else since this form was loaded, or added by someone else at the
            # same time: their version beside this one, nothing typed lost.
            db.session.rollback()
            saved = translations.find_translation(string.id, language)
            conflict = conflict_rows(form, _form_for(saved, formdata=None))
            form.version.data = saved.version if saved is not None else translations.NEW
            status = 409
        else:
            flash(_("Translation saved."), "success")
            return redirect(url_for("permit_translations.strings", language=language, _anchor=f"s{string.id}"))
    elif request.method == "POST":
        status = 422
    # The translation is typed in its own language and direction.
    form.text.render_kw = {**(form.text.render_kw or {}), "lang": language, "dir": DIRECTIONS.get(language, "ltr")}
    return render_template(
        "permits/translation_form.html",
        form=form,
        string=string,
        row=translations.row_of(string, language),
        placeholders=shown_placeholders(string.source),
        conflict=conflict,
        **_common(language),
    ), status


@bp.get("/<language>/export.po")
@require_roles(*ROLES)
def export(language: str):
    language = _language_or_404(language)
    data = translations.export_file(language)
    db.session.commit()
    response = Response(data, mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f'attachment; filename="{translations.filename(language)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<language>/import")
@require_roles(*ROLES)
def import_po(language: str):
    language = _translator_or_403(language)
    form = PoImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = translations.import_file(form.file.data.read(), language, current_user, form.reviewed.data)
        except FieldError as error:
            db.session.rollback()
            add_field_error(form, error)
        else:
            db.session.commit()
    return render_template(
        "permits/translation_import.html", form=form, import_form=form, report=report, **_common(language)
    ), (200 if report is not None else 422)
