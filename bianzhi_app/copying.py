"""`copy SRC DEST`: a whole book between a SQLite file and a PostgreSQL server, either way, verified.

The destination gets the schema from the same Alembic chain (so its triggers are its own dialect's), then every
row of every table in one write transaction, parents before children and the chained tables in seq order. The
counters the triggers keep (quotas used/reserved, post limits used, the pool's allocated) are written as 0 and
rebuilt by the destination's own triggers from the rows that make them up, so the copy passes the destination's
backstops row by row as a real book would. Then `check` runs on the destination, and its ledger head, security-log
head, counters and row counts must equal the source's; a copy that does not verify is removed (a file) or refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, func, inspect, or_, select, update
from sqlalchemy.schema import sort_tables

from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.engine import WRITE, make_engine
from bianzhi_app.db.migrate import current_revision, upgrade
from bianzhi_app.errors import CheckFailed, InvalidInput
from bianzhi_app.ledger import LedgerHead, read_head

# Counters the destination's triggers rebuild from the rows below them: written as 0.
REBUILT = {"region_pools": ("allocated",), "quotas": ("used", "reserved"), "post_limits": ("used",)}
# Tables the migrations seed (the built-in kinds; 0005's new data key in book_crypto and its open wrap): replaced
# by the source's rows, so the copy holds the source's data key, wrapped for the source's accounts and recovery key,
# and opens with any of their passwords.
SEEDED = ("establishment_kinds", "post_kinds", "book_crypto", "key_wraps")
# Self-references written in a second pass (a merged unit points at the unit made after it).
DEFERRED = {"units": ("parent_id", "merged_into_id")}
# Rows whose insert triggers need a row of another table that no foreign key names (counter before counted).
TRIGGER_PARENTS = (("region_pools", "quotas"), ("quotas", "staffing_periods"), ("quotas", "usage_approvals"),
                   ("post_limits", "appointments"))
BATCH = 5000


@dataclass
class CopyResult:
    """What was copied: rows per table, and the ledger and security-log heads (equal on both sides)."""

    rows: dict[str, int] = field(default_factory=dict)
    ledger_head: LedgerHead | None = None
    security_head: tuple[int, str] | None = None


def describe(target: str) -> str:
    """A target for messages: a file's path, or a server URL without its password."""
    if "://" not in target:
        return target
    from sqlalchemy.engine import make_url

    return make_url(target).render_as_string(hide_password=True)


def copy_book(source: Engine, dest: str | os.PathLike[str], *,
              progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy the book behind ``source`` (at the current schema) into ``dest``: a new SQLite file or an empty server
    database. Refuses (InvalidInput) a destination that already holds a book or a file; CheckFailed when the copy
    does not verify (the new file is then deleted)."""
    dest_text = os.fspath(dest)
    if current_revision(source) != SCHEMA_HEAD:
        raise InvalidInput("源数据库的结构不是当前版本:请先用本程序打开它一次(自动升级)再复制")
    new_file = _require_empty(dest_text)
    engine = make_engine(dest_text)
    try:
        _reach(engine)
        upgrade(engine)
        _require_no_book(engine, dest_text)
        result = _copy_rows(source, engine, progress)
        _verify(source, engine, result)
    except BaseException:
        engine.dispose()
        if new_file is not None:
            for leftover in (new_file, Path(f"{new_file}-wal"), Path(f"{new_file}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    engine.dispose()
    return result


def _reach(engine: Engine) -> None:
    """Connect to a destination server first: a refused login, a missing database or no answer is the Chinese
    refusal `Book.open` gives (ServerUnavailable and its kinds), never a driver error."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import exc

    from bianzhi_app.errors import server_unavailable

    try:
        engine.connect().close()
    except exc.OperationalError as error:
        url = engine.url
        raise server_unavailable(str(error.orig), host=url.host or "", port=url.port, user=url.username or "",
                                 database=url.database or "") from error


def _require_empty(dest: str) -> Path | None:
    """The new file to make (None for a server); refuses an existing file."""
    if "://" in dest and not dest.startswith("sqlite"):
        return None
    from bianzhi_app.safety.session import sqlite_path

    path = sqlite_path(dest)
    assert path is not None
    if path.exists():
        raise InvalidInput(f"目标「{path}」已存在,不会覆盖;请指定一个新文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _require_no_book(engine: Engine, dest: str) -> None:
    with engine.connect() as conn:
        for table in ("regions", "ledger", "accounts", "security_log"):
            if conn.execute(select(func.count()).select_from(Table(table, MetaData(), autoload_with=conn))).scalar():
                raise InvalidInput(f"目标数据库「{describe(dest)}」中已有台账数据,不会覆盖;请用一个空数据库")


def _tables(conn: Connection) -> list[Table]:
    """The book's tables, each after those its foreign keys and insert triggers need."""
    import warnings

    metadata = MetaData()
    with warnings.catch_warnings():  # ix_key_wraps_one (on coalesce(account_id, 0)): the destination's own
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        metadata.reflect(bind=conn)
    tables = metadata.tables
    extra = [(tables[a], tables[b]) for a, b in TRIGGER_PARENTS if a in tables and b in tables]
    ordered = sort_tables(tables.values(), extra_dependencies=extra)
    return [t for t in ordered if t.name != "alembic_version"]


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _copy_rows(source: Engine, dest: Engine, progress: Callable[[str, int], None] | None) -> CopyResult:
    result = CopyResult()
    with source.connect() as read, read.begin(), dest.connect().execution_options(**{WRITE: True}) as write:
        with write.begin():
            targets = {t.name: t for t in _tables(write)}
            for table in _tables(read):
                target = targets.get(table.name)
                if target is None:
                    raise InvalidInput(f"目标数据库缺少表 {table.name}:两边的程序版本不同")
                if table.name in SEEDED:
                    write.execute(target.delete())
                names = [c.name for c in table.columns if c.name in target.columns]
                zeroed = REBUILT.get(table.name, ())
                later = DEFERRED.get(table.name, ())
                count = 0
                query = select(*table.columns).order_by(*_order(table))
                stream = read.execution_options(yield_per=BATCH).execute(query)
                for chunk in stream.partitions(BATCH):
                    rows = [{n: (0 if n in zeroed else None if n in later else row._mapping[n]) for n in names}
                            for row in chunk]
                    write.execute(target.insert(), rows)
                    count += len(rows)
                    if progress is not None:
                        progress(table.name, count)
                if later:
                    _second_pass(read, write, table, target, later)
                result.rows[table.name] = count
    return result


def _second_pass(read: Connection, write: Connection, table: Table, target: Table, columns: tuple[str, ...]) -> None:
    key = table.primary_key.columns[0].name
    query = select(table.c[key], *(table.c[c] for c in columns)).where(
        or_(*(table.c[c].is_not(None) for c in columns)))
    for row in read.execute(query):
        values = {c: row._mapping[c] for c in columns}
        write.execute(update(target).where(target.c[key] == row._mapping[key]).values(**values))


def _fingerprint(conn: Connection) -> dict[str, Any]:
    """What must be equal on both sides: heads, row counts and the trigger-kept counters."""
    tables = _tables(conn)
    found: dict[str, Any] = {"ledger": read_head(conn)}
    if inspect(conn).has_table("security_log"):
        head = conn.exec_driver_sql("SELECT seq, hash FROM security_log ORDER BY seq DESC LIMIT 1").first()
        found["security_log"] = (int(head[0]), str(head[1])) if head else None
    for table in tables:
        found[f"rows:{table.name}"] = conn.execute(select(func.count()).select_from(table)).scalar()
        counters = REBUILT.get(table.name)
        if counters:
            key = list(table.primary_key.columns)
            found[f"counters:{table.name}"] = [tuple(r) for r in conn.execute(
                select(*key, *(table.c[c] for c in counters)).order_by(*key))]
    return found


def _verify(source: Engine, dest: Engine, result: CopyResult) -> None:
    from bianzhi_app.catalog import Catalog
    from bianzhi_app.check import run_check

    with source.connect() as a, a.begin(), dest.connect() as b, b.begin():
        before, after = _fingerprint(a), _fingerprint(b)
        report = run_check(b, Catalog.load(b))
    if not report.ok:
        raise CheckFailed("复制后的数据库未通过检查:" + report.problems[0])
    different = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if different:
        raise CheckFailed(f"复制后的数据库与源不一致:{', '.join(different[:5])}")
    result.ledger_head = after["ledger"]
    result.security_head = after.get("security_log")


def backup_server_book(engine: Engine, dest: str | os.PathLike[str] | None = None, *, reason: str = "manual") -> Any:
    """A server book's backup: a verified copy into a SQLite file (no PostgreSQL client tools needed), kept as a
    backup of the file kind (``<database>-YYYYMMDD-HHMMSS.bak`` with its manifest: the ledger head, the server
    without its password) in ``dest`` or the backup folder. Refuses with BackupFailed."""
    import tempfile

    from bianzhi_app.safety.backup import BackupFailed, make_backup
    from bianzhi_app.safety.session import backup_dir

    folder = Path(dest).expanduser().absolute() if dest is not None else backup_dir()
    name = engine.url.database or "server"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".copy-") as work:
            copy = Path(work) / f"{name}.db"
            result = copy_book(engine, copy)
            head = result.ledger_head
            assert head is not None
            return make_backup(copy, folder, manifest_extra={
                "ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg}, "reason": reason,
                "book": engine.url.render_as_string(hide_password=True)})
    except (CheckFailed, InvalidInput, OSError) as error:
        raise BackupFailed(f"备份失败:服务器数据库未能复制为文件({error})") from error


def backup_server_before_migration(engine: Engine) -> Any:
    """The pinned, verified backup of a server book whose schema is about to change, as a file book gets one: a
    copy into a SQLite file built at the server book's own revision (the same migrations up to it), every row,
    then the ledger and security-log heads, row counts and trigger-kept counters compared on both sides (`check`
    is the current schema's, so it runs on the migrated book). Writers and other programs' migrations wait on the
    book's write lock meanwhile. Returns its BackupInfo, or None when there is nothing to migrate (any more).
    Refuses with BackupFailed: the migration must not run then."""
    import tempfile

    from bianzhi_app.db.engine import PG_WRITE_LOCK
    from bianzhi_app.db.migrate import migrate_to
    from bianzhi_app.safety.backup import BackupFailed, make_backup
    from bianzhi_app.safety.session import backup_dir

    folder = backup_dir()
    name = engine.url.database or "server"
    with engine.connect() as lock:  # a session-level lock, as migrate_to takes it
        lock.exec_driver_sql(f"SELECT pg_advisory_lock({PG_WRITE_LOCK})")
        lock.commit()
        try:
            revision = current_revision(engine)
            if revision is None or revision == SCHEMA_HEAD:
                return None
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryDirectory(dir=folder, prefix=".copy-") as work:
                    copy = Path(work) / f"{name}.db"
                    file_engine = make_engine(copy)
                    try:
                        migrate_to(file_engine, revision)
                        result = _copy_rows(engine, file_engine, None)
                        with engine.connect() as a, a.begin(), file_engine.connect() as b, b.begin():
                            before, after = _fingerprint(a), _fingerprint(b)
                    finally:
                        file_engine.dispose()
                    different = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
                    if different:
                        raise CheckFailed(f"复制后的数据库与源不一致:{', '.join(different[:5])}")
                    head = after["ledger"]
                    result.ledger_head = head
                    return make_backup(copy, folder, pinned=True, manifest_extra={
                        "ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg}, "reason": "migration",
                        "schema": revision, "book": engine.url.render_as_string(hide_password=True)})
            except (CheckFailed, InvalidInput, OSError) as error:
                raise BackupFailed(f"升级前的备份失败:服务器数据库「{describe(str(engine.url))}」未能复制为文件"
                                   f"({error}),未升级,台账保持原样") from error
        finally:
            lock.rollback()
            lock.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_WRITE_LOCK})")
            lock.commit()
