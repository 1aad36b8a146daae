"""Ledger entries of what happened to the book's file rather than to its figures: a stale lock broken,
a backup restored. The safety modules that do those things know no ledger; `bianzhi_app.recovery`
calls these after them."""

from __future__ import annotations

from typing import Any

from bianzhi_app.kernel import Change, Op, Tx


def record_lock_broken(tx: Tx, *, holder: dict[str, Any], described: str) -> Change:
    """Ledger entry for a stale lock that was removed; the old holder goes into the detail."""
    return tx.record(Op.LOCK_BROKEN, unit_id=None, unit_name=None, effective_on=tx.today,
                     detail={"holder": holder, "described": described})


def record_restored(tx: Tx, *, detail: dict[str, Any]) -> Change:
    """Ledger entry for a restore, chained onto the restored head; the detail names both heads."""
    return tx.record(Op.BOOK_RESTORED, unit_id=None, unit_name=None, effective_on=tx.today, detail=detail)
