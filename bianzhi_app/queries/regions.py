"""The city's view over its subordinate regions (issue 18): each registered region's figures as its newest
held data package gives them, their total, and the city's own units (市本级). One read for `status --by-region`
and the summary report, so both print the same numbers."""

from __future__ import annotations

import json
from typing import Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import rows

FIGURES = ("approved", "used", "reserved", "vacancy", "overage")


def has_subregions(conn: Any) -> bool:
    """True for a book that registered subordinate regions (a city or a province)."""
    return bool(rows(conn, "SELECT 1 FROM subregions LIMIT 1"))


def totals(units: list[dict[str, Any]], kinds: list[str]) -> dict[str, dict[str, int]]:
    """Per kind, the sum over units of approved, used, reserved, vacancy and overage."""
    return {k: {f: sum(int(u["quota"].get(k, {}).get(f, 0)) for u in units) for f in FIGURES} for k in kinds}


def region_figures(conn: Any, catalog: Catalog) -> dict[str, Any]:
    """Per registered region its held package's as-of day, the county's ledger head and totals per kind; their
    sum as ``total``; the city's own units (市本级) as ``own``. A region without a package yet has zeros."""
    from bianzhi_app.queries.establishment import status

    found = rows(conn, "SELECT r.name, r.code, p.as_of, p.head_seq, p.head_hash, p.figures, p.imported_at,"
                       " (SELECT count(*) FROM region_persons x WHERE x.region_id = r.id)"
                       " FROM subregions r LEFT OUTER JOIN region_packages p ON p.region_id = r.id ORDER BY r.code")
    own = status(conn, catalog)
    kinds = [k.code for k in catalog.kinds]
    zero = dict.fromkeys(FIGURES, 0)
    regions = []
    for name, code, as_of, seq, head, figures, imported_at, persons in found:
        package = json.loads(figures) if figures else {}
        held = package.get("totals", {})
        region_kinds = list(dict.fromkeys([*kinds, *held]))
        regions.append({"name": name, "code": code, "as_of": as_of,
                        "ledger_head": {"seq": seq, "hash": head} if seq is not None else None,
                        "imported_at": imported_at, "persons": int(persons), "units": len(package.get("units", [])),
                        "totals": {k: {**zero, **held.get(k, {})} for k in region_kinds}})
    all_kinds = list(dict.fromkeys([*kinds, *(k for r in regions for k in r["totals"])]))
    total = {k: {f: sum(r["totals"].get(k, zero)[f] for r in regions) for f in FIGURES} for k in all_kinds}
    return {"region": own["region"], "regions": regions, "total": total,
            "own": {"totals": totals(own["units"], kinds), "ledger_head": own["ledger_head"]}}


def held_packages(conn: Any) -> list[dict[str, Any]]:
    """Per registered region (by code) its name, code, the held package's as-of day (None: 未报), its kinds
    ({code, name}) and units (each with its quota per kind code): what the city's window shows read-only."""
    found = rows(conn, "SELECT r.name, r.code, p.as_of, p.figures FROM subregions r"
                       " LEFT OUTER JOIN region_packages p ON p.region_id = r.id ORDER BY r.code")
    result = []
    for name, code, as_of, figures in found:
        package = json.loads(figures) if figures else {}
        result.append({"name": str(name), "code": str(code), "as_of": as_of, "kinds": package.get("kinds", []),
                       "units": package.get("units", [])})
    return result
