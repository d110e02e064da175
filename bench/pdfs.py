"""``make bench`` (second part): checklist PDFs and leaflets.

    python -m bench.pdfs [--repeat 20] [--out bench/results]

- A person's checklist PDF through the app (login, permission check, queries, template, QR code,
  WeasyPrint, audit entry), warm, against WeasyPrint rendering the same HTML directly with its
  defaults, in the same run. Target: at most 1.15x.
- The first checklist PDF in a fresh process: the app warms the PDF engine up in the background
  when a server starts (core.pdf.warm_up); measured with and without it. Target: under 1 s.
- All 10 procedures x 20 languages as blank leaflets, in a child process: total time and peak
  memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ar", "zh", "it", "bn")


def _app(path: Path):
    import flask_migrate

    from sportello import create_app
    from sportello.config import TestingConfig

    config = type("BenchPdfConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _prepare(app) -> dict[str, int]:
    """A desk, an operator, a person, a case, and a checklist per measured language."""
    from sportello.auth import services as auth
    from sportello.cases import services as cases
    from sportello.core.forms import today
    from sportello.core.roles import Role
    from sportello.extensions import db
    from sportello.people.models import Person
    from sportello.permits import services
    from sportello.permits.catalog import load_catalog

    with app.app_context():
        load_catalog()
        desk = auth.create_desk(
            {"name": "Bench desk", "code": "BD", "municipality": "Ravenna", "address": "Via Roma 1", "active": True}
        )
        user, _ = auth.create_user(
            name="Bench", email="bench@example.org", role=Role.OPERATOR, desks=[desk], language="it"
        )
        user.password_hash = auth.hash_password("bench-password-1")
        user.must_change_password = False
        person = Person(
            desk_id=desk.id,
            given_names="Amina",
            family_name="Rahman",
            preferred_language="ar",
            permit_expires_on=today() + timedelta(days=40),
        )
        db.session.add(person)
        db.session.flush()
        case = cases.open_case(person, desk, {"opened_on": today()}, user)
        version = services.version_of(services.procedure_by_code("RIN_LAV_SUB"))
        ids = {}
        for language in LANGUAGES:
            checklist = services.start_checklist(case, version, {"domestic_worker": True}, language)
            services.create_link(checklist)
            ids[language] = checklist.id
        db.session.commit()
        return ids


def _login(client) -> None:
    response = client.post("/login", data={"email": "bench@example.org", "password": "bench-password-1"})
    assert response.status_code == 302, response.status_code


def warm(repeat: int) -> list[dict]:
    import weasyprint

    from sportello.permits import documents
    from sportello.permits.models import Checklist

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp) / "bench.sqlite")
        ids = _prepare(app)
        client = app.test_client()
        _login(client)
        for language, checklist_id in ids.items():
            url = f"/permits/checklists/{checklist_id}/pdf"
            assert client.get(url).status_code == 200  # warm: fonts configured, templates compiled
            with app.test_request_context():
                checklist = app.extensions["sqlalchemy"].session.get(Checklist, checklist_id)
                html = documents.render_html(documents.checklist_document(checklist))
            weasyprint.HTML(string=html).write_pdf()
            app_times, direct_times = [], []
            for _ in range(repeat):
                # Interleaved, so both see the same machine load.
                started = time.perf_counter()
                response = client.get(url)
                app_times.append(time.perf_counter() - started)
                assert response.status_code == 200 and response.data.startswith(b"%PDF")
                started = time.perf_counter()
                weasyprint.HTML(string=html).write_pdf()
                direct_times.append(time.perf_counter() - started)
            app_ms, direct_ms = statistics.median(app_times) * 1000, statistics.median(direct_times) * 1000
            out.append(
                {
                    "language": language,
                    "app_median_ms": round(app_ms, 1),
                    "weasyprint_median_ms": round(direct_ms, 1),
                    "ratio": round(app_ms / direct_ms, 3),
                }
            )
    return out


FIRST_PDF = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench.pdfs import _app, _login
app = _app(Path({db!r}))
if {warm}:
    # As a server does: the engine warms up while the app starts, before anyone asks.
    from sportello.core import pdf
    pdf.warm_up(app).join()
client = app.test_client()
_login(client)
started = time.perf_counter()
response = client.get("/permits/checklists/{checklist_id}/pdf")
elapsed = time.perf_counter() - started
assert response.status_code == 200 and response.data.startswith(b"%PDF")
print(elapsed)
"""


def first_pdf() -> dict:
    """A new process renders its first checklist PDF (imports, font configuration included)."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "first.sqlite"
        app = _app(db_path)
        ids = _prepare(app)
        results = {}
        for language in ("ar", "zh"):
            row = {}
            for warm in (True, False):
                code = FIRST_PDF.format(root=str(ROOT), db=str(db_path), checklist_id=ids[language], warm=warm)
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                process = time.perf_counter() - started
                key = "" if warm else "_without_warm_up"
                row[f"first_pdf_s{key}"] = round(float(done.stdout.strip().splitlines()[-1]), 3)
                row[f"whole_process_s{key}"] = round(process, 2)
            results[language] = row
        return results


LEAFLETS = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench.pdfs import _app
from sportello.permits.catalog import load_catalog
app = _app(Path({db!r}))
with app.app_context():
    load_catalog()
    from sportello.extensions import db
    db.session.commit()
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["permits", "leaflets", "--lang", "all", "--out", {out!r}])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def leaflets() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "leaflets"
        code = LEAFLETS.format(root=str(ROOT), db=str(Path(tmp) / "leaflets.sqlite"), out=str(out))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        elapsed, peak_kib = done.stdout.strip().splitlines()[-1].split()
        files = list(out.rglob("*.pdf"))
        return {
            "leaflets": len(files),
            "total_s": round(float(elapsed), 1),
            "per_leaflet_ms": round(1000 * float(elapsed) / max(len(files), 1), 1),
            "peak_memory_mib": round(int(peak_kib) / 1024),
            "total_size_mib": round(sum(f.stat().st_size for f in files) / 2**20, 1),
        }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdfs", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed renders per language")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="folder for the JSON results")
    args = parser.parse_args()

    results = {"machine": platform.platform(), "python": platform.python_version()}
    print("== checklist PDF, warm: through the app vs WeasyPrint on the same HTML (target <= 1.15x) ==")
    results["warm"] = warm(args.repeat)
    for row in results["warm"]:
        verdict = "ok" if row["ratio"] <= 1.15 else "OVER"
        print(
            f"  {row['language']:>3}: app {row['app_median_ms']:7.1f} ms"
            f"   weasyprint {row['weasyprint_median_ms']:7.1f} ms   ratio {row['ratio']:.3f}  {verdict}"
        )
    print("== first checklist PDF in a fresh process (target < 1 s) ==")
    results["first"] = first_pdf()
    for language, row in results["first"].items():
        verdict = "ok" if row["first_pdf_s"] < 1 else "OVER"
        print(
            f"  {language:>3}: {row['first_pdf_s']:.3f} s with the start-up warm-up"
            f" ({row['first_pdf_s_without_warm_up']:.3f} s without; whole process {row['whole_process_s']:.2f} s)"
            f"  {verdict}"
        )
    print("== all procedures x all languages as leaflets ==")
    results["leaflets"] = leaflets()
    row = results["leaflets"]
    print(
        f"  {row['leaflets']} leaflets in {row['total_s']} s ({row['per_leaflet_ms']} ms each), "
        f"peak memory {row['peak_memory_mib']} MiB, {row['total_size_mib']} MiB of PDFs"
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"pdfs-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written {path}")
    failed = any(r["ratio"] > 1.15 for r in results["warm"]) or any(
        r["first_pdf_s"] >= 1 for r in results["first"].values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
