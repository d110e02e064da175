"""Permits: the procedure catalog and its translations, a person's document checklists,
their PDFs and leaflets, and the person's link."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.cases import add_case_panel
    from sportello.core import audit
    from sportello.core.home import add_home_section
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import AdminLink, NavEntry, add_admin_link, add_nav_entry
    from sportello.core.roles import Role
    from sportello.core.signals import document_obtained
    from sportello.permits import cli, editor_views, models, services, translation_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public_bp)
    app.register_blueprint(editor_views.bp)
    app.register_blueprint(translation_views.bp)
    app.cli.add_command(cli.permits_cli)
    add_nav_entry(
        app, NavEntry("permits", _l("Permits"), "permits.index", frozenset(services.PERMIT_ROLES), "/permits")
    )
    # Mediators reach the translation screens and nothing else of permits: their own menu entry.
    add_nav_entry(
        app,
        NavEntry(
            "translations",
            _l("Translations"),
            "permit_translations.index",
            frozenset({Role.MEDIATOR}),
            "/permits/translations",
        ),
    )
    add_admin_link(
        app,
        AdminLink(
            _l("Content translations"),
            _l("Coverage of the 20 languages of checklists and leaflets; review, PO export and import."),
            "permit_translations.index",
            frozenset({Role.ADMIN, Role.COORDINATOR}),
        ),
    )
    add_case_panel(app, "permits/_case_checklists.html", services.case_checklists_panel)
    add_home_section(app, "checklists", services.checklists_home_section)
    # A housing-suitability certificate issued by the municipality ticks the checklists' item.
    document_obtained.connect(_document_obtained, weak=False)

    audit.register_labels(
        "Checklist",
        models.CHECKLIST_TITLE,
        models.CHECKLIST_FIELDS,
        {"status": models.ChecklistStatus, "filing_place": models.FilingPlace},
    )
    audit.register_labels("ChecklistItem", _l("Checklist document"), models.ITEM_FIELDS, {"status": models.ItemStatus})
    audit.register_labels("ChecklistLink", _l("Checklist link"), models.LINK_FIELDS)
    audit.register_labels(
        "ContentTranslation", _l("Translation"), models.TRANSLATION_FIELDS, {"status": models.TranslationStatus}
    )
    audit.register_labels("ProcedureVersion", _l("Procedure version"), models.VERSION_FIELDS)
    audit.register_labels("Procedure", _l("Procedure"), models.PROCEDURE_FIELDS)


def _document_obtained(case, **details) -> None:
    from sportello.permits import services

    services.document_obtained(case, code=details["code"], note=details["note"])
