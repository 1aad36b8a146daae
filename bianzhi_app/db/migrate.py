"""Bring a book's schema up to date when it is opened."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from bianzhi_app.db import SCHEMA_HEAD

MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> bool:
    """Run pending migrations; return whether anything ran. Alembic is imported only then."""
    if current_revision(engine) == SCHEMA_HEAD:
        return False
    migrate_to(engine, "head")
    return True


def migrate_to(engine: Engine, revision: str) -> None:
    """Run the migrations up to `revision` ("head" for all); tests also build books at older ones."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        server = conn.dialect.name == "postgresql"
        if server:  # two programs opening an old server book at once: one migrates, the other then finds it done
            from bianzhi_app.db.engine import PG_WRITE_LOCK

            conn.exec_driver_sql(f"SELECT pg_advisory_lock({PG_WRITE_LOCK})")
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
        finally:
            if server:
                conn.rollback()
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_WRITE_LOCK})")
                conn.commit()


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or ""
