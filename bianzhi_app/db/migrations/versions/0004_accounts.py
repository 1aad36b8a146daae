"""Accounts, roles, policy, proposals (待审事项) and the security log; the ledger names an approver.

Self-contained (no live models). The security log is append-only and hash-chained like the ledger
(triggers refuse an entry that does not extend the chain, and any update or delete). A proposal may
change its status once, from pending; its content never changes.

Revision ID: 0004. Revises: 0003.
"""

import sqlalchemy as sa
from alembic import op

from bianzhi_app.db.twins import PgTrigger, id_follows, install, refusal, refuse

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("roles", sa.String(100), nullable=False),  # comma-separated role codes, sorted
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("password_changed_at", sa.String(32), nullable=False),
        sa.Column("must_change", sa.Boolean, nullable=False),
        sa.Column("failed_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.String(32)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "policy",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(40), nullable=False),
    )
    op.create_table(
        "recovery_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "proposals",
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("area", sa.String(20), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("arguments", sa.Text, nullable=False),  # canonical JSON of the method's keyword arguments
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),  # the figures when proposed (canonical JSON)
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("proposer", sa.String(64), nullable=False),
        sa.Column("proposed_at", sa.String(32), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", sa.String(32)),
        sa.Column("reason", sa.Text),
        sa.Column("ledger_seq", sa.Integer),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="proposal_status"),
    )
    op.create_table(
        "security_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.add_column("ledger", sa.Column("approver", sa.String(64)))  # plain ALTER: the ledger's triggers stay
    install(op, sqlite=[
        f"""CREATE TRIGGER security_log_append BEFORE INSERT ON security_log
        WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM security_log)
          OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM security_log ORDER BY seq DESC LIMIT 1), '{_GENESIS}')
        BEGIN
            SELECT RAISE(ABORT, 'security log entries must extend the chain');
        END""",
        """CREATE TRIGGER security_log_no_update BEFORE UPDATE ON security_log
        BEGIN
            SELECT RAISE(ABORT, 'the security log is append-only');
        END""",
        """CREATE TRIGGER security_log_no_delete BEFORE DELETE ON security_log
        BEGIN
            SELECT RAISE(ABORT, 'the security log is append-only');
        END""",
        """CREATE TRIGGER proposal_decided_once BEFORE UPDATE ON proposals
        WHEN OLD.status <> 'pending' OR NEW.area IS NOT OLD.area OR NEW.method IS NOT OLD.method
          OR NEW.arguments IS NOT OLD.arguments OR NEW.proposer IS NOT OLD.proposer
          OR NEW.before IS NOT OLD.before OR NEW.after IS NOT OLD.after
        BEGIN
            SELECT RAISE(ABORT, 'a proposal is decided once and its content never changes');
        END""",
        """CREATE TRIGGER proposal_no_delete BEFORE DELETE ON proposals
        BEGIN
            SELECT RAISE(ABORT, 'proposals are kept');
        END""",
    ], postgresql=[
        PgTrigger("security_log_append", "BEFORE INSERT ON security_log", f"""
        IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq), 0) + 1 FROM security_log)
           OR NEW.prev_hash IS DISTINCT FROM
              COALESCE((SELECT hash FROM security_log ORDER BY seq DESC LIMIT 1), '{_GENESIS}')
        THEN
            {refuse("security log entries must extend the chain")}
        END IF;"""),
        refusal("security_log_no_update", "BEFORE UPDATE ON security_log", "the security log is append-only"),
        refusal("security_log_no_delete", "BEFORE DELETE ON security_log", "the security log is append-only"),
        refusal("proposal_decided_once", "BEFORE UPDATE ON proposals",
                "a proposal is decided once and its content never changes",
                when="OLD.status <> 'pending' OR NEW.area IS DISTINCT FROM OLD.area"
                     " OR NEW.method IS DISTINCT FROM OLD.method OR NEW.arguments IS DISTINCT FROM OLD.arguments"
                     " OR NEW.proposer IS DISTINCT FROM OLD.proposer OR NEW.before IS DISTINCT FROM OLD.before"
                     " OR NEW.after IS DISTINCT FROM OLD.after"),
        refusal("proposal_no_delete", "BEFORE DELETE ON proposals", "proposals are kept"),
        *(id_follows(table) for table in ("accounts", "password_history", "recovery_keys")),
        id_follows("proposals", "number"),
    ])


def downgrade() -> None:
    raise NotImplementedError("Accounts are not downgraded: restore a backup instead")
