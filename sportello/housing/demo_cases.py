"""Demo housing searches on the demo cases (see ``sportello.demo``): a need on eight open cases,
so the housing board shows every stage, with viewings, an accepted offer, two contracts, an issued
and a pending suitability certificate, and rent support.

Made through the services, as an operator would, so the stages, the offers' statuses, the
housing tracks and the permit checklists follow the same rules. Offers are recorded on the day
the demo is seeded, so viewings and contracts happen from that day on.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.auth.models import User
from sportello.cases.models import Case, CaseStatus
from sportello.core.forms import today
from sportello.extensions import db
from sportello.housing import services
from sportello.housing.models import (
    CertificateStatus,
    HousingOffer,
    OfferKind,
    OfferStatus,
    ViewingOutcome,
)

# (household size, situation, budget, areas, bedrooms, step-free, urgency, notes, stage to reach,
#  something more: a guarantee fund, a viewing the household declined). Every stage comes first,
# so fewer demo cases still fill the board.
NEEDS = [
    (1, "street", "0", "", 0, False, "tonight", "Dorme in stazione. Chiede un letto per stanotte.", "assessed", ""),
    (
        4,
        "cas",
        "550",
        "Ravenna\nCervia",
        2,
        False,
        "weeks",
        "Esce dal CAS alla fine del mese prossimo.",
        "searching",
        "",
    ),
    (3, "renting", "600", "Ravenna", 1, True, "autonomy", "Il padre usa la sedia a rotelle.", "viewing", ""),
    (5, "hosted", "700", "Ravenna\nFaenza\nLugo", 2, False, "weeks", "Ricongiungimento in programma.", "accepted", ""),
    (3, "cas", "650", "", 1, False, "autonomy", "Entrambi i genitori lavorano a Ravenna.", "contract", ""),
    (2, "renting", "550", "", 1, False, "autonomy", "Lascia una stanza condivisa.", "housed", ""),
    (
        2,
        "hosted",
        "450",
        "Faenza",
        1,
        False,
        "weeks",
        "Ospite di un cugino; l'appartamento è sovraffollato.",
        "searching",
        "guarantee",
    ),
    (2, "sai", "500", "", 1, False, "weeks", "SAI project ends in three months.", "viewing", "declined"),
]


def _demo_offers() -> list[HousingOffer]:
    """Offers for trying the case side alone, when no offers were seeded."""
    offers = []
    for n, (municipality, rent, area, bedrooms) in enumerate(
        [
            ("Ravenna", "480", "62", 2),
            ("Ravenna", "560", "75", 2),
            ("Faenza", "420", "48", 1),
            ("Lugo", "390", "58", 2),
            ("Cervia", "520", "66", 2),
            ("Ravenna", "650", "90", 3),
        ],
        start=1,
    ):
        offer = HousingOffer(
            kind=OfferKind.PRIVATE,
            address=f"Via dei Mille {n * 7}",
            municipality=municipality,
            rent=Decimal(rent),
            deposit=Decimal(rent) * 2,
            total_area=Decimal(area),
            available_from=today(),
            status=OfferStatus.AVAILABLE,
            capacity=4 + (int(area) - 56) // 10 if int(area) >= 56 else 3,
            bedroom_count=bedrooms,
            accessible=n == 2,
        )
        db.session.add(offer)
        offers.append(offer)
    db.session.flush()
    return offers


def seed_housing_cases(offers: list[HousingOffer]) -> int:
    """Needs on the first open demo cases, one stage after another; returns how many."""
    day = today()
    cases = list(
        db.session.scalars(sa.select(Case).where(Case.status == CaseStatus.OPEN).order_by(Case.id).limit(len(NEEDS)))
    )
    if not cases:
        return 0
    available = [o for o in (offers or _demo_offers()) if o.status is OfferStatus.AVAILABLE]
    if len(available) < 5:
        available += _demo_offers()
    fallback = db.session.scalars(sa.select(User).order_by(User.id).limit(1)).one()
    made = 0
    for case, (size, situation, budget, areas, bedrooms, step_free, urgency, notes, stage, extra) in zip(
        cases, NEEDS, strict=False
    ):
        user = case.operator or fallback
        values = {
            "household_size": size,
            "situation": situation,
            "budget": Decimal(budget),
            "areas": areas,
            "bedrooms": bedrooms,
            "accessible": step_free,
            "urgency": urgency,
            "stage": "searching" if stage != "assessed" else "assessed",
            "notes": notes,
        }
        need = services.create_need(case, values, user)
        made += 1
        if stage in ("assessed", "searching"):
            if extra == "guarantee":
                services.add_support(
                    case,
                    {
                        "kind": "guarantee",
                        "amount": Decimal("1500"),
                        "granted_on": day,
                        "provider": "Fondo di garanzia del Comune",
                    },
                    user,
                )
            continue
        offer = available.pop(0)
        if stage == "viewing":
            if extra == "declined":
                declined = available.pop(0)
                services.add_viewing(
                    case,
                    declined,
                    {
                        "on_date": day,
                        "who_went": "La coppia e l'operatrice",
                        "outcome": "declined",
                        "note": "Troppo lontano dalla linea dell'autobus.",
                    },
                    user,
                )
            services.add_viewing(
                case, offer, {"on_date": day + timedelta(days=2), "who_went": "", "outcome": "planned"}, user
            )
            continue
        viewing = services.add_viewing(
            case,
            offer,
            {"on_date": day, "who_went": "Il nucleo con la mediatrice", "outcome": ViewingOutcome.INTERESTED.value},
            user,
        )
        db.session.flush()
        services.accept_offer(viewing, user, version=viewing.version)
        if stage == "accepted":
            continue
        starts = day if stage == "housed" else day + timedelta(days=15)
        services.add_tenancy(
            case,
            offer,
            {
                "contract_type": "agreed" if stage == "housed" else "free",
                "signed_on": day,
                "starts_on": starts,
                "ends_on": starts + timedelta(days=3 * 365),
                "rent": offer.rent,
                "registered_on": day if stage == "housed" else None,
            },
            user,
        )
        certificate = services.request_certificate(
            case,
            {
                "address": offer.address,
                "municipality": offer.municipality,
                "people": need.household_size,
                "requested_on": day,
                "offer_id": offer.id,
            },
            user,
        )
        if stage == "housed":
            db.session.flush()
            services.decide_certificate(
                certificate,
                {"status": CertificateStatus.ISSUED.value, "number": f"{day.year}/0{case.id}17", "decided_on": day},
                user,
                version=certificate.version,
            )
            services.add_support(
                case,
                {
                    "kind": "contribution",
                    "amount": Decimal("150"),
                    "granted_on": day,
                    "until": day + timedelta(days=365),
                    "provider": "Comune di Ravenna",
                    "note": "Contributo mensile per il primo anno.",
                },
                user,
            )
    db.session.flush()
    return made
