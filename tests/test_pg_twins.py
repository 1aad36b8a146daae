"""Every SQLite trigger of the schema has its PL/pgSQL twin (same name) on the server, and the server's backstops
refuse with SQLite's words (bianzhi_app/db/twins.py)."""

import sqlite3

from bookhelpers import Raw

from bianzhi_app.db.engine import make_engine
from bianzhi_app.db.migrate import upgrade


def test_every_sqlite_trigger_has_its_twin_on_the_server(tmp_path, pg_url):
    engine = make_engine(tmp_path / "book.db")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(tmp_path / "book.db")
    on_file = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()
    with Raw(pg_url) as raw:
        on_server = {r[0] for r in raw.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        partial = {r[0] for r in raw.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%WHERE%%'")}
        checks = {r[0] for r in raw.execute("SELECT conname FROM pg_constraint WHERE contype = 'c'")}
    assert on_file and on_file <= on_server, sorted(on_file - on_server)
    assert {"ix_staffing_one_open", "ix_appointments_one_open", "ix_units_name_active"} <= partial
    assert {"quota_within_limit", "pool_within_total", "posts_within_limit", "approval_counts"} <= checks
