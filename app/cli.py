"""Flask commands: seed-reference, seed-demo, create-user, backup, restore, retention-report, creditors-report,
guarantors-report."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app.demo import DEMO_USERS, seed_demo, seed_demo_cases
from app.extensions import db
from app.models import OrgUnit, Role, User
from app.jobs import background
from app.services import backup, creditors, guarantors, retention, stored_backups
from app.services.errors import ValidationFailed
from app.services.org import seed_reference_tree
from app.services.relief_rules import seed_rules
from app.services.users import UserInput, create_user


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_reference_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(retention_report_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(creditors_report_command)
    app.cli.add_command(guarantors_report_command)


@click.command("seed-reference")
def seed_reference_command():
    """Add the ministry, 18 regional offices, 77 provincial offices and the seeded relief rules (only those missing)."""
    added = seed_reference_tree()
    rules = seed_rules()
    on_file = creditors.seed()  # issue 18: the tree's cooperatives and the national creditors
    db.session.commit()
    click.echo(f"Reference org tree: {added} units added; relief rules: {rules} added; creditors: "
               f"{on_file['org_tree']} cooperatives and {on_file['reference']} national creditors added.")


def _demo_logins_file():
    return current_app.instance_path + "/demo-logins.txt"


@click.command("seed-demo")
@click.option("--password", help="Password for every demo user (default: a new random one).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo_command(password: str | None, if_empty: bool):
    """Create demo cooperatives and one user per role; print how to sign in."""
    if if_empty and db.session.scalar(select(func.count(User.id))):
        try:
            with open(_demo_logins_file(), encoding="utf-8") as handle:
                click.echo(handle.read())
        except FileNotFoundError:
            click.echo("Users exist already; run `flask seed-demo --password ...` to reset the demo passwords.")
        return
    password = password or secrets.token_urlsafe(9)
    counts = seed_demo(password)
    counts["cases"] = seed_demo_cases()
    lines = ["", "KruDesk demo sign-ins (every user has the same password):", f"  password: {password}", ""]
    lines += [f"  {username:<18} {role.value:<20} {unit}" for username, _n, role, unit in DEMO_USERS]
    lines += ["", f"({counts['units']} units, {counts['users']} users and {counts['cases']} demo cases added)", ""]
    text = "\n".join(lines)

    os.makedirs(current_app.instance_path, exist_ok=True)
    with open(_demo_logins_file(), "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(_demo_logins_file(), 0o600)
    click.echo(text)


@click.command("create-user")
@click.option("--username", prompt=True)
@click.option("--full-name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), prompt=True)
@click.option("--unit", "unit_code", prompt="Org unit code", help="e.g. MOE, REG-15, 50, COOP-CMI-01")
@click.password_option()
def create_user_command(username, full_name, role, unit_code, password):
    """Create a user for a real deployment (the first administrator, say)."""
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"No org unit with code {unit_code!r}; run `flask seed-reference` first?")
    try:
        user = create_user(None, UserInput(username=username, full_name=full_name, role=role,
                                           org_unit_id=unit.id, password=password))
    except ValidationFailed as error:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in error.fields.items())) from None
    click.echo(f"Created {user.username} ({user.role}) at {unit.code}.")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--queue", is_flag=True,
              help="Hand the backup to the job engine instead: it is kept in the file storage (see /admin/jobs).")
def backup_command(target: Path | None, queue: bool):
    """Back the database up (SQLite: online backup; PostgreSQL: pg_dump) to TARGET or instance/backups/."""
    if queue:
        if target:
            raise click.UsageError("--queue keeps the backup in the file storage: give no TARGET")
        job = background.submit(stored_backups.KIND)
        db.session.commit()
        if job.status == "done":  # JOBS_IMMEDIATE: it ran as it was queued
            click.echo(f"Backup kept in the file storage as {job.file_key}")
        else:
            click.echo(f"Backup queued as job {job.id}; `flask worker` makes it (see /admin/jobs)")
        return
    target = target or backup.default_target(Path(current_app.instance_path) / "backups")
    click.echo(f"Backup written to {backup.backup(target)}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: the database's current contents are replaced.")
def restore_command(source: Path, yes: bool):
    """Replace the database's contents with a backup made by `flask backup` (stop the app servers first)."""
    if not yes:
        raise click.UsageError("restoring replaces every record: add --yes to confirm")
    backup.restore(source)
    click.echo(f"Restored from {source}")


@click.command("retention-report")
def retention_report_command():
    """List closed or rejected cases kept longer than the privacy.retention_years setting (PDPA)."""
    rows, attempts = retention.report()
    for row in rows:
        click.echo(f"{row.kind:6} {row.reference or row.case_id:16} {row.status:9} since {row.since:%Y-%m-%d}")
    click.echo(f"{len(rows)} cases past retention; {attempts} sign-in records older than a year.")


@click.command("creditors-report")
@click.option("--limit", type=int, default=None, help="Show at most this many debts.")
def creditors_report_command(limit: int | None):
    """List debts to check since creditors went on file (migration 0016, issue 18): those whose creditor was created
    from the typed name (no creditor on file matched it), matched under another spelling or type, or not linked."""
    rows = creditors.report(limit)
    reasons = {"free_text": "new creditor from typed name", "spelling": "matched another spelling/type",
               "none": "no creditor"}
    for row in rows:
        target = f"-> creditor {row.creditor_id} {row.creditor_name}" if row.creditor_id else "-> (none)"
        click.echo(f"{row.cooperative_code:14} {row.case_reference or '-':16} debt {row.debt_id:<8} "
                   f"{row.typed_name} [{row.typed_type}] {target}  ({reasons[row.reason]})")
    click.echo(f"{len(rows)} debts to check; check each creditor on the creditors page (/debt-cases/creditors).")


@click.command("guarantors-report")
@click.option("--limit", type=int, default=None, help="Show at most this many debts.")
def guarantors_report_command(limit: int | None):
    """Counts of the debts' guarantors since they are structured (migration 0022, issue 20), and the debts whose
    guarantors are still free text — the notes the migration could not read as citizen IDs and names — by case
    reference and debt row, with citizen IDs and other numbers masked."""
    found = guarantors.counts()
    rows = guarantors.unstructured_notes(limit)
    for row in rows:
        click.echo(f"{row.cooperative_code:14} {row.case_reference or row.case_id:16} debt {row.position:<3} "
                   f"(id {row.debt_id}) {row.masked_note}")
    click.echo(f"{found.guarantors} guarantors on {found.debts_with_guarantors} debts; {found.notes_left} debts with a "
               f"note not structured: type their guarantors on the case's edit page.")
