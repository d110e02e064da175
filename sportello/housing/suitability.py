"""Housing suitability (idoneità alloggiativa): how many people a dwelling may house under the
Health Ministry decree of 5 July 1975 (arts. 2-3), as municipalities apply it for the
certificate that family reunification and the EU long-term permit ask for.

- Floor area: 14 m² for each of the first four inhabitants, 10 m² for each further one.
- A one-room flat (monostanza), bathroom included: at least 28 m² for one person, 38 m² for two.
- Bedrooms: at least 9 m² for one person, 14 m² for two; a smaller room is no bedroom.
- Every flat but a one-room one has a living room of at least 14 m².
- Ceilings at least 2.70 m high (2.55 m in mountain municipalities).

So, for example, 28-37 m² house one person, 38-41 m² two, 42-55 m² three, 56-65 m² four.
The decree's figures are the minimum; a municipality may apply stricter local rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sportello.core.i18n import lazy_gettext as _l

FIRST_FOUR_M2 = Decimal(14)
FURTHER_M2 = Decimal(10)
STUDIO_ONE_M2 = Decimal(28)
STUDIO_TWO_M2 = Decimal(38)
SINGLE_BEDROOM_M2 = Decimal(9)
DOUBLE_BEDROOM_M2 = Decimal(14)
LIVING_ROOM_M2 = Decimal(14)
MIN_HEIGHT_M = Decimal("2.70")
MOUNTAIN_MIN_HEIGHT_M = Decimal("2.55")


@dataclass
class Assessment:
    """How many people the dwelling may house, and why."""

    capacity: int
    by_area: int
    by_bedrooms: int | None
    reasons: list[Any] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)

    @property
    def suitable(self) -> bool:
        return self.capacity > 0

    def fits(self, people: int) -> bool:
        return 0 < people <= self.capacity


def people_for_area(area: Decimal, *, studio: bool) -> int:
    """The most people a floor area allows: 28 m² for one and 38 m² for two (the one-room
    minimum, which also bounds the smallest flats), 42 m² for three, 56 m² for four, then one
    more person for every further 10 m². A one-room flat houses two at most."""
    if area < STUDIO_ONE_M2:
        return 0
    if area < STUDIO_TWO_M2:
        return 1
    if studio or area < 3 * FIRST_FOUR_M2:
        return 2
    if area < 4 * FIRST_FOUR_M2:
        return 3
    return 4 + int((area - 4 * FIRST_FOUR_M2) // FURTHER_M2)


def people_for_bedroom(area: Decimal) -> int:
    if area >= DOUBLE_BEDROOM_M2:
        return 2
    if area >= SINGLE_BEDROOM_M2:
        return 1
    return 0


def assess(
    total_area: Decimal | None,
    *,
    studio: bool = False,
    bedrooms: list[Decimal] | None = None,
    living_room: Decimal | None = None,
    height: Decimal | None = None,
    mountain: bool = False,
) -> Assessment:
    """The dwelling's capacity from its floor area and, when known, its rooms.

    ``bedrooms`` are the bedrooms' areas; ``living_room`` the living room's (None if unknown);
    ``height`` the ceiling height. Unknown rooms are not held against the dwelling: the capacity
    then rests on the floor area alone, and the reasons say so.
    """
    if total_area is None or total_area <= 0:
        return Assessment(0, 0, None, problems=[_l("The floor area is needed to assess the dwelling.")])
    by_area = people_for_area(total_area, studio=studio)
    result = Assessment(by_area, by_area, None)
    if by_area == 0:
        result.problems.append(
            _l("Below the 28 m² a dwelling needs for one person (%(area)s m²).", area=_number(total_area))
        )
    else:
        result.reasons.append(
            _l("%(area)s m² are enough for %(num)s people.", area=_number(total_area), num=by_area)
            if by_area > 1
            else _l("%(area)s m² are enough for one person.", area=_number(total_area))
        )
    if height is not None:
        needed = MOUNTAIN_MIN_HEIGHT_M if mountain else MIN_HEIGHT_M
        if height < needed:
            result.problems.append(
                _l(
                    "Ceilings of %(height)s m are lower than the %(needed)s m required.",
                    height=_number(height),
                    needed=_number(needed),
                )
            )
            result.capacity = 0
    if studio:
        if by_area:
            result.reasons.append(_l("A one-room flat houses two people at most."))
        return result
    if living_room is not None and living_room < LIVING_ROOM_M2:
        result.problems.append(_l("The living room is smaller than 14 m² (%(area)s m²).", area=_number(living_room)))
        result.capacity = 0
    if bedrooms:
        by_bedrooms = sum(people_for_bedroom(area) for area in bedrooms)
        result.by_bedrooms = by_bedrooms
        small = [area for area in bedrooms if area < SINGLE_BEDROOM_M2]
        if small:
            result.problems.append(
                _l(
                    "A room under 9 m² does not count as a bedroom (%(areas)s m²).",
                    areas=", ".join(_number(area) for area in small),
                )
            )
        result.reasons.append(_l("The bedrooms sleep %(num)s.", num=by_bedrooms))
        result.capacity = min(result.capacity, by_bedrooms)
    else:
        result.reasons.append(_l("Rooms not measured: the capacity rests on the floor area alone."))
    return result


def _number(value: Decimal) -> str:
    from flask_babel import format_decimal

    return format_decimal(value, format="#,##0.##")
