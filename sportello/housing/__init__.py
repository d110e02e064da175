"""Housing search: needs, offers and their owners, suitability, viewings, contracts, rent support."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.cases import add_case_panel
    from sportello.core import audit
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import NavEntry, add_nav_entry
    from sportello.housing import models, offer_views, views

    # A case's housing search, its panel on the case page, and the housing board.
    app.register_blueprint(views.bp)
    add_nav_entry(app, NavEntry("housing", _l("Housing"), "housing.board", frozenset(models.STAFF_ROLES), "/housing"))
    add_case_panel(app, "housing/_case_panel.html", views.case_panel)
    # The owners' roster and the homes on offer.
    app.register_blueprint(offer_views.landlords_bp)
    app.register_blueprint(offer_views.offers_bp)

    audit.register_labels(
        "HousingNeed",
        _l("Housing need"),
        models.NEED_FIELDS,
        {"situation": models.Situation, "urgency": models.HousingUrgency, "stage": models.HousingStage},
    )
    audit.register_labels("Viewing", _l("Viewing"), models.VIEWING_FIELDS, {"outcome": models.ViewingOutcome})
    audit.register_labels("Tenancy", _l("Contract"), models.TENANCY_FIELDS, {"contract_type": models.ContractType})
    audit.register_labels(
        "SuitabilityCertificate",
        _l("Suitability certificate"),
        models.CERTIFICATE_FIELDS,
        {"status": models.CertificateStatus},
    )
    audit.register_labels("RentSupport", _l("Rent support"), models.SUPPORT_FIELDS, {"kind": models.SupportKind})
    audit.register_labels("Landlord", _l("Owner"), models.LANDLORD_FIELDS, {"kind": models.OfferKind})
    audit.register_labels(
        "HousingOffer",
        _l("Housing offer"),
        models.OFFER_FIELDS,
        {"kind": models.OfferKind, "status": models.OfferStatus},
    )
