"""A private PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, served
on a Unix socket only (listen_addresses=''), stopped and removed at exit.

initdb refuses to run as root, so under root the server runs as the `postgres` user (Debian's
package creates it), through runuser or su found by absolute path: /usr/sbin is not on every
user's PATH. Without PostgreSQL binaries, ``find_bindir()`` is None and the tests skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

# Where Debian (util-linux, login) puts them; a root shell's PATH may hold neither /usr/sbin nor /sbin.
RUNUSER = ("/usr/sbin/runuser", "/sbin/runuser")
SU = ("/bin/su", "/usr/bin/su")
SERVER_USER = "postgres"


class CannotRunServer(RuntimeError):
    """Under root, the server cannot be started as another user (no such user, or neither runuser
    nor su): the message says what is missing."""


def as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` user when this process is root (initdb refuses root),
    else unchanged.

    Raises:
        CannotRunServer: root, and no ``postgres`` user or neither runuser nor su is installed.
    """
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise CannotRunServer(f"no '{SERVER_USER}' user to run PostgreSQL as (initdb refuses root; "
                              "Debian's postgresql package creates the user)") from None
    runuser = next((p for p in RUNUSER if os.access(p, os.X_OK)), None)
    if runuser:
        return [runuser, "-u", SERVER_USER, "--", *command]
    su = next((p for p in SU if os.access(p, os.X_OK)), None)
    if su:
        return [su, "-s", "/bin/sh", SERVER_USER, "-c", shlex.join(command)]
    raise CannotRunServer(f"neither runuser ({', '.join(RUNUSER)}) nor su ({', '.join(SU)}) found: "
                          "cannot start PostgreSQL as its own user under root")


def find_bindir() -> Path | None:
    """The folder of initdb / pg_ctl: $PG_BINDIR, Debian's /usr/lib/postgresql/<newest>/bin, or PATH."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                         reverse=True)
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in filter(None, candidates):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


class Cluster:
    """One running server; ``url(database)`` makes the database on first use."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        as_server_user([])  # before anything is made: raises CannotRunServer when it cannot
        self.root = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, SERVER_USER, SERVER_USER)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        settings = ["-k", str(self.root), "-c", "listen_addresses=", "-c", "fsync=off",
                    "-c", "max_connections=60", "-c", "shared_buffers=64MB"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", " ".join(f"'{s}'" if s.endswith("=") else s for s in settings), "start")
        self._made: set[str] = set()

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(as_server_user([str(self.bindir / tool), *args]), capture_output=True,
                              text=True, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}\n{log}")

    def url(self, database: str = "jixiao") -> str:
        """postgresql:// URL of a database on this server (created when new)."""
        import psycopg
        from psycopg import sql

        if database not in self._made:
            with psycopg.connect(self._url("postgres"), autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            self._made.add(database)
        return self._url(database)

    def drop(self, database: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        self._made.discard(database)

    def _url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
