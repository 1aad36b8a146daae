"""Bring a book's schema up to date when it is opened."""

from __future__ import annotations

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


def known_revisions() -> set[str]:
    """The schema revisions this program's migrations know (the numbers of versions/NNNN_*.py)."""
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*.py")}


def refuse_unknown_revision(revision: str | None, target: str) -> None:
    """Refuse (InvalidInput) a book whose schema this program does not know: one written by a newer version."""
    if revision is not None and revision not in known_revisions():
        raise InvalidInput(f"数据库「{target}」由更新版本的程序建立或升级过(结构版本{revision},本程序最高为"
                           f"{SCHEMA_HEAD}),本程序不能打开也没有改动它;请安装新版本后再使用")


def upgrade(engine: Engine) -> bool:
    """Run pending migrations; return whether anything ran. Alembic is imported only then. Refuses a book
    from a newer version (InvalidInput), before anything is written."""
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return False
    refuse_unknown_revision(revision, str(engine.url.database or engine.url))
    migrate_to(engine, "head")
    return True


def migrate_to(engine: Engine, revision: str) -> None:
    """Run the migrations up to `revision` ("head" for all); tests also build books at older ones."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or ""
