"""Data packages (数据上报, issue 18): the book's own key pairs, the subordinate regions a city registers, the
package it holds from each, the anchors of each county's ledger chain, and the county's roster as the city keeps it.

Plain tables and indexes only (no trigger, no SQLite-only SQL), so the PostgreSQL twin is the same DDL.

- book_keys: one row. The signing pair (Ed25519) and the encryption pair (X25519); the private parts sealed by a
  key derived from the book's data key (personal/keyring), so they open only after a sign-in.
- subregions: a registered subordinate region (code, name, its public keys and their fingerprint).
- region_packages: the package held per region (one row per region, replaced by a newer one): its manifest and
  its figures (pools, units with quotas and posts, approvals) as canonical JSON, the county's ledger head.
- region_anchors: every county ledger head a package brought, oldest first (kept when the package is replaced).
- region_persons: the roster of the held package, each ID number re-sealed under this book's data key and found
  by this book's keyed hash (the same hash as persons.id_hash: duplicates across regions and with 市本级).

Revision ID: 0006. Revises: 0005.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "book_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sign_alg", sa.String(20), nullable=False),
        sa.Column("sign_public", sa.LargeBinary, nullable=False),
        sa.Column("sign_private", sa.LargeBinary, nullable=False),  # sealed under the data key
        sa.Column("enc_alg", sa.String(20), nullable=False),
        sa.Column("enc_public", sa.LargeBinary, nullable=False),
        sa.Column("enc_private", sa.LargeBinary, nullable=False),  # sealed under the data key
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "subregions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(6), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("sign_alg", sa.String(20), nullable=False),
        sa.Column("sign_public", sa.LargeBinary, nullable=False),
        sa.Column("enc_alg", sa.String(20), nullable=False),
        sa.Column("enc_public", sa.LargeBinary, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.String(32), nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "region_packages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("region_id", sa.Integer, sa.ForeignKey("subregions.id"), nullable=False, unique=True),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),  # SHA-256 of the package's signed manifest
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "region_anchors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("region_id", sa.Integer, sa.ForeignKey("subregions.id"), nullable=False, index=True),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "region_persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("region_id", sa.Integer, sa.ForeignKey("subregions.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("id_region", sa.String(6), nullable=False),
        sa.Column("id_tail", sa.String(4), nullable=False),
        sa.Column("gender", sa.String(2), nullable=False),
        sa.Column("birth_year", sa.Integer, nullable=False),
        sa.Column("id_cipher", sa.LargeBinary, nullable=False),
        sa.Column("id_hash", sa.LargeBinary, nullable=False, index=True),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("post", sa.String(10)),
        sa.Column("entered_on", sa.String(10), nullable=False),
    )


def downgrade() -> None:
    for table in ("region_persons", "region_anchors", "region_packages", "subregions", "book_keys"):
        op.drop_table(table)
