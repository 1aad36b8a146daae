"""Initial load as 建账: `import --initial` writes one 建账 entry (unit.establish) per unit, holding the unit's
figures and a digest of its persons, and none per person; the persons are in the history tables, so
`--as-of` rebuilds any day; `check` verifies each digest. An ordinary import keeps an entry per person."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from pathlib import Path

from bookhelpers import DOC, Cli, person_id, signed_in
from test_import import DOC2, initial_file, run_import, workbook
from test_workbook import make_id

from bianzhi_app.book import Book
from bianzhi_app.check import roster_line
from bianzhi_app.reports.describe import describe_change, describe_figures

FILE_DOC = "初始导入:县里的数据.xlsx"


def established(region: Cli, tmp_path: Path, path: Path | None = None, *options: str, db: str = "empty.db") -> Cli:
    cli = Cli(tmp_path / db, region.capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    code, payload, err = run_import(cli, path or initial_file(tmp_path), "--initial", *options)
    assert code == 0, err
    assert payload["committed"] is True
    return cli


def entries(cli: Cli, op: str | None = None) -> list[dict]:
    found = cli.json("ledger")["entries"]
    return [e for e in found if op is None or e["op"] == op]


def ids_in_book(cli: Cli) -> dict[str, int]:
    """ID number → person id, the numbers opened with a signed-in session's key (the book holds them sealed)."""
    with signed_in(cli.db) as book, book.read() as conn:
        keys = book.personal
        assert keys is not None
        found = conn.exec_driver_sql("SELECT id, id_cipher FROM persons")
        return {keys.decrypt_id(sealed): pid for pid, sealed in found}


def test_one_establish_entry_per_unit_and_none_per_person(region: Cli, tmp_path: Path) -> None:
    cli = established(region, tmp_path)
    ops = Counter(e["op"] for e in entries(cli))
    assert ops == {"region.init": 1, "pool.set": 2, "unit.establish": 2}
    office, archive = entries(cli, "unit.establish")
    assert (office["unit"], archive["unit"]) == ("区委办公室", "区档案馆")
    assert {office["doc"], archive["doc"]} == {FILE_DOC}
    assert office["effective_on"] == archive["effective_on"] == "2015-03-01"  # the earliest entry date
    after = office["after"]
    assert {k: after[k] for k in ("name", "category", "rank", "funding")} == {
        "name": "区委办公室", "category": "党委工作机关", "rank": "正科", "funding": "全额拨款"}
    assert after["quota"] == {"xz": {"approved": 2, "used": 3, "reserved": 0, "allowance": 1}}
    assert after["posts"] == {"zz": {"limit": 1, "used": 2, "allowance": 1}}
    assert after["persons"]["count"] == {"xz": 3} and after["persons"]["held"] == 2
    assert archive["after"]["quota"] == {"sy": {"approved": 3, "used": 1, "reserved": 0, "allowance": 0}}
    assert archive["after"]["persons"]["count"] == {"sy": 1} and archive["after"]["persons"]["held"] == 0
    assert archive["after"]["parent_id"] == cli.json("status", "--unit", "区委办公室")["units"][0]["id"]
    for entry in (office, archive):  # no full ID number anywhere in the entry
        text = json.dumps(entry, ensure_ascii=False)
        assert not any(number in text for number in ids_in_book(cli))
    assert cli.ok("check")


def test_the_digest_matches_the_persons(region: Cli, tmp_path: Path) -> None:
    cli = established(region, tmp_path)
    ids = ids_in_book(cli)
    office, archive = entries(cli, "unit.establish")
    expected = hashlib.sha256()
    for name, number, entered, post in (("甲", person_id(1), "2015-03-01", "zz"),
                                        ("乙", person_id(2), "2016-03-01", "zz"),
                                        ("丙", person_id(3), "2017-03-01", None)):
        expected.update(roster_line(ids[number], number, name, "xz", dt.date.fromisoformat(entered), post))
    assert office["after"]["persons"]["sha256"] == expected.hexdigest()
    assert office["detail"]["person_ids"] == sorted(ids[person_id(n)] for n in (1, 2, 3))[::2]
    ding = make_id("19800101", "44")
    assert archive["after"]["persons"]["sha256"] == hashlib.sha256(
        roster_line(ids[ding], ding, "丁", "sy", dt.date.today(), None)).hexdigest()


def test_as_of_before_and_after_the_load(region: Cli, tmp_path: Path) -> None:
    cli = established(region, tmp_path)

    def figures(day: str) -> dict[str, dict]:
        return {u["name"]: u for u in cli.json("status", "--as-of", day)["units"]}

    code, _out, err = cli("status", "--as-of", "2015-02-28")
    assert code != 0 and "早于" in err
    first = figures("2015-06-01")
    assert first["区委办公室"]["quota"]["xz"]["approved"] == 2 and first["区委办公室"]["quota"]["xz"]["used"] == 1
    assert first["区委办公室"]["posts"]["zz"]["used"] == 1
    assert first["区档案馆"]["quota"]["sy"]["approved"] == 3 and first["区档案馆"]["quota"]["sy"]["used"] == 0
    second = figures("2016-06-01")
    assert second["区委办公室"]["quota"]["xz"]["used"] == 2 and second["区委办公室"]["posts"]["zz"]["used"] == 2
    now = figures(dt.date.today().isoformat())
    assert now["区委办公室"]["quota"]["xz"]["used"] == 3 and now["区档案馆"]["quota"]["sy"]["used"] == 1
    assert {p["name"] for p in cli.json("roster", "--as-of", "2016-06-01")["persons"]} == {"甲", "乙"}


def test_check_finds_a_hand_edited_person_and_accepts_later_changes(region: Cli, tmp_path: Path) -> None:
    cli = established(region, tmp_path)
    # Ordinary changes after the load are entries of their own; the 建账 digest still holds.
    cli.ok("person", "leave", person_id(3), "--reason", "退休")
    cli.ok("pool", "set", "sy", "10", "--doc", DOC)
    cli.ok("quota", "set", "区档案馆", "sy", "4", "--doc", DOC)
    cli.ok("approval", "add", "区档案馆", "sy", "1", "--method", "公开招聘", "--doc", DOC)
    cli.ok("person", "enter", "区档案馆", "sy", "--name", "戊", "--id", person_id(9))
    assert cli.ok("check")
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE persons SET name = '某' WHERE id = ?", (ids_in_book(cli)[person_id(2)],))
    code, out, err = cli("check")
    assert code == 6
    assert "建账记录不符" in out + err and "区委办公室" in out + err


def test_a_refused_person_leaves_the_unit_established_without_them(region: Cli, tmp_path: Path) -> None:
    path = workbook(tmp_path, [["区委办公室", None, "党委工作机关", "正科", "全额拨款", 1, None, None, None]], [
        ["甲", person_id(1), "区委办公室", "行政编制", None, "2015-03-01"],
        ["乙", person_id(2), "区委办公室", "行政编制", None, "2016-03-01"],
        ["丙", make_id("20100101", "11"), "区委办公室", "行政编制", None, "2016-03-01"],  # 6 years old then
    ], "refused.xlsx")
    cli = Cli(tmp_path / "empty.db", region.capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    code, payload, _err = run_import(cli, path, "--initial")
    assert code == 4 and payload["committed"] is False
    assert [(p["sheet"], p["row"], p["column"][:1]) for p in payload["problems"]] == [("人员", 5, "B")]
    assert entries(cli, "unit.establish") == []
    cli = established(region, tmp_path, path, "--skip-invalid", db="skipped.db")
    [entry] = entries(cli, "unit.establish")
    assert entry["after"]["quota"]["xz"] == {"approved": 1, "used": 2, "reserved": 0, "allowance": 1}
    assert entry["after"]["persons"]["count"] == {"xz": 2}
    assert cli.ok("check")


def test_ordinary_import_keeps_an_entry_per_person(region: Cli, tmp_path: Path) -> None:
    region.ok("approval", "add", "区农业农村局", "xz", "2", "--method", "公开招录", "--doc", DOC)
    path = workbook(tmp_path, [], [["张三", person_id(1), "区农业农村局", "行政编制", "正职", None],
                                   ["李四", person_id(2), "区农业农村局", "行政编制", None, None]])
    region.ok("posts", "set", "区农业农村局", "zz", "1", "--doc", DOC)
    code, _payload, err = run_import(region, path, "--doc", DOC2)
    assert code == 0, err
    ops = Counter(e["op"] for e in entries(region))
    assert ops["person.enter"] == 2 and ops["person.appoint"] == 1 and ops["unit.establish"] == 0
    assert region.ok("check")


def test_the_establish_entry_in_words(region: Cli, tmp_path: Path) -> None:
    cli = established(region, tmp_path)
    office = entries(cli, "unit.establish")[0]
    with Book.open(cli.db) as book:
        catalog = book.catalog
    assert describe_change(office, catalog) == "建账"
    words = describe_figures(office["after"], catalog)
    assert "人员:" in words and "人数 行政3" in words and "任职2" in words and "摘要:" in words
    assert "行政 只出不进额度1 核定2 在途0 实有3" in words and "正职 只出不进额度1 职数1 实配2" in words
    assert not {"persons", "count", "held", "sha256", "quota", "posts"} & set(words.replace(":", " ").split())
    from ui.ledger_text import Names, entry_text

    assert entry_text(office, Names(catalog)) == "党委工作机关 正科 全额拨款 行政编制 3名 任职2名"
