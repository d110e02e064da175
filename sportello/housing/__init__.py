"""Housing search: needs, offers and their owners, suitability, viewings, contracts, rent support."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.housing import models  # noqa: F401

    _init_offers(app)


def _init_offers(app: Flask) -> None:
    """The offers side: the owners' roster and the homes on offer."""
    from flask_babel import lazy_gettext as _l

    from sportello.core import audit
    from sportello.housing import models, offer_views

    app.register_blueprint(offer_views.landlords_bp)
    app.register_blueprint(offer_views.offers_bp)
    audit.register_labels("Landlord", _l("Owner"), models.LANDLORD_FIELDS, {"kind": models.OfferKind})
    audit.register_labels(
        "HousingOffer",
        _l("Housing offer"),
        models.OFFER_FIELDS,
        {"kind": models.OfferKind, "status": models.OfferStatus},
    )
