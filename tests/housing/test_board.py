"""The housing board: cases by stage with counts and the first 20 of each, the most urgent first,
filtered by desk and urgency; offers by status; a constant number of queries; the menu entry."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from sportello.core.roles import Role
from sportello.housing import services
from sportello.housing.models import HousingStage, HousingUrgency, OfferStatus
from tests.conftest import text_of
from tests.housing.case_helpers import make_case, make_need, make_offer


def _fill(db, desk, make_person, n: int, stage=HousingStage.SEARCHING, urgency=HousingUrgency.WEEKS):
    for _ in range(n):
        make_need(db, make_case(db, desk, make_person(desk)), stage=stage, urgency=urgency)
    db.session.commit()


def test_the_board_counts_each_stage_and_shows_twenty(app, db, desk, other_desk, make_person, make_user):
    _fill(db, desk, make_person, 22)
    _fill(db, desk, make_person, 1, urgency=HousingUrgency.TONIGHT)
    _fill(db, desk, make_person, 2, stage=HousingStage.HOUSED)
    _fill(db, other_desk, make_person, 3, stage=HousingStage.VIEWING)
    make_offer(db)
    make_offer(db, status=OfferStatus.LET)
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        board = services.board(user)
        columns = {c.stage: c for c in board.columns}
        assert columns[HousingStage.SEARCHING].count == 23 and len(columns[HousingStage.SEARCHING].cards) == 20
        assert columns[HousingStage.SEARCHING].cards[0].need.urgency is HousingUrgency.TONIGHT
        assert columns[HousingStage.HOUSED].count == 2 and columns[HousingStage.VIEWING].count == 0
        assert dict(board.offers)[OfferStatus.AVAILABLE] >= 1 and dict(board.offers)[OfferStatus.LET] >= 1
        urgent = services.board(user, urgency="tonight")
        assert urgent.total == 1
        admin = make_user(Role.ADMIN)
        assert {c.stage: c.count for c in services.board(admin).columns}[HousingStage.VIEWING] >= 3
        assert services.board(admin, desk_id=other_desk.id).total == 3


def _queries(db, client, url) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_board_page_takes_the_same_queries_whatever_the_cases(client, login_as, db, desk, make_person):
    login_as(Role.COORDINATOR, language="en")
    _fill(db, desk, make_person, 1)
    few = _queries(db, client, "/housing/")
    for stage in HousingStage:
        _fill(db, desk, make_person, 3, stage=stage)
    make_offer(db, rent=Decimal("300"))
    db.session.commit()
    assert _queries(db, client, "/housing/") == few
    shown = text_of(client.get("/housing/?urgency=weeks"))
    assert "Housing board" in shown and "Contract signed" in shown and "Housed" in shown


def test_the_menu_has_housing_for_desk_staff_only(client, login_as):
    login_as(Role.OPERATOR, language="en")
    assert 'href="/housing/"' in client.get("/").get_data(as_text=True)


def test_a_bad_filter_is_refused(client, login_as):
    login_as(Role.OPERATOR, language="en")
    assert client.get("/housing/?urgency=someday").status_code == 422


def test_the_demo_fills_every_stage(app, db, desk, make_person, make_user):
    from sportello.housing.demo_cases import seed_housing_cases
    from sportello.housing.models import CertificateStatus, SuitabilityCertificate

    operator = make_user(Role.OPERATOR, [desk])
    for _ in range(8):
        make_case(db, desk, make_person(desk), operator_id=operator.id)
    with app.test_request_context():
        assert seed_housing_cases([]) == 8
        board = services.board(operator)
    assert all(column.count for column in board.columns), [(c.stage, c.count) for c in board.columns]
    statuses = set(db.session.scalars(sa.select(SuitabilityCertificate.status)))
    assert statuses == {CertificateStatus.ISSUED, CertificateStatus.REQUESTED}
