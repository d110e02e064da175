"""``flask --app app permits ...``: load the catalog, write leaflets in every language."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from sportello.core.audit import set_system_actor
from sportello.core.languages import CONTENT_LANGUAGE_CODES
from sportello.extensions import db

permits_cli = AppGroup("permits", help="Permit procedures, their translations and leaflets.")


@permits_cli.command("load-catalog")
def load_catalog_command() -> None:
    """Add the shipped procedures and seed translations that are not in the database yet."""
    from sportello.permits.catalog import load_catalog

    set_system_actor("command line: permits load-catalog")
    report = load_catalog()
    db.session.commit()
    click.echo(
        f"Procedures added: {report.procedures_added}; texts added: {report.strings_added}; "
        f"translations added: {report.translations_added}."
    )


@permits_cli.command("leaflets")
@click.option("--lang", "languages", default="all", help='Comma-separated language codes, or "all".')
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--procedure", "codes", default="all", help='Comma-separated procedure codes, or "all".')
@click.option("--desk", "desk_code", default="", help="Print this desk's name, address and hours on top.")
def leaflets_command(languages: str, out_dir: Path, codes: str, desk_code: str) -> None:
    """Write a blank leaflet PDF for every procedure in every language asked for."""
    import sqlalchemy as sa

    from sportello.auth.models import Desk
    from sportello.permits import documents, services

    wanted = CONTENT_LANGUAGE_CODES if languages == "all" else tuple(c.strip() for c in languages.split(","))
    unknown = [code for code in wanted if code not in CONTENT_LANGUAGE_CODES]
    if unknown:
        raise click.BadParameter(f"unknown language: {', '.join(unknown)}", param_hint="--lang")
    entries = services.procedures()
    if codes != "all":
        chosen = {c.strip() for c in codes.split(",")}
        missing = chosen - {e.procedure.code for e in entries}
        if missing:
            raise click.BadParameter(f"unknown procedure: {', '.join(sorted(missing))}", param_hint="--procedure")
        entries = [e for e in entries if e.procedure.code in chosen]
    if not entries:
        raise click.ClickException("No procedures: run `flask --app app permits load-catalog` first.")
    desk = None
    if desk_code:
        desk = db.session.scalar(sa.select(Desk).where(Desk.code == desk_code))
        if desk is None:
            raise click.BadParameter(f"no desk with code {desk_code}", param_hint="--desk")
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(entry, language) for entry in entries for language in wanted]
    started = time.perf_counter()
    with click.progressbar(jobs, label="Leaflets", show_pos=True, item_show_func=_job_name) as bar:
        for entry, language in bar:
            doc = documents.leaflet_document(entry.version, language, desk)
            (out_dir / language).mkdir(exist_ok=True)
            (out_dir / language / documents.filename(doc, entry.procedure.code)).write_bytes(documents.render(doc))
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"{len(jobs)} leaflets written to {out_dir} in {elapsed:.1f} s (peak memory {peak_mib:.0f} MiB).")


def _job_name(job) -> str | None:
    return f"{job[0].procedure.code} {job[1]}" if job else None
