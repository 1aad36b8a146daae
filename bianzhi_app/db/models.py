"""SQLAlchemy models of the establishment book.

The tables are created by the Alembic migrations (which never import this module); these
classes describe them for queries. Counters (`used`, `reserved`, `allocated`) are kept by
triggers in the same transaction; see db/migrations/versions/0001_initial.py.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(6))
    office_name: Mapped[str] = mapped_column(String(200))
    created_on: Mapped[dt.date] = mapped_column(Date)


class EstablishmentKind(Base):
    __tablename__ = "establishment_kinds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer)


class PostKind(Base):
    __tablename__ = "post_kinds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer)


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    issuer: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(50))
    rank: Mapped[str] = mapped_column(String(20))
    funding: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    uscc: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[str] = mapped_column(String(10))  # active | abolished
    requires_approval: Mapped[bool] = mapped_column(Boolean)
    functions: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[dt.date] = mapped_column(Date)
    abolished_on: Mapped[dt.date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class RegionPool(Base):
    __tablename__ = "region_pools"
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer)


class Quota(Base):
    __tablename__ = "quotas"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"), primary_key=True)
    approved: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer)
    allowance: Mapped[int] = mapped_column(Integer)


class QuotaHistory(Base):
    __tablename__ = "quota_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    approved: Mapped[int] = mapped_column(Integer)
    allowance: Mapped[int] = mapped_column(Integer)
    ledger_seq: Mapped[int] = mapped_column(Integer)


class PoolHistory(Base):
    __tablename__ = "pool_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    ledger_seq: Mapped[int] = mapped_column(Integer)


class PostLimit(Base):
    __tablename__ = "post_limits"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    post_kind_id: Mapped[int] = mapped_column(ForeignKey("post_kinds.id"), primary_key=True)
    post_limit: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer)
    allowance: Mapped[int] = mapped_column(Integer)


class PostLimitHistory(Base):
    __tablename__ = "post_limit_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    post_kind_id: Mapped[int] = mapped_column(ForeignKey("post_kinds.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    post_limit: Mapped[int] = mapped_column(Integer)
    allowance: Mapped[int] = mapped_column(Integer)
    ledger_seq: Mapped[int] = mapped_column(Integer)


class UsageApproval(Base):
    __tablename__ = "usage_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"))
    count: Mapped[int] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))  # active | used | cancelled | expired
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))


class Person(Base):
    """A person; the ID number only sealed (id_cipher) and as its keyed hash (id_hash, unique: 一人一编).
    In clear: the region code, the last four (what the mask shows), sex and birth year (0005)."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    id_region: Mapped[str] = mapped_column(String(6))
    id_tail: Mapped[str] = mapped_column(String(4))
    gender: Mapped[str] = mapped_column(String(2))
    birth_year: Mapped[int] = mapped_column(Integer)
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)


class StaffingPeriod(Base):
    __tablename__ = "staffing_periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("establishment_kinds.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("usage_approvals.id"))


class Appointment(Base):
    __tablename__ = "appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    post_kind_id: Mapped[int] = mapped_column(ForeignKey("post_kinds.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class LedgerEntry(Base):
    __tablename__ = "ledger"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    op: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(Integer)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    document_number: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    approver: Mapped[str | None] = mapped_column(String(64))  # 0004: who approved a reviewed change


class Snapshot(Base):
    """A quarter's frozen figures (migration 0002); never updated or deleted."""

    __tablename__ = "snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)
    period_end: Mapped[dt.date] = mapped_column(Date)
    ledger_seq: Mapped[int] = mapped_column(Integer)
    ledger_hash: Mapped[str] = mapped_column(String(64))
    figures: Mapped[str] = mapped_column(Text)
    figures_sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[str] = mapped_column(String(32))
    taken_by: Mapped[str] = mapped_column(String(100))
    entry_seq: Mapped[int] = mapped_column(Integer)


class Account(Base):
    """A person who signs in (migration 0004); roles are comma-separated codes (bianzhi_app.accounts.roles)."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[str] = mapped_column(String(32))
    must_change: Mapped[bool] = mapped_column(Boolean)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(32))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(32))


class PasswordHistory(Base):
    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[str] = mapped_column(String(32))


class PolicySetting(Base):
    __tablename__ = "policy"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))


class RecoveryKey(Base):
    __tablename__ = "recovery_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))


class BookCrypto(Base):
    """The algorithms of the book's personal data (one row, id 1)."""

    __tablename__ = "book_crypto"
    id: Mapped[int] = mapped_column(primary_key=True)
    cipher: Mapped[str] = mapped_column(String(20))
    mac: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[str] = mapped_column(String(32))


class KeyWrap(Base):
    """The data key wrapped for an account, for the recovery key (account_id NULL), or open (no accounts)."""

    __tablename__ = "key_wraps"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[str] = mapped_column(String(32))


class Proposal(Base):
    """A 机构编制事项 proposed by a clerk, waiting for a reviewer (待审事项)."""

    __tablename__ = "proposals"
    number: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    proposer: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    ledger_seq: Mapped[int | None] = mapped_column(Integer)


class SecurityEvent(Base):
    """The security log (安全审计日志): append-only and hash-chained like the ledger."""

    __tablename__ = "security_log"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


regions = cast(Table, Region.__table__)
kinds_t = cast(Table, EstablishmentKind.__table__)
post_kinds_t = cast(Table, PostKind.__table__)
documents = cast(Table, Document.__table__)
units = cast(Table, Unit.__table__)
region_pools = cast(Table, RegionPool.__table__)
quotas = cast(Table, Quota.__table__)
quota_history = cast(Table, QuotaHistory.__table__)
pool_history = cast(Table, PoolHistory.__table__)
post_limits = cast(Table, PostLimit.__table__)
post_limit_history = cast(Table, PostLimitHistory.__table__)
approvals = cast(Table, UsageApproval.__table__)
persons = cast(Table, Person.__table__)
staffing = cast(Table, StaffingPeriod.__table__)
appointments = cast(Table, Appointment.__table__)
ledger = cast(Table, LedgerEntry.__table__)
snapshots = cast(Table, Snapshot.__table__)
accounts_t = cast(Table, Account.__table__)
password_history = cast(Table, PasswordHistory.__table__)
policy_t = cast(Table, PolicySetting.__table__)
recovery_keys = cast(Table, RecoveryKey.__table__)
proposals = cast(Table, Proposal.__table__)
security_log = cast(Table, SecurityEvent.__table__)
book_crypto = cast(Table, BookCrypto.__table__)
key_wraps = cast(Table, KeyWrap.__table__)
