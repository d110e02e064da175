"""Screenshots of the main pages, for the README and for looking at the UI as a person would.

    .venv/bin/python scripts/screenshots.py [OUT_DIR [FILE_NAME ...]]

Serves the app with the demo data on a temporary SQLite file and drives Debian's Chromium.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from sportello import demo  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# (file name, user email or None, language, path)
PAGES = [
    ("login-it.png", None, "it", "/login"),
    ("home-it.png", "operatrice@demo.sportello.example", "it", "/"),
    ("home-ar.png", "mediatrice@demo.sportello.example", "ar", "/"),
    ("users-en.png", "admin@demo.sportello.example", "en", "/admin/users"),
    ("audit-it.png", "admin@demo.sportello.example", "it", "/admin/audit"),
    ("desk-ar.png", "admin@demo.sportello.example", "ar", "/admin/desks/1"),
    ("account-ar.png", "coordinatore@demo.sportello.example", "ar", "/account"),
    ("people-it.png", "operatrice@demo.sportello.example", "it", "/people/"),
    ("people-search-it.png", "operatrice@demo.sportello.example", "it", "/people/?q=Mohammed+Amrani"),
    ("person-ar.png", "operatrice@demo.sportello.example", "ar", "/people/1"),
    ("person-form-it.png", "operatrice@demo.sportello.example", "it", "/people/1/edit"),
    ("cases-it.png", "operatrice@demo.sportello.example", "it", "/cases/"),
    ("case-it.png", "operatrice@demo.sportello.example", "it", "/cases/1"),
    ("case-ar.png", "coordinatore@demo.sportello.example", "ar", "/cases/3"),
    ("agenda-it.png", "coordinatore@demo.sportello.example", "it", "/cases/agenda"),
    ("permits-it.png", "operatrice@demo.sportello.example", "it", "/permits/"),
    ("procedure-it.png", "operatrice@demo.sportello.example", "it", "/permits/procedures/UE_LP"),
    ("checklist-it.png", "operatrice@demo.sportello.example", "it", "/permits/checklists/1"),
    ("checklist-ar.png", "coordinatore@demo.sportello.example", "ar", "/permits/checklists/2"),
    # The person's phone page: the link is read from the checklist page, then opened on a phone.
    ("public-ar.png", "operatrice@demo.sportello.example", "ar", "public:/permits/checklists/1"),
    ("public-zh.png", "coordinatore@demo.sportello.example", "zh", "public:/permits/checklists/2"),
    # First pages of checklist PDFs, turned into images with pdftoppm.
    ("checklist-pdf-ar.png", "operatrice@demo.sportello.example", "it", "pdf:/permits/checklists/1/pdf?lang=ar"),
    ("checklist-pdf-bn.png", "operatrice@demo.sportello.example", "it", "pdf:/permits/checklists/1/pdf?lang=bn"),
    ("mediation-it.png", "coordinatore@demo.sportello.example", "it", "/mediation/"),
    ("mediation-request-it.png", "coordinatore@demo.sportello.example", "it", "/mediation/requests/9"),
    # The mediator on a phone: a request to answer, and the log of a session.
    ("mediation-request-ar.png", "mediatrice@demo.sportello.example", "ar", "phone:/mediation/requests/1"),
    ("session-log-ar.png", "mediatrice@demo.sportello.example", "ar", "phone:/mediation/requests/4/session"),
    ("mediators-it.png", "coordinatore@demo.sportello.example", "it", "/mediation/mediators/"),
    ("mediator-ar.png", "mediatrice@demo.sportello.example", "ar", "/mediation/mediators/me"),
    ("timesheets-it.png", "coordinatore@demo.sportello.example", "it", "/mediation/timesheets/"),
    ("timesheet-ar.png", "mediatrice@demo.sportello.example", "ar", "phone:/mediation/timesheets/"),
    ("hours-report-it.png", "coordinatore@demo.sportello.example", "it", "/mediation/timesheets/report"),
    ("housing-board-it.png", "coordinatore@demo.sportello.example", "it", "/housing/"),
    ("housing-case-it.png", "operatrice@demo.sportello.example", "it", "/cases/3#housing"),
    ("housing-matches-it.png", "operatrice@demo.sportello.example", "it", "/housing/cases/9/matches"),
    ("housing-offer-ar.png", "coordinatore@demo.sportello.example", "ar", "/housing/offers/3"),
    ("housing-offer-form-it.png", "operatrice@demo.sportello.example", "it", "/housing/offers/new"),
    ("housing-board-ar.png", "coordinatore@demo.sportello.example", "ar", "/housing/"),
    ("jobs-board-it.png", "coordinatore@demo.sportello.example", "it", "/jobs/"),
    ("jobs-board-ar.png", "coordinatore@demo.sportello.example", "ar", "/jobs/"),
    ("jobs-profile-it.png", "operatrice@demo.sportello.example", "it", "/jobs/people/1"),
    ("jobs-profile-ar.png", "operatrice@demo.sportello.example", "ar", "/jobs/people/1"),
    ("jobs-case-offers-it.png", "operatrice@demo.sportello.example", "it", "/jobs/cases/1/offers"),
    ("jobs-candidates-it.png", "operatrice@demo.sportello.example", "it", "/jobs/offers/1/candidates"),
    ("jobs-offer-it.png", "operatrice@demo.sportello.example", "it", "/jobs/offers/1"),
    ("jobs-offers-it.png", "operatrice@demo.sportello.example", "it", "/jobs/offers/"),
    ("jobs-referral-ar.png", "coordinatore@demo.sportello.example", "ar", "/jobs/referrals/4"),
    ("jobs-internship-it.png", "operatrice@demo.sportello.example", "it", "/jobs/internships/1"),
    ("jobs-case-panel-it.png", "operatrice@demo.sportello.example", "it", "/cases/1#jobs"),
    ("cv-pdf-it.png", "operatrice@demo.sportello.example", "it", "pdf:/jobs/people/1/cv.pdf?lang=it"),
    ("cv-pdf-fr.png", "operatrice@demo.sportello.example", "it", "pdf:/jobs/people/1/cv.pdf?lang=fr"),
]
PHONE = {"width": 390, "height": 844}


def main(out: Path, only: set[str] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        demo.serve_demo(Path(tmp) / "shots.sqlite") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, email, lang, path in PAGES:
            if only and name not in only:
                continue
            viewport = PHONE if path.startswith("phone:") else {"width": 1280, "height": 800}
            context = browser.new_context(viewport=viewport, locale=lang)
            page = context.new_page()
            page.goto(f"{base}/login?lang={lang}")
            if email:
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", demo.DEMO_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                page.request.post(
                    f"{base}/account/language",
                    form={
                        "language": lang,
                        "csrf_token": page.locator("input[name=csrf_token]").first.input_value(),
                    },
                )
                if not path.startswith("pdf:"):
                    page.goto(base + path.removeprefix("public:").removeprefix("phone:"))
            if path.startswith("pdf:"):
                pdf = Path(tempfile.mkdtemp()) / "page.pdf"
                pdf.write_bytes(page.request.get(base + path.removeprefix("pdf:")).body())
                stem = str(out / name).removesuffix(".png")
                subprocess.run(
                    ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), stem], check=True
                )
            elif path.startswith("public:"):
                link = page.locator("#link-url").input_value()
                phone = browser.new_context(viewport=PHONE, locale=lang)
                public = phone.new_page()
                public.goto(f"{link}?lang={lang}")
                public.screenshot(path=str(out / name), full_page=True)
                phone.close()
            else:
                page.screenshot(path=str(out / name), full_page=True)
            context.close()
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots", set(sys.argv[2:]) or None)
