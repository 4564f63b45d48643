"""``screening user`` and ``screening token``: the web app's accounts and API tokens."""
from __future__ import annotations

import sys

import click

from screening.cli import Context
from screening.cli.common import cli_actor
from screening.store import accounts


def _user(db, name: str) -> dict:
    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(f"no user named {name!r}")
    return user


@click.group()
def user() -> None:
    """Accounts of the web app: analyst, reviewer, admin, auditor."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of "
                                                     "generating one.")
@click.pass_obj
def user_add(obj: Context, name: str, role: str, password_stdin: bool) -> None:
    """Create an account; prints a generated password once (or reads one with --password-stdin). Either way the
    account's user must change it at their first sign-in in the web app (API tokens are not affected)."""
    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    made, password = accounts.add_user(obj.db, name, role, given, created_by=cli_actor(), must_change=True)
    click.echo(f"Created {made['role']} {made['name']!r}." + ("" if given else f" Password (shown once): {password}")
               + "\nIt must be changed at the first sign-in.")


@user.command("list")
@click.pass_obj
def user_list(obj: Context) -> None:
    """List accounts."""
    for u in accounts.list_users(obj.db):
        click.echo(f"{u['id']:>4}  {u['name']:<24} {u['role']:<9} created {u['created_at']}"
                   + ("  password to be changed at next sign-in" if u["must_change_password"] else "")
                   + (f"  DISABLED {u['disabled_at']}" if u["disabled_at"] else ""))


@user.command("password")
@click.argument("name")
@click.pass_obj
def user_password(obj: Context, name: str) -> None:
    """Give an account a new generated password (ends its sessions); prints it once. Its user must change it at
    their next sign-in."""
    password = accounts.set_password(obj.db, _user(obj.db, name)["id"], actor=cli_actor(), must_change=True)
    click.echo(f"New password for {name!r} (shown once): {password}\nIt must be changed at the next sign-in.")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_obj
def user_role(obj: Context, name: str, role: str) -> None:
    """Change an account's role."""
    accounts.set_role(obj.db, _user(obj.db, name)["id"], role, actor=cli_actor())
    click.echo(f"{name!r} is now {role}.")


@user.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again.")
@click.pass_obj
def user_disable(obj: Context, name: str, enable: bool) -> None:
    """Disable an account (its sessions and tokens stop working), or enable it again."""
    accounts.set_disabled(obj.db, _user(obj.db, name)["id"], not enable, actor=cli_actor())
    click.echo(f"{name!r} {'enabled' if enable else 'disabled'}.")


@click.group()
def token() -> None:
    """API tokens for integrations (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.argument("name", metavar="USER")
@click.option("--label", default="", help="What the token is for.")
@click.pass_obj
def token_create(obj: Context, name: str, label: str) -> None:
    """Create a token acting as USER (with USER's role); prints it once."""
    tid, value = accounts.create_token(obj.db, _user(obj.db, name)["id"], label, actor=cli_actor())
    click.echo(f"Token {tid} for {name!r} (shown once): {value}")


@token.command("list")
@click.pass_obj
def token_list(obj: Context) -> None:
    """List tokens (never their values)."""
    for t in accounts.list_tokens(obj.db):
        click.echo(f"{t['id']:>4}  {t['user_name']:<20} {t['label'] or '-':<20} created {t['created_at']}  last used "
                   f"{t['last_used_at'] or 'never'}" + (f"  REVOKED {t['revoked_at']}" if t["revoked_at"] else ""))


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_obj
def token_revoke(obj: Context, token_id: int) -> None:
    """Revoke a token at once."""
    accounts.revoke_token(obj.db, token_id, actor=cli_actor())
    click.echo(f"Token {token_id} revoked.")
