"""The roster's search gives the same persons on a file and on the server: the start of a name, within a unit
(where the query walks the unit's persons rather than a name index) or not, and text that looks like SQL operators
or LIKE wildcards, which is only ever a name's start (the tests/conftest.py both_backends marker)."""

import pytest
from bookhelpers import DOC, person_id, signed_in

pytestmark = pytest.mark.both_backends

NAMES = ("张一", "张二", "李三", "张三丰", "欧阳四")


@pytest.fixture
def staffed(region, db_path):  # type: ignore[no-untyped-def]
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "5", "--doc", DOC)
    for i, name in enumerate(NAMES):
        unit = "区司法局" if i % 2 else "区农业农村局"
        if unit == "区农业农村局":
            region.ok("approval", "add", unit, "xz", "1", "--method", "公开招录", "--doc", DOC)
        region.ok("person", "enter", unit, "xz", "--name", name, "--id", person_id(i))
    return db_path


def _found(db_path, **filters):  # type: ignore[no-untyped-def]
    with signed_in(db_path) as book:
        return sorted((r["name"], r["unit"]) for r in book.people.roster(**filters))


SEARCHES = [  # (search, unit, the persons found)
    ("张", None, [("张一", "区农业农村局"), ("张三丰", "区司法局"), ("张二", "区司法局")]),
    ("张", "区农业农村局", [("张一", "区农业农村局")]),
    ("张", "区司法局", [("张三丰", "区司法局"), ("张二", "区司法局")]),
    ("张三", "区司法局", [("张三丰", "区司法局")]),
    ("欧阳", "区农业农村局", [("欧阳四", "区农业农村局")]),
    (" 李 ", "区农业农村局", [("李三", "区农业农村局")]),
    ("+张", None, []), ("+张", "区农业农村局", []), ("-张", "区司法局", []),
    ("%", None, []), ("_", "区司法局", []), ("张%", None, []), ("'", None, []), ("张' OR '1'='1", None, []),
    ("||", "区司法局", []), ("\\", None, []),
]


def test_a_search_finds_the_same_persons_on_both_backends(staffed):  # type: ignore[no-untyped-def]
    found = {(search, unit): _found(staffed, search=search, unit=unit) for search, unit, _expected in SEARCHES}
    assert found == {(search, unit): expected for search, unit, expected in SEARCHES}


def test_a_search_by_region_code_and_full_number_within_a_unit(staffed):  # type: ignore[no-untyped-def]
    everyone = _found(staffed, search="610403", unit="区司法局")
    assert everyone == [("张三丰", "区司法局"), ("张二", "区司法局")]
    assert _found(staffed, search=person_id(1), unit="区司法局") == [("张二", "区司法局")]
    assert _found(staffed, search=person_id(1), unit="区农业农村局") == []


def test_unit_search_completions_and_documents_agree_on_both_backends(staffed):  # type: ignore[no-untyped-def]
    """The unit tree's search, the unit field's completions and the documents page: a part of the name, never
    a wildcard or an operator (SQLite's instr, PostgreSQL's strpos; names in code-point order on both)."""
    from bianzhi_app import queries as q

    with signed_in(staffed) as book, book.read() as conn:
        for term in ("局", "司法", "+局", "%", "_", "\\", "'", "区%局"):
            units = [n.name for n in q.unit_search(conn, term)]
            first = q.unit_search(conn, term, limit=1)
            rest = [n.name for n in q.unit_search(conn, term, after=(first[0].name, first[0].id))] if first else []
            completions = [name for _id, name in q.unit_completions(conn, term)]
            documents = {d["number"] for d in q.documents_page(conn, term)}
            expected = {"局": ["区农业农村局", "区司法局"], "司法": ["区司法局"]}.get(term, [])
            assert units == expected and rest == expected[1:], term
            assert completions == sorted(expected, key=lambda n: (not n.startswith(term), len(n), n)), term
            assert documents == ({DOC} if term in DOC else set()), term
