"""Grandfather-father-son retention: which backups to keep.  Pure; ``backup.thin_backups`` deletes.

Rules, each applied on its own and the kept sets united (the style of borg/restic ``--keep-*``):

* the newest backup is always kept, and so is every backup younger than ``keep_within`` (or dated in
  the future: a wrong clock must not cost data);
* ``keep_daily``: the newest backup of each of the last N calendar days *that have backups*;
* ``keep_weekly``: likewise for ISO weeks, ``keep_monthly`` for calendar months.

Counting periods that have backups, rather than periods back from today, means that leaving the app
unused for a while never thins more: a holiday does not eat the daily backups of the week before it.
Days, weeks and months are those of the local time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

DEFAULT_KEEP_WITHIN = dt.timedelta(hours=24)


def as_local(when: dt.datetime) -> dt.datetime:
    """An aware datetime in the local time zone; a naive one is taken to be local already."""
    return when.astimezone()


def _day(d: dt.datetime) -> Hashable:
    return d.date()


def _week(d: dt.datetime) -> Hashable:
    iso = d.isocalendar()
    return (iso.year, iso.week)


def _month(d: dt.datetime) -> Hashable:
    return (d.year, d.month)


def select_kept(
    stamps: Mapping[K, dt.datetime],
    *,
    now: dt.datetime,
    keep_daily: int = 7,
    keep_weekly: int = 4,
    keep_monthly: int = 12,
    keep_within: dt.timedelta = DEFAULT_KEEP_WITHIN,
) -> set[K]:
    """The keys of ``stamps`` (backup -> creation time) to keep.  Refuses negative counts (ValueError)."""
    if min(keep_daily, keep_weekly, keep_monthly) < 0 or keep_within < dt.timedelta(0):
        raise ValueError("retention counts must not be negative")
    local = {k: as_local(v) for k, v in stamps.items()}
    order = sorted(local, key=lambda k: local[k], reverse=True)
    if not order:
        return set()
    cutoff = as_local(now) - keep_within
    keep = {order[0]} | {k for k in order if local[k] > cutoff}
    rules: tuple[tuple[int, Callable[[dt.datetime], Hashable]], ...] = (
        (keep_daily, _day), (keep_weekly, _week), (keep_monthly, _month),
    )
    for count, period_of in rules:
        seen: set[Hashable] = set()
        for k in order:
            period = period_of(local[k])
            if period in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(period)
            keep.add(k)
    return keep
