"""``make bench``: time the named pages at two data sizes and count their SQL queries.

    python -m bench [--sizes 500,5000] [--repeat 30] [--database-url URL] [--out bench/results]
                    [--page "case page" --page "person page" ...]

The data is made by a process of its own, on a fresh SQLite file per size unless a PostgreSQL URL
is given (its public schema is emptied first); the pages are then timed through the test client
(no network) by an app started on that database. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from bench.generate import bench_config, build
from sportello import create_app
from sportello.auth.models import User
from sportello.config import database_url
from sportello.core.roles import Role
from sportello.extensions import db

ROOT = Path(__file__).resolve().parent.parent

# (name, who, path). Later parts add their pages here. {placeholders} are filled from the data.
PAGES = [
    ("login page", None, "/login"),
    ("home (operator)", Role.OPERATOR, "/"),
    ("people list", Role.OPERATOR, "/people/"),
    ("person search, fuzzy", Role.OPERATOR, "/people/?q={fuzzy}"),
    ("person search, common name", Role.OPERATOR, "/people/?q=Mohammed"),
    ("person search, codice fiscale", Role.OPERATOR, "/people/?fiscal_code={fiscal_code}"),
    ("people to renew", Role.OPERATOR, "/people/?renewal=y"),
    ("person page", Role.OPERATOR, "/people/{person_id}"),
    ("person edit form", Role.OPERATOR, "/people/{person_id}/edit"),
    ("case list", Role.OPERATOR, "/cases/"),
    ("case list, filtered", Role.OPERATOR, "/cases/?status=active&track=housing"),
    ("case list, by name", Role.OPERATOR, "/cases/?q={fuzzy}&status="),
    ("case list, case number", Role.OPERATOR, "/cases/?reference={case_reference}&status="),
    ("case page", Role.OPERATOR, "/cases/{case_id}"),
    ("agenda", Role.OPERATOR, "/cases/agenda"),
    ("home (mediator)", Role.MEDIATOR, "/"),
    ("mediation requests", Role.OPERATOR, "/mediation/"),
    ("mediation request page", Role.OPERATOR, "/mediation/requests/{request_id}"),
    ("timesheet, a month (mediator)", Role.MEDIATOR, "/mediation/timesheets/{mediator_id}/{last_month}"),
    ("timesheet, a month (coordinator)", Role.COORDINATOR, "/mediation/timesheets/{mediator_id}/{last_month}"),
    ("timesheets overview", Role.COORDINATOR, "/mediation/timesheets/"),
    ("mediators list", Role.OPERATOR, "/mediation/mediators/"),
    ("housing board", Role.COORDINATOR, "/housing/"),
    ("housing matches", Role.OPERATOR, "/housing/cases/{housing_case_id}/matches"),
    ("housing offers", Role.OPERATOR, "/housing/offers/"),
    ("housing offers, filtered", Role.OPERATOR, "/housing/offers/?people=3&max_rent=700&sort=rent"),
    ("housing offer page", Role.OPERATOR, "/housing/offers/{offer_id}"),
    ("housing owners", Role.OPERATOR, "/housing/owners/"),
    ("jobs board", Role.COORDINATOR, "/jobs/"),
    ("job candidates", Role.OPERATOR, "/jobs/offers/{job_offer_id}/candidates"),
    ("job offers for a case", Role.OPERATOR, "/jobs/cases/{jobs_case_id}/offers"),
    ("users list", Role.ADMIN, "/admin/users"),
    ("users list, search", Role.ADMIN, "/admin/users?q=an&state=all"),
    ("user edit form", Role.ADMIN, "/admin/users/{user_id}"),
    ("desks list", Role.ADMIN, "/admin/desks"),
    ("audit trail (admin)", Role.ADMIN, "/admin/audit"),
    ("audit trail, filtered", Role.ADMIN, "/admin/audit?action=update&q=a"),
    ("audit trail (coordinator)", Role.COORDINATOR, "/admin/audit"),
]

# What every page must meet at the largest size.
BUDGET_P95_MS = 250.0
BUDGET_QUERIES = 18  # one query per kind of row a page shows (the case page shows ten kinds)
# The targets of issue 3: the person page, case list, case page and home page within 30 ms at
# p95, fuzzy search within 50 ms and at most 3x the exact codice fiscale lookup.
FAST_PAGES = {
    "person page": 30.0,
    "home (operator)": 30.0,
    "person search, fuzzy": 50.0,
    "case list": 30.0,
    "case list, filtered": 30.0,
    "case page": 30.0,
    # Issue 5: the mediator's home page within 30 ms at 200 mediators and 200,000 sessions.
    "home (mediator)": 30.0,
    "timesheet, a month (mediator)": 30.0,
    "timesheet, a month (coordinator)": 30.0,
    # Issue 6: the housing board and the matching page at 20,000 offers and 100,000 people.
    "housing board": 50.0,
    "housing matches": 50.0,
    # Issue 7: the employment board and matching both ways at 20,000 offers and 100,000 people.
    "jobs board": 50.0,
    "job candidates": 50.0,
    "job offers for a case": 50.0,
}
FUZZY_VS_EXACT = 3.0
# Requests to a page before it is timed: a page is timed as a running server serves it. On
# PostgreSQL a connection prepares a statement at its fifth run (psycopg), and the server plans it
# afresh for five more before it keeps a generic plan: until then the case page takes 25-30 ms
# instead of 15-16.
WARM_UP = 12


@dataclass
class Measure:
    page: str
    size: int
    median_ms: float
    p95_ms: float
    queries: int
    status: int

    @property
    def within_budget(self) -> bool:
        limit = FAST_PAGES.get(self.page, BUDGET_P95_MS)
        return self.p95_ms <= limit and self.queries <= BUDGET_QUERIES and self.status == 200


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _login(app, role: Role | None):
    client = app.test_client()
    if role is None:
        return client
    with app.app_context():
        email = db.session.scalar(
            sa.select(User.email).where(User.role == role, User.active.is_(True)).order_by(User.id).limit(1)
        )
    response = client.post("/login", data={"email": email, "password": "bench-password-1"})
    assert response.status_code == 302, f"bench login as {role} failed: {response.status_code}"
    return client


def _placeholders() -> dict[str, str]:
    """Real values for the pages' placeholders: records the benchmark operator may see."""
    from sportello.auth.models import Desk
    from sportello.people.models import Person

    operator = db.session.scalars(
        sa.select(User).where(User.role == Role.OPERATOR, User.active.is_(True)).order_by(User.id).limit(1)
    ).one()
    visible = Person.visible_to(operator)
    person = db.session.scalars(visible.where(Person.family_name_original != "").order_by(Person.id).limit(1)).one()
    with_code = db.session.scalars(visible.where(Person.fiscal_code != "").order_by(Person.id).limit(1)).one()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Desk))
    from sportello.cases.models import Case

    case = db.session.scalars(
        Case.visible_to(operator).where(Case.status == "open").order_by(Case.id.desc()).limit(1)
    ).one()
    from sportello.core.forms import today
    from sportello.mediation.models import MediationRequest, Mediator

    mediator_user = db.session.scalars(
        sa.select(User).where(User.role == Role.MEDIATOR, User.active.is_(True)).order_by(User.id).limit(1)
    ).one()
    mediator = db.session.scalars(sa.select(Mediator).where(Mediator.user_id == mediator_user.id)).one()
    first_of_month = today().replace(day=1)
    last_month = first_of_month - timedelta(days=1)

    request = db.session.scalars(
        MediationRequest.visible_to(operator).order_by(MediationRequest.on_date.desc()).limit(1)
    ).one()
    from sportello.housing.models import HousingNeed, HousingOffer

    housing_case = db.session.scalars(
        Case.visible_to(operator)
        .join(HousingNeed, HousingNeed.case_id == Case.id)
        .where(Case.status == "open")
        .order_by(Case.id.desc())
        .limit(1)
    ).one()
    offer_id = db.session.scalar(sa.select(HousingOffer.id).order_by(HousingOffer.id.desc()).limit(1))
    jobs = _jobs_placeholders(operator)
    return {
        **jobs,
        "housing_case_id": str(housing_case.id),
        "offer_id": str(offer_id),
        "request_id": str(request.id),
        "mediator_id": str(mediator.id),
        "last_month": f"{last_month.year}/{last_month.month}",
        "case_id": str(case.id),
        "case_reference": case.reference,
        "user_id": str(db.session.scalar(sa.select(User.id).order_by(User.id.desc()).limit(1))),
        "person_id": str(person.id),
        # The name in its original script, family name first: transliteration and word order.
        "fuzzy": f"{person.family_name_original} {person.given_names_original}".strip(),
        "fiscal_code": with_code.fiscal_code,
    }


def _jobs_placeholders(operator) -> dict[str, str]:
    """The heaviest ordinary cases of matching: an open offer that asks for nothing special (the
    most candidates), and a case of the operator whose person is ready to work anywhere (the most
    offers)."""
    from sportello.cases.models import Case
    from sportello.core.forms import today
    from sportello.jobs.models import Hours, JobOffer, OfferStatus, SkillsProfile, Travel

    job_offer_id = db.session.scalar(
        sa.select(JobOffer.id)
        .where(
            JobOffer.status == OfferStatus.OPEN,
            JobOffer.closes_on >= today(),
            JobOffer.min_italian_rank == 0,
            JobOffer.licence.is_(None),
            JobOffer.nights.is_(False),
            JobOffer.weekends.is_(False),
            JobOffer.hours == Hours.EITHER,
        )
        .order_by(JobOffer.id)
        .limit(1)
    )
    jobs_case = db.session.scalars(
        Case.visible_to(operator)
        .join(SkillsProfile, SkillsProfile.person_id == Case.person_id)
        .where(
            Case.status == "open",
            SkillsProfile.travel == Travel.ANYWHERE,
            SkillsProfile.italian_rank >= 4,
            SkillsProfile.nights.is_(True),
            SkillsProfile.weekends.is_(True),
        )
        .order_by(Case.id.desc())
        .limit(1)
    ).one()
    return {"job_offer_id": str(job_offer_id), "jobs_case_id": str(jobs_case.id)}


def measure_size(url: str, size: int, repeat: int, pages: list[tuple] = PAGES) -> list[Measure]:
    # The data is made by a process of its own. The pages are timed by an app started on the
    # database at rest, as a server starts, not by the process that has just made 100,000 people:
    # its memory full of what the load left, each garbage collection there walks all of it.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        counts = pool.submit(build, url, size).result()
    app = create_app(bench_config(url))
    with app.app_context():
        values = _placeholders()
        engine = db.engine
    print(f"  data: {counts}")
    queries = 0

    def count(*args, **kwargs):
        nonlocal queries
        queries += 1

    event.listen(engine, "before_cursor_execute", count)
    clients = {}
    results = []
    try:
        for name, role, path in pages:
            client = clients.get(role) or clients.setdefault(role, _login(app, role))
            path = path.format(**values)
            for _ in range(WARM_UP):
                client.get(path)
            timings, status = [], 0
            for _ in range(repeat):
                queries = 0
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                status = response.status_code
            results.append(Measure(name, size, statistics.median(timings), _p95(timings), queries, status))
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="people per run, comma-separated")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="folder for the JSON results")
    parser.add_argument("--page", action="append", default=[], help="only this page, by name (repeatable)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = args.page
    unknown = set(wanted) - {name for name, _, _ in PAGES}
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    pages = [page for page in PAGES if page[0] in wanted] if wanted else PAGES

    results: list[Measure] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            url = database_url(args.database_url) if args.database_url else f"sqlite:///{tmp}/bench-{size}.sqlite"
            print(f"size {size} on {url.split(':')[0]}")
            results.extend(measure_size(url, size, args.repeat, pages))

    print()
    print(f"{'page':<28}{'size':>7}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'status':>8}  budget")
    for m in results:
        verdict = "ok" if m.within_budget else "OVER"
        print(f"{m.page:<28}{m.size:>7}{m.median_ms:>11.1f}{m.p95_ms:>9.1f}{m.queries:>9}{m.status:>8}  {verdict}")

    largest = max(sizes)
    over = [m for m in results if m.size == largest and not m.within_budget]
    for size in sizes:
        by_page = {m.page: m for m in results if m.size == size}
        fuzzy, exact = by_page.get("person search, fuzzy"), by_page.get("person search, codice fiscale")
        if fuzzy and exact:
            ratio = fuzzy.p95_ms / exact.p95_ms
            verdict = "ok" if ratio <= FUZZY_VS_EXACT else "OVER"
            print(f"size {size}: fuzzy search p95 = {ratio:.1f} x exact lookup (limit {FUZZY_VS_EXACT}): {verdict}")
            if size == largest and ratio > FUZZY_VS_EXACT:
                over.append(fuzzy)
    small, large = min(sizes), largest
    for page in FAST_PAGES:
        q_small = next((m.queries for m in results if m.size == small and m.page == page), None)
        q_large = next((m.queries for m in results if m.size == large and m.page == page), None)
        if q_small is not None and q_small != q_large:
            print(f"{page}: {q_small} queries at {small} but {q_large} at {large}: OVER")
            over.append(next(m for m in results if m.size == large and m.page == page))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "database": "postgresql" if args.database_url else "sqlite",
        "repeat": args.repeat,
        "budget": {"p95_ms": BUDGET_P95_MS, "queries": BUDGET_QUERIES},
        "results": [asdict(m) | {"within_budget": m.within_budget} for m in results],
    }
    (out / "latest.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"\nwritten {out / 'latest.json'}")
    if over:
        print(f"over budget at size {largest}: {', '.join(m.page for m in over)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
