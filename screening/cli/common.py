"""What several command modules share (kept out of ``screening.cli`` itself, which ``--help`` imports)."""
from __future__ import annotations

from screening.store.watchlist import system_user


def cli_actor() -> str:
    """Who a change made on the command line (accounts, monitoring, retention) is recorded as: the operating-system
    user."""
    return f"cli:{system_user()}"
