"""A throw-away PostgreSQL cluster for the tests and benchmarks: initdb + pg_ctl from the installed server
(Debian's /usr/lib/postgresql/*/bin, or PG_BIN, or the PATH), in a temporary folder, on 127.0.0.1 and a free
port, trust authentication, except for one role (``PASSWORD_ROLE``) that must give its password (scram-sha-256), so
the tests can show what a wrong password does. As root (CI) it runs as the ``postgres`` user (initdb refuses root).

``BIANZHI_TEST_PG`` (a ``postgresql+psycopg://…`` URL of a server whose user may CREATE DATABASE and ROLE, and
whose pg_hba asks PASSWORD_ROLE for its password) skips
starting one. When no server can be started, `start()` raises: the tests fail, they never skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TEST_URL_ENV = "BIANZHI_TEST_PG"
# A superuser that logs in only with its password (pg_hba: scram-sha-256 for it alone, before the trust lines).
PASSWORD_ROLE = "bianzhi_pw"
PASSWORD = "Pw-for-tests-7Qz"


def server_bin() -> Path:
    """The folder holding initdb and pg_ctl; raises RuntimeError naming what to install."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) not found: apt-get install postgresql "
                       f"(or set PG_BIN, or {TEST_URL_ENV} to a server URL)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its admin URL (database ``postgres``) and how to stop it."""

    url: str
    folder: Path | None = None
    bin: Path | None = None
    as_postgres: bool = False

    def url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def password_url_for(self, database: str, password: str = PASSWORD) -> str:
        """The URL of ``database`` as PASSWORD_ROLE with ``password`` (the server checks it: scram-sha-256)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.url_for(database)).set(username=PASSWORD_ROLE, password=password)
        return url.render_as_string(hide_password=False)

    def stop(self) -> None:
        if self.folder is None or self.bin is None:
            return
        _run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
             self.as_postgres, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def _run(argv: list[str], as_postgres: bool, check: bool = True) -> subprocess.CompletedProcess[str]:
    if as_postgres:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr or result.stdout}")
    return result


def start(*, durable: bool = False) -> Cluster:
    """Start a cluster (or use BIANZHI_TEST_PG). ``durable=False`` turns fsync off: a test server only."""
    given = os.environ.get(TEST_URL_ENV)
    if given:  # that server's pg_hba must ask PASSWORD_ROLE for its password (see the module's docstring)
        cluster = Cluster(given)
        with admin(cluster) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
        _create_password_role(cluster)
        return cluster
    pg_bin = server_bin()
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="bianzhi-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    _run([str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--locale=C", "--no-sync"], as_postgres)
    hba = data / "pg_hba.conf"  # first match wins: the password role's line goes before initdb's trust lines
    hba.write_text(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    port = _free_port()
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w",
          "-t", "60", "start"], as_postgres)
    cluster = Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder, pg_bin, as_postgres)
    _wait_ready(cluster)
    _create_password_role(cluster)
    return cluster


def _create_password_role(cluster: Cluster) -> None:
    with admin(cluster) as conn:
        conn.execute("SET password_encryption = 'scram-sha-256'")
        conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")


def _wait_ready(cluster: Cluster) -> None:
    import psycopg

    dsn = cluster.url.replace("postgresql+psycopg://", "postgresql://")
    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def admin(cluster: Cluster):  # type: ignore[no-untyped-def]
    """An autocommit psycopg connection to the cluster's ``postgres`` database (CREATE/DROP DATABASE)."""
    import psycopg

    return psycopg.connect(cluster.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
