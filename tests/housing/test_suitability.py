"""The suitability rules of the DM 5 July 1975 against the worked examples: floor-area bands,
one-room flats, bedrooms, living rooms, ceiling heights, and homes whose rooms are not measured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sportello.housing.suitability import assess


def D(value) -> Decimal:
    return Decimal(str(value))


@pytest.fixture(autouse=True)
def _request(app):
    """The reasons are lazily translated messages: read them inside a request, in English."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.mark.parametrize(
    ("area", "people"),
    [
        ("27.9", 0),
        (28, 1),
        (37, 1),
        ("37.99", 1),
        (38, 2),
        (41, 2),
        (42, 3),
        (55, 3),
        (56, 4),
        (65, 4),
        (66, 5),
        (75, 5),
        (76, 6),
        (86, 7),
    ],
)
def test_floor_area_bands(area, people):
    result = assess(D(area))
    assert result.by_area == people
    assert result.capacity == people
    assert result.suitable is (people > 0)


def test_below_28_square_metres_is_unsuitable_and_says_why():
    result = assess(D("27.9"))
    assert result.capacity == 0 and not result.suitable
    assert any("28 m²" in str(problem) for problem in result.problems)


@pytest.mark.parametrize(("area", "people"), [(28, 1), (37, 1), (38, 2), (45, 2), (80, 2)])
def test_a_one_room_flat_houses_two_at_most(area, people):
    result = assess(D(area), studio=True)
    assert result.capacity == people
    assert any("two people at most" in str(reason) for reason in result.reasons)


def test_a_studio_ignores_the_living_room_rule():
    # A one-room flat has no separate living room: its single room is not held against it.
    assert assess(D(45), studio=True, living_room=D(10), bedrooms=[D(8)]).capacity == 2


@pytest.mark.parametrize(
    ("bedrooms", "people"),
    [([9], 1), ([14], 2), (["8.5"], 0), (["13.99"], 1), ([14, 9], 3), ([14, 14, 9], 5), ([9, 9, 9], 3)],
)
def test_bedrooms(bedrooms, people):
    # A large flat, so the bedrooms decide.
    result = assess(D(200), bedrooms=[D(a) for a in bedrooms], living_room=D(20))
    assert result.by_bedrooms == people
    assert result.capacity == people


def test_a_room_under_nine_square_metres_is_not_a_bedroom():
    result = assess(D(60), bedrooms=[D("8.5"), D(14)], living_room=D(18))
    assert result.by_bedrooms == 2 and result.capacity == 2
    assert any("under 9 m²" in str(problem) and "8.5" in str(problem) for problem in result.problems)


def test_the_capacity_is_the_lower_of_area_and_bedrooms():
    # 70 m² would house five; the bedrooms (14 + 9) sleep three.
    result = assess(D(70), bedrooms=[D(14), D(9)], living_room=D(18))
    assert (result.by_area, result.by_bedrooms, result.capacity) == (5, 3, 3)
    # 45 m² house three; bedrooms of 14 + 14 would sleep four.
    result = assess(D(45), bedrooms=[D(14), D(14)], living_room=D(14))
    assert (result.by_area, result.by_bedrooms, result.capacity) == (3, 4, 3)


def test_a_living_room_under_14_square_metres_makes_it_unsuitable():
    result = assess(D(70), bedrooms=[D(14), D(9)], living_room=D("13.5"))
    assert result.capacity == 0 and not result.suitable
    assert any("living room" in str(problem) for problem in result.problems)
    assert assess(D(70), bedrooms=[D(14), D(9)], living_room=D(14)).capacity == 3


def test_ceilings_lower_than_2_70_are_unsuitable_except_in_the_mountains():
    assert assess(D(60), height=D("2.70")).capacity == 4
    low = assess(D(60), height=D("2.60"))
    assert low.capacity == 0 and any("2.7" in str(p) for p in low.problems)
    assert assess(D(60), height=D("2.60"), mountain=True).capacity == 4
    assert assess(D(60), height=D("2.55"), mountain=True).capacity == 4
    assert assess(D(60), height=D("2.50"), mountain=True).capacity == 0


def test_without_rooms_the_area_alone_decides_and_the_reasons_say_so():
    result = assess(D(60))
    assert result.capacity == 4 and result.by_bedrooms is None
    assert any("floor area alone" in str(reason) for reason in result.reasons)


@pytest.mark.parametrize("area", [None, 0, -10])
def test_no_floor_area_no_assessment(area):
    result = assess(None if area is None else D(area))
    assert result.capacity == 0 and result.problems


def test_fits():
    result = assess(D(70), bedrooms=[D(14), D(9)], living_room=D(18))
    assert result.fits(3) and result.fits(1) and not result.fits(4) and not result.fits(0)
