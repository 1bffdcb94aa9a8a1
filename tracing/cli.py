"""``flask --app tracing ...`` commands: users, organisations and demo data."""

from __future__ import annotations

import json
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from tracing.db import db
from tracing.models import AuditTag, Organization, OrgKind, Role
from tracing.services.audit import audit
from tracing.services.users import AccountError, create_organization, create_user, get_organization

users_cli = AppGroup("users", help="Manage user accounts.")
orgs_cli = AppGroup("orgs", help="Manage organisations.")
demo_cli = AppGroup("demo", help="Demo data for a first look.")
exchange_cli = AppGroup("exchange", help="Record exchange: queued imports.")
match_cli = AppGroup("match", help="Match keys and suggestions.")
jobs_cli = AppGroup("jobs", help="Periodic work: queued imports and data retention.")


@match_cli.command("rebuild")
@click.option("--workers", type=int, default=None, help="Processes (default: one per core).")
def rebuild_command(workers: int | None) -> None:
    """Recompute all match keys and suggestions (resumes an interrupted run)."""
    from tracing.services import rebuild

    run = rebuild.current_run()
    db.session.commit()
    total = rebuild.total_records()
    label = f"match rebuild ({run.phase}, matcher {run.matcher_version})"
    # Both phases walk every record once.
    with click.progressbar(length=2 * total, label=label, show_pos=True) as bar:
        count = rebuild.rebuild(progress=bar.update, workers=workers)
    click.echo(f"{count} suggestions")


@orgs_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), default=OrgKind.NGO.value)
@click.option("--verified/--unverified", default=False)
def create_org_command(slug: str, name: str, kind: str, verified: bool) -> None:
    """Create an organisation SLUG called NAME."""
    try:
        create_organization(slug, name, OrgKind(kind), verified=verified)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"organisation {slug} created")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.password_option(
    envvar="TRACING_NEW_USER_PASSWORD",
    help="Asked for when not given (or set TRACING_NEW_USER_PASSWORD).",
)
def create_user_command(email: str, name: str, role: str, org_slug: str, password: str) -> None:
    """Create a user account."""
    org = get_organization(org_slug)
    if org is None:
        raise click.ClickException(f"no organisation {org_slug!r}; create it with `orgs create`")
    try:
        user = create_user(email, name, password, Role(role), org)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    audit(AuditTag.USER_CREATE, user, detail="cli")
    db.session.commit()
    click.echo(f"user {user.email} ({user.role}) created in {org.slug}")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if any organisation exists.")
@click.option("--families", default=150, show_default=True)
def seed_command(if_empty: bool, families: int) -> None:
    """Create demo organisations, users and records (safe to run twice)."""
    from tracing.demo.seed import seed

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Organization)):
        click.echo("database not empty: demo data not added")
        return
    created = seed(current_app.instance_path, families=families)
    db.session.commit()
    click.echo(", ".join(f"{count} {what}" for what, count in created.items()) + " created")


@demo_cli.command("logins")
def logins_command() -> None:
    """Print the demo accounts and a demo family report to try the status page."""
    from tracing.demo.seed import demo_logins

    logins = demo_logins(current_app.instance_path)
    if not logins:
        click.echo("no demo data: run `flask --app tracing demo seed`")
        return
    click.echo("\nDemo logins (made-up accounts; sign in at http://127.0.0.1:5000/auth/login):")
    for email, password in logins.get("users", {}).items():
        click.echo(f"  {email:28} {password}")
    if "report" in logins:
        report = logins["report"]
        click.echo("\nDemo family report (status page: http://127.0.0.1:5000/status):")
        click.echo(f"  reference {report['reference']}   code {report['code']}")
    click.echo("")


@exchange_cli.command("run-pending")
def run_pending_command() -> None:
    """Import the queued (large) files, each in one transaction of its own."""
    from tracing.models import ImportBatch
    from tracing.services.exchange.importer import pending_batch_ids, run_queued

    ids = pending_batch_ids()
    for batch_id in ids:
        batch = db.session.get(ImportBatch, batch_id)
        assert batch is not None
        run_queued(batch)
        db.session.commit()
        outcome = f"{batch.status.value}" + (f" ({batch.error})" if batch.error else "")
        click.echo(f"batch {batch_id}: {outcome}")
    if not ids:
        click.echo("no queued imports")


@jobs_cli.command("run")
def jobs_command() -> None:
    """The periodic work (run it every minute or so, from cron or a systemd timer): import
    queued files, then forget what is no longer needed — unfinished family reports past
    their time, expired wrong-code counts, import previews nobody committed."""
    from tracing.services import drafts, throttle
    from tracing.services.exchange.importer import purge_abandoned_previews

    run_pending_command.callback()  # type: ignore[misc]
    cfg = current_app.config
    purged = {
        "drafts": drafts.purge_expired_drafts(cfg["DRAFT_TTL_HOURS"]),
        "wrong codes": throttle.purge_old_failures(),
        "previews": purge_abandoned_previews(cfg["PREVIEW_TTL_HOURS"]),
    }
    db.session.commit()
    click.echo("purged: " + ", ".join(f"{n} {what}" for what, n in purged.items()))


@match_cli.command("decisions")
@click.argument("out", type=click.File("w", encoding="utf-8"))
def decisions_command(out: Any) -> None:
    """Write human decisions as labelled pairs (JSON Lines) to evaluate the matcher on.

    Each line: {"left": profile, "right": profile, "label": 1|0, "reason": ...} — the
    input format of `python -m matching compare`, plus the caseworkers' verdict.
    """
    from tracing.services.decisions_export import labelled_pairs

    count = 0
    for line in labelled_pairs():
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    click.echo(f"{count} labelled pairs", err=True)


def init_app(app: Flask) -> None:
    for group in (users_cli, orgs_cli, demo_cli, match_cli, exchange_cli, jobs_cli):
        app.cli.add_command(group)
