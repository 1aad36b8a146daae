"""Back-dated operations (issue 14): an operation dated D (`--on`) changes every day from D to today, so it
is checked against the book as it stood on each of them, not only today's counters. No day may end with a unit's
persons and reservations of a kind over its approved quota (and its 只出不进 allowance). Only the days on which
those figures can rise need looking at: D itself and every later day a person entered, a quota was set or an
approval was issued in that unit and kind.
"""

from __future__ import annotations

import datetime as dt

from bianzhi_app.catalog import Kind
from bianzhi_app.db.sql import rows
from bianzhi_app.errors import QuotaExceeded
from bianzhi_app.kernel import Tx
from bianzhi_app.ops.common import UnitRef
from bianzhi_app.queries.establishment import quota_figures


def _days(tx: Tx, unit_id: int, kind_id: int, since: dt.date) -> list[dt.date]:
    params = {"u": unit_id, "k": kind_id, "d": since.isoformat(), "t": tx.today.isoformat()}
    found = rows(tx.conn, "SELECT start_date FROM staffing_periods WHERE unit_id = :u AND kind_id = :k"
                          " AND start_date > :d AND start_date <= :t"
                          " UNION SELECT effective_on FROM quota_history WHERE unit_id = :u AND kind_id = :k"
                          " AND effective_on > :d AND effective_on <= :t"
                          " UNION SELECT issued_on FROM usage_approvals WHERE unit_id = :u AND kind_id = :k"
                          " AND issued_on > :d AND issued_on <= :t", params)
    days = {since} | {value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
                      for (value,) in found}
    return sorted(days)


def check_every_day_since(tx: Tx, unit: UnitRef, kind: Kind, since: dt.date) -> None:
    """Refuse (QuotaExceeded, exit 3) when, with this transaction's writes, some day from `since` to yesterday
    ends over quota in `unit` and `kind`; today is the live counters' business (checked by the op itself)."""
    if since >= tx.today:
        return
    for day in _days(tx, unit.id, kind.id, since):
        if day >= tx.today:
            break
        f = quota_figures(tx.conn, as_of=day, unit_id=unit.id).get((unit.id, kind.id))
        if f is not None and f["used"] + f["reserved"] > f["approved"] + f["allowance"]:
            raise QuotaExceeded(
                f"{unit.name} {kind.name}补登{since.isoformat()}的变动后,{day.isoformat()}当天将超编:"
                f"核定{f['approved']}名,实有{f['used']}名,在途{f['reserved']}名"
                f"(补登过去日期的变动,须使此后每一天都不超编)", field="date")
