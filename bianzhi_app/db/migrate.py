"""Bring a book's schema up to date when it is opened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.errors import InvalidInput

MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


Progress = Callable[[int, int], None]


def known_revisions() -> set[str]:
    """The schema revisions this program's migrations know (the numbers of versions/NNNN_*.py)."""
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*.py")}


def refuse_unknown_revision(revision: str | None, target: str) -> None:
    """Refuse (InvalidInput) a book whose schema this program does not know: one written by a newer version."""
    if revision is not None and revision not in known_revisions():
        raise InvalidInput(f"数据库「{target}」由更新版本的程序建立或升级过(结构版本{revision},本程序最高为"
                           f"{SCHEMA_HEAD}),本程序不能打开也没有改动它;请安装新版本后再使用")


def upgrade(engine: Engine, progress: Progress | None = None) -> bool:
    """Run pending migrations; return whether anything ran. Alembic is imported only then. Refuses a book
    from a newer version (InvalidInput), before anything is written. ``progress`` gets (done, total) from a
    migration that walks many rows (0005 seals every person's ID number)."""
    before = current_revision(engine)
    if before == SCHEMA_HEAD:
        return False
    refuse_unknown_revision(before, str(engine.url.database or engine.url))
    migrate_to(engine, "head", progress=progress)
    if before is not None and before < "0005":
        if engine.dialect.name == "sqlite":
            compact(engine)  # clear ID numbers and password hashes must not linger in free pages or the WAL
        elif engine.dialect.name == "postgresql":
            compact_server(engine)
    return True


def migrate_to(engine: Engine, revision: str, *, progress: Progress | None = None) -> None:
    """Run the migrations up to `revision` ("head" for all) in one transaction; tests also build books at older
    ones. On SQLite the foreign keys are off meanwhile (a table under others can be rebuilt, as SQLite's
    ALTER TABLE procedure says) and checked before the commit."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["progress"] = progress
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        server = conn.dialect.name == "postgresql"
        if server:  # two programs opening an old server book at once: one migrates, the other then finds it done
            from bianzhi_app.db.engine import PG_WRITE_LOCK

            conn.exec_driver_sql(f"SELECT pg_advisory_lock({PG_WRITE_LOCK})")
            conn.commit()
        if sqlite:  # outside any transaction, where the pragma takes effect
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3)
                if broken:
                    conn.rollback()
                    raise RuntimeError(f"migration left rows that break foreign keys: {broken}")
            conn.commit()
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
            if server:
                conn.rollback()
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_WRITE_LOCK})")
                conn.commit()


def compact(engine: Engine) -> None:
    """VACUUM (with secure_delete on, freed pages were zeroed; this also rewrites the pages that held them) and
    truncate the WAL, so what a migration removed is in no page of the file or its WAL. SQLite only: on the
    server, PostgreSQL's own VACUUM reclaims dead rows and the file is not the user's to carry."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA secure_delete=ON")  # type: ignore[union-attr]
        raw.execute("VACUUM")  # type: ignore[union-attr]
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]


# The tables 0005 rewrote on the server: persons (clear numbers in dropped columns and old row versions), the
# stored password and recovery-key hashes.
SEALED_TABLES = ("persons", "accounts", "password_history", "recovery_keys")


def compact_server(engine: Engine) -> None:
    """PostgreSQL's counterpart of `compact`: VACUUM FULL rewrites each table 0005 touched, keeping only live rows
    with dropped columns nulled, so no live page of the database keeps a clear ID number or an old password hash
    (the server's WAL and its base backups are the IT person's: see README 办公室服务器)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in SEALED_TABLES:
            conn.exec_driver_sql(f"VACUUM FULL {table}")


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or ""
