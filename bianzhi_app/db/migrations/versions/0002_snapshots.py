"""Quarter-end snapshots (季度数据封存): the frozen status figures of a quarter's last day.

Self-contained: declares its table here and never imports the live models. A snapshot is
never changed or removed (triggers), and a quarter is frozen at most once (unique key).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from bianzhi_app.db.twins import id_follows, install, refusal

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("quarter", sa.String(7), nullable=False, unique=True),  # e.g. 2026Q3
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),  # head as of period_end
        sa.Column("ledger_hash", sa.String(64), nullable=False),
        sa.Column("figures", sa.Text, nullable=False),  # status() of period_end, canonical JSON
        sa.Column("figures_sha256", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.String(32), nullable=False),
        sa.Column("taken_by", sa.String(100), nullable=False),
        sa.Column("entry_seq", sa.Integer, nullable=False),  # the ledger entry that recorded it
    )
    install(op, sqlite=[
        """CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
        BEGIN
            SELECT RAISE(ABORT, 'a quarter snapshot is frozen');
        END""",
        """CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
        BEGIN
            SELECT RAISE(ABORT, 'a quarter snapshot is frozen');
        END""",
    ], postgresql=[
        refusal("snapshots_no_update", "BEFORE UPDATE ON snapshots", "a quarter snapshot is frozen"),
        refusal("snapshots_no_delete", "BEFORE DELETE ON snapshots", "a quarter snapshot is frozen"),
        id_follows("snapshots"),
    ])


def downgrade() -> None:
    on = " ON snapshots" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS snapshots_no_update{on}")
    op.execute(f"DROP TRIGGER IF EXISTS snapshots_no_delete{on}")
    op.drop_table("snapshots")
