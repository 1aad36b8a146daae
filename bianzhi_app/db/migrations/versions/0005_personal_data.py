"""Personal data: ID numbers sealed (SM4-GCM, or AES-256-GCM where SM4 is missing) and found by a keyed hash
(HMAC-SM3, or HMAC-SHA256), under a new random data key wrapped per account and by the recovery key.

- book_crypto records the algorithms; key_wraps holds the wrapped data key (per account, the recovery key, or
  "open" in a book without accounts: created then replaced by the first admin's wrap).
- persons is rebuilt: the ID number only as id_cipher (sealed) and id_hash (unique: 一人一编); kept in clear
  the region code, the last four (the mask), sex and birth year; birth_date goes.
- Stored password and recovery-key hashes (scrypt result H) become verifiers V = SHA-256("bianzhi-verify"||H):
  the data key is wrapped for every account with the KEK its H gives, before H is replaced, so every account
  still signs in and reads the same roster, and the file no longer holds anything that unwraps the key.

On SQLite it runs with foreign keys off (bianzhi_app.db.migrate checks them before commit) so persons can be
rebuilt under staffing and appointments; `secure_delete` zeroes what is freed and the caller vacuums afterwards.
On PostgreSQL persons is altered in place (the new columns added, filled in batches, id_number and birth_date
dropped), so the foreign keys from staffing_periods and appointments, and persons' triggers, stay as they are;
the caller then rewrites the touched tables (VACUUM FULL) so no live page keeps a clear number or an old hash. Uses the
project's crypto module (the algorithms are recorded by name, so a later change there cannot reinterpret this).
The progress callback the caller passes in ``config.attributes["progress"]`` gets (done, total) persons.

Revision ID: 0005. Revises: 0004.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import context, op

from bianzhi_app.db.twins import id_follows, install

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    from bianzhi_app.accounts.passwords import upgrade_legacy
    from bianzhi_app.idcodes import id_from_15, normalize_code
    from bianzhi_app.personal import keyring

    conn = op.get_bind()
    server = conn.dialect.name == "postgresql"
    now = dt.datetime.now().astimezone()
    op.create_table(
        "book_crypto",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cipher", sa.String(20), nullable=False),
        sa.Column("mac", sa.String(20), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1", name="book_crypto_one_row"),
    )
    op.create_table(
        "key_wraps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id")),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.CheckConstraint("kind IN ('open', 'account', 'recovery')", name="key_wrap_kind"),
        sa.CheckConstraint("(kind = 'account') = (account_id IS NOT NULL)", name="key_wrap_account"),
    )
    op.create_index("ix_key_wraps_one", "key_wraps", ["kind", sa.text("coalesce(account_id, 0)")], unique=True)
    # No triggers of their own; on the server the serial ids follow explicit ones (`copy` writes them).
    install(op, sqlite=[], postgresql=[id_follows("book_crypto"), id_follows("key_wraps")])
    keys = keyring.create(conn, now)

    wrapped_any = False
    for account_id, stored in conn.execute(sa.text("SELECT id, password_hash FROM accounts")).all():
        verifier, kek = upgrade_legacy(stored)
        if kek is not None:
            keyring.wrap(conn, keys, kek, now, account_id=account_id)
            wrapped_any = True
        conn.execute(sa.text("UPDATE accounts SET password_hash = :v WHERE id = :i"), {"v": verifier, "i": account_id})
    for row_id, stored in conn.execute(sa.text("SELECT id, password_hash FROM password_history")).all():
        conn.execute(sa.text("UPDATE password_history SET password_hash = :v WHERE id = :i"),
                     {"v": upgrade_legacy(stored)[0], "i": row_id})
    recovery = conn.execute(sa.text("SELECT id, key_hash FROM recovery_keys ORDER BY id")).all()
    for index, (row_id, stored) in enumerate(recovery):
        verifier, kek = upgrade_legacy(stored)
        if kek is not None and index == len(recovery) - 1:  # only the newest recovery key works
            keyring.wrap(conn, keys, kek, now, account_id=None)
        conn.execute(sa.text("UPDATE recovery_keys SET key_hash = :v WHERE id = :i"), {"v": verifier, "i": row_id})
    if wrapped_any:
        keyring.drop_open(conn)

    total = conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one()
    progress = context.config.attributes.get("progress")
    if server:
        _seal_in_place(conn, keys, total, progress, id_from_15, normalize_code)
    else:
        _seal_by_rebuild(conn, keys, total, progress, id_from_15, normalize_code)
    if progress is not None and total == 0:
        progress(0, 0)


def _sealed_rows(batch, keys, id_from_15, normalize_code):  # type: ignore[no-untyped-def]
    rows = []
    for person_id, name, id_number in batch:
        code = normalize_code(id_number)
        if len(code) == 15 and code.isdigit():
            code = id_from_15(code)
        rows.append({"id": person_id, "name": name, **keys.person_columns(code)})
    return rows


def _seal_by_rebuild(conn, keys, total, progress, id_from_15, normalize_code) -> None:  # type: ignore[no-untyped-def]
    """SQLite: a new persons table with the sealed columns, filled in batches, then put in the old one's place."""
    op.create_table(
        "persons_sealed",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("id_region", sa.String(6), nullable=False),
        sa.Column("id_tail", sa.String(4), nullable=False),
        sa.Column("gender", sa.String(2), nullable=False),
        sa.Column("birth_year", sa.Integer, nullable=False),
        sa.Column("id_cipher", sa.LargeBinary, nullable=False),
        sa.Column("id_hash", sa.LargeBinary, nullable=False),
    )
    done, last = 0, 0
    insert = sa.text("INSERT INTO persons_sealed (id, name, id_region, id_tail, gender, birth_year, id_cipher,"
                     " id_hash) VALUES (:id, :name, :id_region, :id_tail, :gender, :birth_year, :id_cipher, :id_hash)")
    while True:
        batch = conn.execute(sa.text("SELECT id, name, id_number FROM persons WHERE id > :last ORDER BY id LIMIT :n"),
                             {"last": last, "n": BATCH}).all()
        if not batch:
            break
        conn.execute(insert, _sealed_rows(batch, keys, id_from_15, normalize_code))
        done, last = done + len(batch), batch[-1][0]
        if progress is not None:
            progress(done, total)
    op.drop_index("ix_persons_name", "persons")
    op.execute("DROP TABLE persons")
    op.execute("ALTER TABLE persons_sealed RENAME TO persons")
    op.create_index("ix_persons_name", "persons", ["name"])
    op.create_index("ix_persons_id_hash", "persons", ["id_hash"], unique=True)
    op.create_index("ix_persons_masked", "persons", ["id_region", "id_tail"])


def _seal_in_place(conn, keys, total, progress, id_from_15, normalize_code) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: ALTER TABLE persons in place (the rows under staffing and appointments keep their ids and the
    foreign keys to them stay): the new columns added, filled in batches with the same crypto, then made NOT NULL;
    id_number (and with it its unique constraint) and birth_date dropped; the same indexes as the SQLite path."""
    for column in (sa.Column("id_region", sa.String(6)), sa.Column("id_tail", sa.String(4)),
                   sa.Column("birth_year", sa.Integer), sa.Column("id_cipher", sa.LargeBinary),
                   sa.Column("id_hash", sa.LargeBinary)):
        op.add_column("persons", column)
    update = sa.text("UPDATE persons SET id_region = :id_region, id_tail = :id_tail, gender = :gender,"
                     " birth_year = :birth_year, id_cipher = :id_cipher, id_hash = :id_hash WHERE id = :id")
    done, last = 0, 0
    while True:
        batch = conn.execute(sa.text("SELECT id, name, id_number FROM persons WHERE id > :last ORDER BY id LIMIT :n"),
                             {"last": last, "n": BATCH}).all()
        if not batch:
            break
        conn.execute(update, _sealed_rows(batch, keys, id_from_15, normalize_code))
        done, last = done + len(batch), batch[-1][0]
        if progress is not None:
            progress(done, total)
    for name in ("id_region", "id_tail", "birth_year", "id_cipher", "id_hash"):
        op.alter_column("persons", name, nullable=False)
    op.drop_column("persons", "id_number")
    op.drop_column("persons", "birth_date")
    op.create_index("ix_persons_id_hash", "persons", ["id_hash"], unique=True)
    op.create_index("ix_persons_masked", "persons", ["id_region", "id_tail"])


def downgrade() -> None:
    raise NotImplementedError("Personal data is not decrypted back: restore the backup made before the migration")
