"""Back-dated operations (issue 14): an operation dated D (`--on`) changes every day from D to today, so it
is checked against the book as it stood on each of them, not only today's counters. No day may end with
  - a unit's persons and reservations of a kind over its approved quota (and its 只出不进 allowance);
  - a unit's appointments to a post kind over its post limit (and allowance);
  - the quotas allocated of a kind over the region pool (编制总额).
Only the days on which those figures can change need looking at: D itself and every later day a row of the
tables behind them starts (one walk, `_each_day`, serves all three).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bianzhi_app.catalog import Kind
from bianzhi_app.db.sql import rows
from bianzhi_app.errors import PoolExceeded, PostLimitExceeded, QuotaExceeded, RefusedError
from bianzhi_app.kernel import Tx
from bianzhi_app.ops.common import UnitRef
from bianzhi_app.queries.establishment import pool_totals, post_figures, quota_figures

# the quotas of one kind approved to the units on :as_of (each unit's latest history row, as status --as-of reads)
_ALLOCATED = ("SELECT sum(approved) FROM (SELECT approved, row_number() OVER (PARTITION BY unit_id"
              " ORDER BY effective_on DESC, ledger_seq DESC, id DESC) AS rank FROM quota_history"
              " WHERE kind_id = :k AND effective_on <= :as_of) AS latest WHERE rank = 1")
_NOTE = "(补登过去日期的变动,须使此后每一天都符合规定)"


def _each_day(tx: Tx, since: dt.date, starts: list[str], params: dict[str, Any],
              over: Callable[[dt.date], str | None], refusal: type[RefusedError]) -> None:
    """Raise `refusal` with the message `over(day)` gives for the first day from `since` to yesterday that ends
    wrong; the days looked at are `since` and every later day one of the `starts` queries (one date column,
    bound :d and :t) yields. Today is the live counters' business (checked by the op itself)."""
    if since >= tx.today:
        return
    bounds = {**params, "d": since.isoformat(), "t": tx.today.isoformat()}
    found = rows(tx.conn, " UNION ".join(starts), bounds)
    days = {since} | {value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
                      for (value,) in found}
    for day in sorted(days):
        if day >= tx.today:
            break
        message = over(day)
        if message is not None:
            raise refusal(message + _NOTE, field="date")


def _later(table: str, column: str, where: str) -> str:
    return f"SELECT {column} FROM {table} WHERE {where} AND {column} > :d AND {column} <= :t"


def check_every_day_since(tx: Tx, unit: UnitRef, kind: Kind, since: dt.date) -> None:
    """Refuse (QuotaExceeded, exit 3) when, with this transaction's writes, some day from `since` to yesterday
    ends over quota in `unit` and `kind`."""
    mine = "unit_id = :u AND kind_id = :k"

    def over(day: dt.date) -> str | None:
        f = quota_figures(tx.conn, as_of=day, unit_id=unit.id).get((unit.id, kind.id))
        if f is None or f["used"] + f["reserved"] <= f["approved"] + f["allowance"]:
            return None
        return (f"{unit.name} {kind.name}补登{since.isoformat()}的变动后,{day.isoformat()}当天将超编:"
                f"核定{f['approved']}名,实有{f['used']}名,在途{f['reserved']}名")

    _each_day(tx, since, [_later("staffing_periods", "start_date", mine), _later("quota_history", "effective_on", mine),
                          _later("usage_approvals", "issued_on", mine)],
              {"u": unit.id, "k": kind.id}, over, QuotaExceeded)


def check_posts_every_day_since(tx: Tx, unit: UnitRef, post: Kind, since: dt.date) -> None:
    """Refuse (PostLimitExceeded, exit 3) when, with this transaction's writes, some day from `since` to
    yesterday ends with more appointments to `post` in `unit` than its post limit (and allowance)."""
    mine = "unit_id = :u AND post_kind_id = :p"

    def over(day: dt.date) -> str | None:
        f = post_figures(tx.conn, as_of=day, unit_id=unit.id).get((unit.id, post.id))
        if f is None or f["used"] <= f["limit"] + f["allowance"]:
            return None
        return (f"{unit.name} {post.name}补登{since.isoformat()}的变动后,{day.isoformat()}当天将超职数:"
                f"职数{f['limit']}名,已配{f['used']}名")

    _each_day(tx, since, [_later("appointments", "start_date", mine),
                          _later("post_limit_history", "effective_on", mine)],
              {"u": unit.id, "p": post.id}, over, PostLimitExceeded)


def check_pool_every_day_since(tx: Tx, kind: Kind, since: dt.date) -> None:
    """Refuse (PoolExceeded, exit 3) when, with this transaction's writes, some day from `since` to yesterday
    ends with the quotas of `kind` approved to the units over the region pool in force that day (a day before
    the first recorded pool of the kind is not held against it)."""
    mine = "kind_id = :k"

    def over(day: dt.date) -> str | None:
        total = pool_totals(tx.conn, as_of=day).get(kind.id)
        if total is None:  # no pool recorded yet on that day (set later, dated today): nothing to hold against
            return None
        allocated = int(rows(tx.conn, _ALLOCATED, {"k": kind.id, "as_of": day.isoformat()})[0][0] or 0)
        if allocated <= total:
            return None
        return (f"{kind.name}编制总额补登{since.isoformat()}的变动后,{day.isoformat()}当天将超出:"
                f"编制总额{total}名,已分配各单位{allocated}名")

    _each_day(tx, since, [_later("quota_history", "effective_on", mine), _later("pool_history", "effective_on", mine)],
              {"k": kind.id}, over, PoolExceeded)
