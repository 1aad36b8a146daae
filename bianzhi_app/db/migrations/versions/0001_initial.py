"""The establishment book: tables, counters kept by triggers, seeded kinds.

Self-contained: declares its tables here and never imports the live models.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from bianzhi_app.db.twins import ID_FOLLOWS_FUNCTION, PgTrigger, id_follows, install, refusal, refuse

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KINDS = [("xz", "行政编制"), ("zf", "政法专项编制"), ("sy", "事业编制"), ("gq", "机关工勤编制")]
POST_KINDS = [("zz", "正职"), ("fz", "副职"), ("nz", "内设机构正职"), ("nf", "内设机构副职")]


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("office_name", sa.String(200), nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
    )
    kinds = op.create_table(
        "establishment_kinds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), nullable=False, unique=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("sort_order", sa.Integer, nullable=False),
    )
    post_kinds = op.create_table(
        "post_kinds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), nullable=False, unique=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("sort_order", sa.Integer, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(100), nullable=False, unique=True),
        sa.Column("issuer", sa.String(200)),
        sa.Column("title", sa.String(300)),
        sa.Column("issued_on", sa.Date),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("funding", sa.String(20)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("uscc", sa.String(18)),
        sa.Column("status", sa.String(10), nullable=False, server_default="active"),
        sa.Column("requires_approval", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("functions", sa.Text),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("abolished_on", sa.Date),
        sa.Column("merged_into_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.CheckConstraint("status IN ('active', 'abolished')", name="unit_status"),
    )
    op.create_index("ix_units_name_active", "units", ["name"], unique=True,
                    sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
    op.create_index("ix_units_uscc", "units", ["uscc"], unique=True,
                    sqlite_where=sa.text("uscc IS NOT NULL"), postgresql_where=sa.text("uscc IS NOT NULL"))
    op.create_index("ix_units_parent", "units", ["parent_id"])
    # Lookups by name bind the status as a parameter, which the partial index cannot serve.
    op.create_index("ix_units_name", "units", ["name"])
    op.create_table(
        "region_pools",
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), primary_key=True),
        _counter("total"),
        _counter("allocated"),
        sa.CheckConstraint("allocated <= total", name="pool_within_total"),
        sa.CheckConstraint("allocated >= 0 AND total >= 0", name="pool_non_negative"),
    )
    op.create_table(
        "quotas",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), primary_key=True),
        _counter("approved"),
        _counter("used"),
        _counter("reserved"),
        _counter("allowance"),
        sa.CheckConstraint("used + reserved <= approved + allowance", name="quota_within_limit"),
        sa.CheckConstraint("approved >= 0 AND used >= 0 AND reserved >= 0 AND allowance >= 0",
                           name="quota_non_negative"),
    )
    op.create_table(
        "quota_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("approved", sa.Integer, nullable=False),
        sa.Column("allowance", sa.Integer, nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_quota_history_key", "quota_history", ["unit_id", "kind_id", "effective_on"])
    op.create_table(
        "pool_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "post_limits",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("post_kind_id", sa.Integer, sa.ForeignKey("post_kinds.id"), primary_key=True),
        _counter("post_limit"),
        _counter("used"),
        _counter("allowance"),
        sa.CheckConstraint("used <= post_limit + allowance", name="posts_within_limit"),
        sa.CheckConstraint("post_limit >= 0 AND used >= 0 AND allowance >= 0", name="posts_non_negative"),
    )
    op.create_table(
        "post_limit_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("post_kind_id", sa.Integer, sa.ForeignKey("post_kinds.id"), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("post_limit", sa.Integer, nullable=False),
        sa.Column("allowance", sa.Integer, nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_post_limit_history_key", "post_limit_history",
                    ["unit_id", "post_kind_id", "effective_on"])
    op.create_table(
        "usage_approvals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(30), nullable=False, unique=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        _counter("used_count"),
        sa.Column("method", sa.String(30), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="active"),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date),
        sa.Column("closed_on", sa.Date),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.CheckConstraint("used_count >= 0 AND used_count <= count AND count > 0", name="approval_counts"),
        sa.CheckConstraint("status IN ('active', 'used', 'cancelled', 'expired')", name="approval_status"),
    )
    # Serves "this unit's usable approvals, earliest expiry first" without a sort, so the planner
    # never prefers scanning every active approval of the region.
    op.create_index("ix_approvals_open", "usage_approvals", ["unit_id", "kind_id", "status", "valid_until"])
    op.create_index("ix_approvals_due", "usage_approvals", ["status", "valid_until"])
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False, unique=True),
        sa.Column("gender", sa.String(2), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
    )
    op.create_index("ix_persons_name", "persons", ["name"])
    op.create_table(
        "staffing_periods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind_id", sa.Integer, sa.ForeignKey("establishment_kinds.id"), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("end_reason", sa.String(20)),
        sa.Column("approval_id", sa.Integer, sa.ForeignKey("usage_approvals.id")),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="staffing_dates"),
    )
    # 一人一编: at most one open slot per person.
    op.create_index("ix_staffing_one_open", "staffing_periods", ["person_id"], unique=True,
                    sqlite_where=sa.text("end_date IS NULL"), postgresql_where=sa.text("end_date IS NULL"))
    op.create_index("ix_staffing_person", "staffing_periods", ["person_id", "start_date"])
    op.create_index("ix_staffing_unit", "staffing_periods", ["unit_id", "kind_id", "start_date"])
    op.create_index("ix_staffing_approval", "staffing_periods", ["approval_id"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("post_kind_id", sa.Integer, sa.ForeignKey("post_kinds.id"), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="appointment_dates"),
    )
    op.create_index("ix_appointments_one_open", "appointments", ["person_id"], unique=True,
                    sqlite_where=sa.text("end_date IS NULL"), postgresql_where=sa.text("end_date IS NULL"))
    op.create_index("ix_appointments_unit", "appointments", ["unit_id", "post_kind_id"])
    op.create_table(
        "ledger",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("op", sa.String(30), nullable=False),
        sa.Column("unit_id", sa.Integer),
        sa.Column("unit_name", sa.String(200)),
        sa.Column("document_number", sa.String(100)),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_ledger_unit", "ledger", ["unit_id", "seq"])
    op.create_index("ix_ledger_effective", "ledger", ["effective_on"])

    op.bulk_insert(kinds, [{"id": i + 1, "code": c, "name": n, "sort_order": i + 1}
                           for i, (c, n) in enumerate(KINDS)])
    op.bulk_insert(post_kinds, [{"id": i + 1, "code": c, "name": n, "sort_order": i + 1}
                                for i, (c, n) in enumerate(POST_KINDS)])

    install(op, sqlite=SQLITE_TRIGGERS, postgresql=POSTGRES_TRIGGERS)


SQLITE_TRIGGERS = [
    # --- used: staffing periods -------------------------------------------------------------
    """CREATE TRIGGER staffing_enter AFTER INSERT ON staffing_periods WHEN NEW.end_date IS NULL
    BEGIN
        SELECT RAISE(ABORT, 'no quota row for this unit and kind')
        WHERE NOT EXISTS (SELECT 1 FROM quotas WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id);
        UPDATE quotas SET used = used + 1 WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id;
    END""",
    """CREATE TRIGGER staffing_leave AFTER UPDATE OF end_date ON staffing_periods
    WHEN OLD.end_date IS NULL AND NEW.end_date IS NOT NULL
    BEGIN
        UPDATE quotas SET used = used - 1 WHERE unit_id = OLD.unit_id AND kind_id = OLD.kind_id;
    END""",
    """CREATE TRIGGER staffing_immutable BEFORE UPDATE ON staffing_periods
    WHEN OLD.end_date IS NOT NULL OR NEW.person_id IS NOT OLD.person_id OR NEW.unit_id IS NOT OLD.unit_id
      OR NEW.kind_id IS NOT OLD.kind_id OR NEW.start_date IS NOT OLD.start_date
      OR NEW.approval_id IS NOT OLD.approval_id
    BEGIN
        SELECT RAISE(ABORT, 'staffing history cannot be rewritten');
    END""",
    """CREATE TRIGGER staffing_no_delete BEFORE DELETE ON staffing_periods
    BEGIN
        SELECT RAISE(ABORT, 'staffing history cannot be deleted');
    END""",
    # --- reserved: usage approvals ----------------------------------------------------------
    """CREATE TRIGGER approval_add AFTER INSERT ON usage_approvals WHEN NEW.status = 'active'
    BEGIN
        SELECT RAISE(ABORT, 'no quota row for this unit and kind')
        WHERE NOT EXISTS (SELECT 1 FROM quotas WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id);
        UPDATE quotas SET reserved = reserved + NEW.count - NEW.used_count
        WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id;
    END""",
    """CREATE TRIGGER approval_change AFTER UPDATE ON usage_approvals
    BEGIN
        UPDATE quotas SET reserved = reserved - (OLD.count - OLD.used_count)
        WHERE OLD.status = 'active' AND unit_id = OLD.unit_id AND kind_id = OLD.kind_id;
        UPDATE quotas SET reserved = reserved + (NEW.count - NEW.used_count)
        WHERE NEW.status = 'active' AND unit_id = NEW.unit_id AND kind_id = NEW.kind_id;
    END""",
    """CREATE TRIGGER approval_no_delete BEFORE DELETE ON usage_approvals
    BEGIN
        SELECT RAISE(ABORT, 'usage approvals cannot be deleted');
    END""",
    # --- posts used: appointments -----------------------------------------------------------
    """CREATE TRIGGER appointment_add AFTER INSERT ON appointments WHEN NEW.end_date IS NULL
    BEGIN
        SELECT RAISE(ABORT, 'no post limit row for this unit and post kind')
        WHERE NOT EXISTS (SELECT 1 FROM post_limits
                          WHERE unit_id = NEW.unit_id AND post_kind_id = NEW.post_kind_id);
        UPDATE post_limits SET used = used + 1
        WHERE unit_id = NEW.unit_id AND post_kind_id = NEW.post_kind_id;
    END""",
    """CREATE TRIGGER appointment_end AFTER UPDATE OF end_date ON appointments
    WHEN OLD.end_date IS NULL AND NEW.end_date IS NOT NULL
    BEGIN
        UPDATE post_limits SET used = used - 1
        WHERE unit_id = OLD.unit_id AND post_kind_id = OLD.post_kind_id;
    END""",
    """CREATE TRIGGER appointment_immutable BEFORE UPDATE ON appointments
    WHEN OLD.end_date IS NOT NULL OR NEW.person_id IS NOT OLD.person_id OR NEW.unit_id IS NOT OLD.unit_id
      OR NEW.post_kind_id IS NOT OLD.post_kind_id OR NEW.start_date IS NOT OLD.start_date
    BEGIN
        SELECT RAISE(ABORT, 'appointment history cannot be rewritten');
    END""",
    """CREATE TRIGGER appointment_no_delete BEFORE DELETE ON appointments
    BEGIN
        SELECT RAISE(ABORT, 'appointment history cannot be deleted');
    END""",
    # --- pool allocated: quotas -------------------------------------------------------------
    """CREATE TRIGGER quota_add AFTER INSERT ON quotas
    BEGIN
        SELECT RAISE(ABORT, 'no region pool row for this kind')
        WHERE NOT EXISTS (SELECT 1 FROM region_pools WHERE kind_id = NEW.kind_id);
        UPDATE region_pools SET allocated = allocated + NEW.approved WHERE kind_id = NEW.kind_id;
    END""",
    """CREATE TRIGGER quota_approved AFTER UPDATE OF approved ON quotas WHEN NEW.approved <> OLD.approved
    BEGIN
        UPDATE region_pools SET allocated = allocated + NEW.approved - OLD.approved
        WHERE kind_id = NEW.kind_id;
    END""",
    """CREATE TRIGGER quota_key_immutable BEFORE UPDATE ON quotas
    WHEN NEW.unit_id IS NOT OLD.unit_id OR NEW.kind_id IS NOT OLD.kind_id
    BEGIN
        SELECT RAISE(ABORT, 'quota rows cannot move');
    END""",
    """CREATE TRIGGER quota_no_delete BEFORE DELETE ON quotas
    BEGIN
        SELECT RAISE(ABORT, 'quota rows cannot be deleted');
    END""",
    # --- the ledger: append-only and chained --------------------------------------------------
    """CREATE TRIGGER ledger_append BEFORE INSERT ON ledger
    WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger)
      OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1),
                   '0000000000000000000000000000000000000000000000000000000000000000')
    BEGIN
        SELECT RAISE(ABORT, 'ledger entries must extend the chain');
    END""",
    """CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
    BEGIN
        SELECT RAISE(ABORT, 'the ledger is append-only');
    END""",
    """CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    BEGIN
        SELECT RAISE(ABORT, 'the ledger is append-only');
    END""",
]


_GENESIS = "0" * 64
# The PL/pgSQL twin of each trigger above, same name, same order, same message; then the serial sequences of
# the tables with an integer id follow max(id) (SQLite's rowid rule; see bianzhi_app/db/twins.py).
POSTGRES_TRIGGERS: list[PgTrigger | str] = [
    # --- used: staffing periods -------------------------------------------------------------
    PgTrigger("staffing_enter", "AFTER INSERT ON staffing_periods", """
    IF NOT EXISTS (SELECT 1 FROM quotas WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id) THEN
        """ + refuse("no quota row for this unit and kind") + """
    END IF;
    UPDATE quotas SET used = used + 1 WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id;""",
              when="NEW.end_date IS NULL"),
    PgTrigger("staffing_leave", "AFTER UPDATE OF end_date ON staffing_periods",
              "UPDATE quotas SET used = used - 1 WHERE unit_id = OLD.unit_id AND kind_id = OLD.kind_id;",
              when="OLD.end_date IS NULL AND NEW.end_date IS NOT NULL"),
    refusal("staffing_immutable", "BEFORE UPDATE ON staffing_periods", "staffing history cannot be rewritten",
            when="OLD.end_date IS NOT NULL OR NEW.person_id IS DISTINCT FROM OLD.person_id"
                 " OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.kind_id IS DISTINCT FROM OLD.kind_id"
                 " OR NEW.start_date IS DISTINCT FROM OLD.start_date"
                 " OR NEW.approval_id IS DISTINCT FROM OLD.approval_id"),
    refusal("staffing_no_delete", "BEFORE DELETE ON staffing_periods", "staffing history cannot be deleted"),
    # --- reserved: usage approvals ----------------------------------------------------------
    PgTrigger("approval_add", "AFTER INSERT ON usage_approvals", """
    IF NOT EXISTS (SELECT 1 FROM quotas WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id) THEN
        """ + refuse("no quota row for this unit and kind") + """
    END IF;
    UPDATE quotas SET reserved = reserved + NEW.count - NEW.used_count
    WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id;""", when="NEW.status = 'active'"),
    PgTrigger("approval_change", "AFTER UPDATE ON usage_approvals", """
    IF OLD.status = 'active' THEN
        UPDATE quotas SET reserved = reserved - (OLD.count - OLD.used_count)
        WHERE unit_id = OLD.unit_id AND kind_id = OLD.kind_id;
    END IF;
    IF NEW.status = 'active' THEN
        UPDATE quotas SET reserved = reserved + (NEW.count - NEW.used_count)
        WHERE unit_id = NEW.unit_id AND kind_id = NEW.kind_id;
    END IF;"""),
    refusal("approval_no_delete", "BEFORE DELETE ON usage_approvals", "usage approvals cannot be deleted"),
    # --- posts used: appointments -----------------------------------------------------------
    PgTrigger("appointment_add", "AFTER INSERT ON appointments", """
    IF NOT EXISTS (SELECT 1 FROM post_limits WHERE unit_id = NEW.unit_id AND post_kind_id = NEW.post_kind_id) THEN
        """ + refuse("no post limit row for this unit and post kind") + """
    END IF;
    UPDATE post_limits SET used = used + 1 WHERE unit_id = NEW.unit_id AND post_kind_id = NEW.post_kind_id;""",
              when="NEW.end_date IS NULL"),
    PgTrigger("appointment_end", "AFTER UPDATE OF end_date ON appointments",
              "UPDATE post_limits SET used = used - 1 WHERE unit_id = OLD.unit_id AND post_kind_id = OLD.post_kind_id;",
              when="OLD.end_date IS NULL AND NEW.end_date IS NOT NULL"),
    refusal("appointment_immutable", "BEFORE UPDATE ON appointments", "appointment history cannot be rewritten",
            when="OLD.end_date IS NOT NULL OR NEW.person_id IS DISTINCT FROM OLD.person_id"
                 " OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.post_kind_id IS DISTINCT FROM OLD.post_kind_id"
                 " OR NEW.start_date IS DISTINCT FROM OLD.start_date"),
    refusal("appointment_no_delete", "BEFORE DELETE ON appointments", "appointment history cannot be deleted"),
    # --- pool allocated: quotas -------------------------------------------------------------
    PgTrigger("quota_add", "AFTER INSERT ON quotas", """
    IF NOT EXISTS (SELECT 1 FROM region_pools WHERE kind_id = NEW.kind_id) THEN
        """ + refuse("no region pool row for this kind") + """
    END IF;
    UPDATE region_pools SET allocated = allocated + NEW.approved WHERE kind_id = NEW.kind_id;"""),
    PgTrigger("quota_approved", "AFTER UPDATE OF approved ON quotas",
              "UPDATE region_pools SET allocated = allocated + NEW.approved - OLD.approved"
              " WHERE kind_id = NEW.kind_id;",
              when="NEW.approved <> OLD.approved"),
    refusal("quota_key_immutable", "BEFORE UPDATE ON quotas", "quota rows cannot move",
            when="NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.kind_id IS DISTINCT FROM OLD.kind_id"),
    refusal("quota_no_delete", "BEFORE DELETE ON quotas", "quota rows cannot be deleted"),
    # --- the ledger: append-only and chained --------------------------------------------------
    PgTrigger("ledger_append", "BEFORE INSERT ON ledger", f"""
    IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger)
       OR NEW.prev_hash IS DISTINCT FROM COALESCE((SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1), '{_GENESIS}')
    THEN
        """ + refuse("ledger entries must extend the chain") + """
    END IF;"""),
    refusal("ledger_no_update", "BEFORE UPDATE ON ledger", "the ledger is append-only"),
    refusal("ledger_no_delete", "BEFORE DELETE ON ledger", "the ledger is append-only"),
    # --- serial ids follow max(id) ------------------------------------------------------------
    ID_FOLLOWS_FUNCTION,
    *(id_follows(table) for table in ("regions", "establishment_kinds", "post_kinds", "documents", "units",
                                      "quota_history", "pool_history", "post_limit_history", "usage_approvals",
                                      "persons", "staffing_periods", "appointments")),
    # The seeded kinds were inserted before their triggers existed.
    *(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}) + 1, false)"
      for table in ("establishment_kinds", "post_kinds")),
]


def downgrade() -> None:
    raise NotImplementedError("The first revision is not downgraded: restore a backup instead")
