"""Data packages (issue 18): counties built through the core, packaged, imported into a city book and compared
figure by figure with their own `status`; tampered, foreign, older and repeated packages; a package as of a
past day; a person on establishment in two counties; no full ID number in a package's bytes."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, fingerprint, valid_id, with_accounts
from leakcheck import leaks

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput
from bianzhi_app.packages import fileformat

EARLY, LATER = dt.date(2026, 2, 1), dt.date(2026, 6, 1)


def person(code: str, n: int) -> str:
    return valid_id(f"{code}1985{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n:03d}")


def build_county(path: Path, name: str, code: str, *, persons: int = 6, shared: str | None = None) -> list[str]:
    """A small county through the core: pools, two units with quotas and posts, an approval, persons entered on
    two days (some before LATER, the rest after), one appointed; with accounts for the command line after."""
    ids = [person(code, n) for n in range(persons)]
    with Book.open(path) as book:
        book.region.init(name=name, code=code, on=dt.date(2026, 1, 5))
        book.region.set_pool(kind="xz", total=40, doc=DOC, on=dt.date(2026, 1, 5))
        book.region.set_pool(kind="sy", total=60, doc=DOC, on=dt.date(2026, 1, 5))
        book.units.add(name=f"{name}财政局", category="政府工作部门", rank="正科", doc=DOC, requires_approval=False,
                       on=dt.date(2026, 1, 5), quotas={"xz": 12}, post_limits={"zz": 1, "fz": 2})
        book.units.add(name=f"{name}教育中心", category="事业单位", rank="正科", doc=DOC, requires_approval=False,
                       on=dt.date(2026, 1, 5), quotas={"sy": 20})
        for i, number in enumerate(ids):
            unit, kind = (f"{name}财政局", "xz") if i % 2 == 0 else (f"{name}教育中心", "sy")
            book.staff.enter(unit=unit, kind=kind, name=f"{name}人员{i}", id_number=number,
                             on=EARLY if i < persons // 2 else LATER)
        if shared is not None:
            book.staff.enter(unit=f"{name}教育中心", kind="sy", name="两地人", id_number=shared, on=LATER)
        book.posts.appoint(id_number=ids[0], post="zz", on=LATER)
        book.approvals.add(unit=f"{name}教育中心", kind="sy", count=2, method="公开招聘", doc=DOC)
    with_accounts(path)
    return ids + ([shared] if shared else [])


@pytest.fixture
def world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """A city (咸阳市 610400) and two registered counties (兴平市 610481, 武功县 610431) with a person on
    establishment in both; each book's public key in a file."""
    shared = person("610431", 900)
    city = Cli(tmp_path / "city.db", capsys)
    city.ok("init", "--region", "咸阳市", "--code", "610400")
    counties = {}
    for name, code in (("兴平市", "610481"), ("武功县", "610431")):
        path = tmp_path / f"{code}.db"
        ids = build_county(path, name, code, shared=shared)
        counties[code] = {"cli": Cli(path, capsys), "ids": ids, "name": name}
    (tmp_path / "city.key").write_text(city.ok("package", "key"), encoding="utf-8")
    for code, county in counties.items():
        key = tmp_path / f"{code}.key"
        key.write_text(county["cli"].ok("package", "key"), encoding="utf-8")
        city.ok("region", "add", county["name"], "--code", code, "--key", str(key))
    return {"city": city, "counties": counties, "dir": tmp_path, "shared": shared}


def export(world: dict, code: str, *extra: str, name: str | None = None) -> Path:
    target = world["dir"] / (name or f"{code}.bzp")
    world["counties"][code]["cli"].ok("package", "export", str(target), "--to", str(world["dir"] / "city.key"),
                                      *extra)
    return target


def test_key_text_names_region_and_reads_back(world: dict) -> None:
    text = (world["dir"] / "610481.key").read_text(encoding="utf-8")
    assert text.startswith("-----BEGIN BIANZHI REGION KEYS-----")
    assert "region: 兴平市" in text and "code: 610481" in text and "sign: ed25519 " in text
    assert world["counties"]["610481"]["cli"].ok("package", "key") == text  # made once, the same every time
    data = world["city"].json("package", "key")
    assert data["region"] == {"name": "咸阳市", "code": "610400"} and data["text"] in (
        world["dir"] / "city.key").read_text(encoding="utf-8")


def test_city_figures_equal_each_countys_status(world: dict) -> None:
    city = world["city"]
    for code in world["counties"]:
        result = city.json("package", "import", str(export(world, code)))
        assert result["imported"] and result["persons"] == 7
    by_region = city.json("status", "--by-region")
    assert [r["code"] for r in by_region["regions"]] == ["610431", "610481"]
    total = {k: dict.fromkeys(("approved", "used", "reserved", "vacancy", "overage"), 0) for k in ("xz", "sy")}
    with Book.open(city.db, account=_credentials()) as book:
        for region in by_region["regions"]:
            county = world["counties"][region["code"]]["cli"].json("status")
            head = {k: county["ledger_head"][k] for k in ("seq", "hash")}  # the county's chain, whatever its alg
            assert region["ledger_head"] == head and region["as_of"] == county["as_of"]
            held = book.packages.region_figures(region["code"])
            assert held["units"] == county["units"]  # every unit, kind, figure and post
            assert held["pool"] == county["pool"]
            for kind in ("xz", "sy"):
                for figure in total[kind]:
                    expected = sum(u["quota"][kind][figure] for u in county["units"])
                    assert region["totals"][kind][figure] == expected
                    total[kind][figure] += expected
    assert {k: by_region["total"][k] for k in ("xz", "sy")} == total
    assert by_region["total"]["sy"]["reserved"] == 4 and by_region["total"]["xz"]["used"] == 6
    entries = city.json("ledger")["entries"]
    assert [e["op"] for e in entries[-2:]] == ["region.package", "region.package"]
    city.ok("check")
    table = city.ok("status", "--by-region")
    assert "兴平市" in table and "合计" in table


def test_same_package_twice_changes_nothing(world: dict) -> None:
    city, package = world["city"], export(world, "610481")
    city.ok("package", "import", str(package))
    before = fingerprint(city.db)
    code, out, err = city("--json", "package", "import", str(package))
    assert code == 0 and json.loads(out)["imported"] is False and "未作任何改动" in err
    assert fingerprint(city.db) == before
    again = export(world, "610481", name="again.bzp")  # a new file of the same state: also nothing
    assert city.json("package", "import", str(again))["imported"] is False
    assert fingerprint(city.db) == before


@pytest.mark.parametrize("where", [0, 30, "middle", -70, -1])
def test_tampered_package_exits_4_and_changes_nothing(world: dict, where: int | str) -> None:
    city, package = world["city"], export(world, "610481")
    data = bytearray(package.read_bytes())
    offset = len(data) // 2 if where == "middle" else int(where)
    data[offset] ^= 0x01
    package.write_bytes(bytes(data))
    before = fingerprint(city.db)
    code, _out, err = city("package", "import", str(package))
    assert code == 4, err
    assert "未作任何改动" in err
    assert fingerprint(city.db) == before


def test_rebuilt_content_under_the_old_signature_is_refused(world: dict) -> None:
    """A reader who unzips, edits a figure and zips again keeps the signature bytes but not their meaning."""
    city, package = world["city"], export(world, "610481")
    raw = fileformat.read(package)
    content = json.loads(raw.content_bytes)
    content["units"][0]["quota"]["xz"]["approved"] += 1
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(fileformat.MANIFEST, raw.manifest_bytes)
        z.writestr(fileformat.CONTENT, fileformat.encode(content))
    package.write_bytes(fileformat.MAGIC + packed.getvalue() + raw.signature)
    before = fingerprint(city.db)
    code, _out, err = city("package", "import", str(package))
    assert code == 4 and "签名" in err
    assert fingerprint(city.db) == before


def test_unregistered_and_foreign_packages_exit_4(world: dict, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    city = world["city"]
    stranger = tmp_path / "610422.db"
    build_county(stranger, "三原县", "610422", persons=2)
    stranger_cli = Cli(stranger, capsys)
    stranger_cli.ok("package", "export", str(tmp_path / "s.bzp"), "--to", str(tmp_path / "city.key"))
    before = fingerprint(city.db)
    code, _out, err = city("package", "import", str(tmp_path / "s.bzp"))
    assert code == 4 and "未登记" in err and "610422" in err
    # a package for another city's key: not this book's to open
    other = Cli(tmp_path / "other.db", capsys)
    other.ok("init", "--region", "宝鸡市", "--code", "610300")
    (tmp_path / "other.key").write_text(other.ok("package", "key"), encoding="utf-8")
    world["counties"]["610481"]["cli"].ok("package", "export", str(tmp_path / "o.bzp"), "--to",
                                          str(tmp_path / "other.key"))
    code, _out, err = city("package", "import", str(tmp_path / "o.bzp"))
    assert code == 4 and "不是发给本台账" in err
    assert fingerprint(city.db) == before
    code, _out, err = city("package", "import", str(tmp_path / "missing.bzp"))
    assert code == 5


def test_older_package_refused_newer_replaces_as_one_entry(world: dict) -> None:
    city = world["city"]
    early = export(world, "610481", "--as-of", EARLY.isoformat(), name="early.bzp")
    now = export(world, "610481", name="now.bzp")
    assert city.json("package", "import", str(early))["persons"] == 3
    seq = city.json("status")["ledger_head"]["seq"]
    result = city.json("package", "import", str(now))
    assert result["imported"] and result["seq"] == seq + 1 and result["persons"] == 7
    assert city.json("status")["ledger_head"]["seq"] == seq + 1  # one entry for the whole replacement
    before = fingerprint(city.db)
    code, _out, err = city("package", "import", str(early))
    assert code == 4 and "旧" in err
    assert fingerprint(city.db) == before
    import sqlite3

    conn = sqlite3.connect(city.db)
    try:
        anchors = conn.execute("SELECT as_of, head_seq FROM region_anchors ORDER BY id").fetchall()
        held = conn.execute("SELECT count(*) FROM region_persons").fetchone()[0]
    finally:
        conn.close()
    assert [a[0] for a in anchors] == [EARLY.isoformat(), dt.date.today().isoformat()]
    assert held == 7


def test_package_as_of_a_past_day_has_that_days_figures(world: dict) -> None:
    county = world["counties"]["610481"]["cli"]
    world["city"].ok("package", "import", str(export(world, "610481", "--as-of", EARLY.isoformat())))
    region = world["city"].json("status", "--by-region")["regions"][1]
    past = county.json("status", "--as-of", EARLY.isoformat())
    assert region["code"] == "610481" and region["as_of"] == EARLY.isoformat()
    assert region["ledger_head"] == {k: past["ledger_head"][k] for k in ("seq", "hash")}
    assert region["totals"]["xz"]["used"] == sum(u["quota"]["xz"]["used"] for u in past["units"]) == 2
    assert region["totals"]["sy"]["reserved"] == 0  # the approval came later
    with Book.open(world["city"].db, account=_credentials()) as book:
        assert book.packages.region_figures("610481")["units"] == past["units"]


def test_duplicate_across_two_counties_is_listed_masked(world: dict) -> None:
    city = world["city"]
    for code in world["counties"]:
        city.ok("package", "import", str(export(world, code)))
    code, out, _err = city("--json", "duplicates")
    assert code == 0
    found = json.loads(out)["duplicates"]
    shared = world["shared"]
    assert len(found) == 1
    assert found[0]["id_number"] == f"{shared[:6]}********{shared[-4:]}"
    assert sorted(p["region_code"] for p in found[0]["places"]) == ["610431", "610481"]
    assert shared not in out and shared not in city.ok("duplicates")


def test_no_full_id_in_package_bytes(world: dict) -> None:
    package = export(world, "610481")
    ids = world["counties"]["610481"]["ids"]
    raw = package.read_bytes()
    assert leaks(raw, ids) == []
    entries = fileformat.read(package)
    assert leaks(entries.manifest_bytes + entries.content_bytes, ids) == []
    assert len(json.loads(entries.content_bytes)["roster"]) == len(ids)


def test_export_is_logged(world: dict) -> None:
    county = world["counties"]["610481"]["cli"]
    code, _out, err = county("package", "export", str(world["dir"] / "nowhere" / "x.bzp"), "--to",
                             str(world["dir"] / "city.key"))
    assert code == 5 and "文件夹不存在" in err  # nothing logged, no traceback
    assert county("package", "export", "x.bzp", "--to", str(world["dir"] / "nowhere.key"))[0] == 5
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert county("package", "export", str(world["dir"] / "x.bzp"), "--to", str(world["dir"] / "city.key"),
                  "--as-of", tomorrow)[0] == 4
    assert county("package", "export", str(world["dir"] / "x.bzp"), "--to", str(world["dir"] / "city.key"),
                  "--as-of", "2025-01-01")[0] == 4  # before the book's first entry
    assert county("package", "export", str(world["dir"] / "x.bzp"), "--to", str(world["dir"] / "610481.key")
                  )[0] == 3  # its own key
    export(world, "610481")
    import sqlite3

    conn = sqlite3.connect(county.db)
    try:
        events = conn.execute("SELECT event, detail FROM security_log WHERE event = 'export'").fetchall()
    finally:
        conn.close()
    assert len(events) == 1 and '"what":"package"' in events[0][1] and '"persons":7' in events[0][1]


def _credentials():  # type: ignore[no-untyped-def]
    from bookhelpers import PASSWORD, TEST_USER

    from bianzhi_app.accounts.store import Credentials

    return Credentials(TEST_USER, PASSWORD)


def test_city_own_person_in_a_county_is_a_duplicate(world: dict) -> None:
    city = world["city"]
    city.ok("package", "import", str(export(world, "610481")))
    city.ok("pool", "set", "xz", "10", "--doc", DOC)
    city.ok("unit", "add", "市财政局", "--category", "政府工作部门", "--rank", "正处", "--doc", DOC)
    city.ok("quota", "set", "市财政局", "xz", "3", "--doc", DOC)
    city.ok("approval", "add", "市财政局", "xz", "1", "--method", "调任", "--doc", DOC)
    twice = world["counties"]["610481"]["ids"][1]
    city.ok("person", "enter", "市财政局", "xz", "--name", "兴平人员1", "--id", twice)
    found = city.json("duplicates")["duplicates"]
    places = {d["id_number"]: sorted((p["region_code"], p["unit"]) for p in d["places"]) for d in found}
    assert places[f"{twice[:6]}********{twice[-4:]}"] == [("610400", "市财政局"), ("610481", "兴平市教育中心")]
    own = city.json("status", "--by-region")["own"]["totals"]["xz"]
    assert own["used"] == 1 and own["approved"] == 3


def test_roles_review_and_usage(world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bookhelpers import PASSWORD

    city = world["city"]
    for name, role in (("chaxun", "viewer"), ("jingban", "clerk"), ("shenhe", "reviewer")):
        city.admin.ok("user", "add", name, "--role", role, "--no-change-required",
                      env={"BIANZHI_NEW_PASSWORD": PASSWORD})
    package = export(world, "610481")
    before = fingerprint(city.db)
    for account in ("chaxun", "shenhe", "admin"):
        code, _out, err = city.as_user(account)("package", "import", str(package))
        assert code == 8, (account, err)
    assert city.as_user("chaxun")("package", "export", str(tmp_path / "x.bzp"), "--to",
                                  str(tmp_path / "610481.key"))[0] == 8
    city.as_user("chaxun").ok("status", "--by-region")
    city.as_user("chaxun").ok("duplicates")
    assert city("status", "--by-region", "--as-of", "2026-03-01")[0] == 2
    assert fingerprint(city.db) == before
    # review on: registering a region's key is a 机构编制事项 a clerk only proposes
    city.admin.ok("policy", "set", "review", "on")
    third = tmp_path / "610422.db"
    build_county(third, "三原县", "610422", persons=2)
    key = tmp_path / "610422.key"
    key.write_text(Cli(third, capsys).ok("package", "key"), encoding="utf-8")
    number = city.as_user("jingban").json("region", "add", "三原县", "--code", "610422", "--key", str(key))[
        "proposal"]["number"]
    assert [r["code"] for r in city.json("status", "--by-region")["regions"]] == ["610431", "610481"]
    city.as_user("shenhe").ok("review", "approve", str(number))
    assert "610422" in [r["code"] for r in city.json("status", "--by-region")["regions"]]
    last = city.json("ledger")["entries"][-1]
    assert (last["op"], last["actor"], last["approver"]) == ("region.register", "jingban", "shenhe")
    # bad key files and codes
    assert city("region", "add", "某县", "--code", "610499", "--key", str(key))[0] == 4  # the key says 610422
    assert city("region", "add", "三原县", "--code", "610422", "--key", str(tmp_path / "none.key"))[0] == 5
    garbled = tmp_path / "bad.key"
    garbled.write_text(key.read_text(encoding="utf-8").replace("sign: ed25519 ", "sign: ed25519 A"), encoding="utf-8")
    assert city.as_user("jingban")("region", "add", "某县", "--code", "610422", "--key", str(garbled))[0] == 4


def test_city_book_holds_no_full_id_nor_private_key(world: dict) -> None:
    from bianzhi_app.packages import keys

    city = world["city"]
    for code in world["counties"]:
        city.ok("package", "import", str(export(world, code)))
    ids = [i for county in world["counties"].values() for i in county["ids"]]
    with Book.open(city.db, account=_credentials()) as book, book.read() as conn:
        assert book.personal is not None
        own = keys.load(conn, book.personal)
    assert own is not None
    secrets = [own.sign_private.private_bytes_raw(), own.enc_private.private_bytes_raw()]
    for path in (city.db, Path(f"{city.db}-wal")):
        if path.exists():
            raw = path.read_bytes()
            assert leaks(raw, ids) == []
            assert not any(secret in raw for secret in secrets)


def test_check_finds_a_held_package_edited_in_the_city_book(world: dict) -> None:
    import sqlite3

    city = world["city"]
    city.ok("package", "import", str(export(world, "610481")))
    city.ok("check")
    conn = sqlite3.connect(city.db)
    try:
        figures = json.loads(conn.execute("SELECT figures FROM region_packages").fetchone()[0])
        figures["units"][0]["quota"]["xz"]["approved"] += 5
        conn.execute("UPDATE region_packages SET figures = ?", (json.dumps(figures),))
        conn.commit()
    finally:
        conn.close()
    code, _out, err = city("check")
    assert code == 6 and "兴平市所持数据包" in err


def test_any_flipped_byte_is_refused_by_verification(world: dict) -> None:
    """Sixty positions spread over the whole file (magic, zip headers, both entries, central directory, the
    signature): each single flipped bit is refused before anything is read from the package."""
    from bianzhi_app.errors import InvalidInput

    package = export(world, "610481")
    data = package.read_bytes()
    tampered = world["dir"] / "t.bzp"
    with Book.open(world["city"].db, account=_credentials()) as book:
        assert book.packages.verify(package).code == "610481"
        for offset in sorted({round(i * (len(data) - 1) / 59) for i in range(60)}):
            changed = bytearray(data)
            changed[offset] ^= 0x10
            tampered.write_bytes(bytes(changed))
            with pytest.raises(InvalidInput):
                book.packages.verify(tampered)
        tampered.write_bytes(data[:-1])  # cut short
        with pytest.raises(InvalidInput):
            book.packages.verify(tampered)


def test_the_citys_summary_report_has_a_row_per_county_and_the_whole_citys_total(world: dict) -> None:
    """Issue 18 (and issue 12 item 24): the city's 编制情况汇总表 lists its own units with their 市本级合计, then each
    county as its package gives it (with the package's day), the 县区小计 and 全市合计 — read back from the PDF."""
    import pdfplumber

    city = world["city"]
    city.ok("pool", "set", "xz", "50", "--doc", DOC)
    city.ok("unit", "add", "市农业农村局", "--category", "政府工作部门", "--rank", "正处", "--doc", DOC)
    city.ok("quota", "set", "市农业农村局", "xz", "9", "--doc", DOC)
    city.ok("package", "import", str(export(world, "610481")))  # 武功县 registered but not reported yet
    pdf = world["dir"] / "汇总.pdf"
    city.ok("report", "summary", "-o", str(pdf))
    with pdfplumber.open(pdf) as doc:
        table = [[(c or "").replace("\n", "") for c in row] for page in doc.pages for row in page.extract_table()]
    by_name = {row[1]: row for row in table if row[1]}
    county = world["counties"]["610481"]["cli"].json("status")
    approved = sum(u["quota"]["xz"]["approved"] for u in county["units"])
    used = sum(u["quota"]["xz"]["used"] for u in county["units"])
    xingping = next(name for name in by_name if name.startswith("兴平市("))
    assert county["as_of"] in xingping
    assert by_name[xingping][5:7] == [str(approved), str(used)]  # 行政编制: 核定, 实有
    assert by_name["武功县(未报)"][5:7] == ["0", "0"]
    assert by_name["市本级合计"][5] == "9"
    assert by_name["县区小计"][5] == str(approved)
    assert by_name["全市合计"][5:7] == [str(9 + approved), str(used)]
    names = [row[1] for row in table]
    assert names.index("市本级合计") < names.index(xingping) < names.index("县区小计") < names.index("全市合计")


def test_the_citys_quarterly_review_is_grouped_by_county(world: dict) -> None:
    """Issue 12 item 24: the quarterly review of a city lists each county (from its newest package, with its
    day) and the whole city's total after its own figures — read back from the PDF's text."""
    import pdfplumber

    from bianzhi_app.ops.snapshots import Quarter

    city = world["city"]
    city.ok("package", "import", str(export(world, "610481")))
    county = world["counties"]["610481"]["cli"].json("status")
    approved = sum(u["quota"][k]["approved"] for u in county["units"] for k in u["quota"])
    pdf = world["dir"] / "季度.pdf"
    quarter = Quarter.last_ended(dt.date.today()).label
    code, _out, err = city("report", "quarterly", "--quarter", quarter, "-o", str(pdf))
    assert code == 0, err
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages).replace("\n", " ")
        tables = [[(c or "").replace("\n", "") for c in row] for page in doc.pages
                  for table in page.extract_tables() for row in table]
    assert "分县区情况" in text
    rows = {row[0]: row for row in tables if row and row[0]}
    xingping = next(name for name in rows if name.startswith("兴平市("))
    assert county["as_of"] in xingping and rows[xingping][2] == str(approved)  # 单位数, then 核定
    assert rows["武功县(未报)"][2] == "0" and rows["全市合计"][2] == str(approved)


def test_city_package_carries_its_counties_packages_to_the_province(world: dict) -> None:
    """A city's package to the province carries its counties' held packages byte for byte; the province verifies
    the city's package and each county's inside it under the keys the city vouched for; a county file that is
    not the held package is refused before anything is written."""
    city, folder = world["city"], world["dir"]
    packages = {code: export(world, code) for code in world["counties"]}
    for package in packages.values():
        city.ok("package", "import", str(package))
    province = Cli(folder / "province.db", world["city"].capsys)
    province.ok("init", "--region", "陕西省", "--code", "610000")
    (folder / "province.key").write_text(province.ok("package", "key"), encoding="utf-8")
    province.ok("region", "add", "咸阳市", "--code", "610400", "--key", str(folder / "city.key"))
    to = (folder / "province.key").read_text(encoding="utf-8")
    target = folder / "610400.bzp"
    newer = export(world, "610481", name="610481-again.bzp")  # a later export: not the package the city holds
    with Book.open(city.db, account=_credentials()) as book:
        with pytest.raises(InvalidInput, match="不是本台账所持的兴平市数据包"):
            book.packages.export(path=target, to_key_text=to, carry=[newer])
        assert not target.exists()
        manifest = book.packages.export(path=target, to_key_text=to, carry=list(packages.values()))
    assert [c["code"] for c in manifest["carried"]] == ["610481", "610431"]
    data = target.read_bytes()
    with Book.open(province.db, account=_credentials()) as book:
        carried = book.packages.carried(target)
        assert book.packages.import_package(target).imported  # the city's own package imports as any other
    assert [c["code"] for c in carried] == ["610481", "610431"]
    for entry in carried:
        county = world["counties"][entry["code"]]["cli"].json("status")
        assert entry["units"] == county["units"] and entry["as_of"] == county["as_of"]
        assert entry["ledger_head"] == {k: county["ledger_head"][k] for k in ("seq", "hash")}
        original = packages[entry["code"]].read_bytes()
        assert fileformat.parse(original, packages[entry["code"]]).digest == entry["digest"]  # unchanged
    for code in world["counties"]:
        for number in world["counties"][code]["ids"]:
            assert number.encode() not in data  # the counties' ID numbers stay sealed
    again = folder / "610400-cli.bzp"  # the same through the command line
    text = city.ok("package", "export", str(again), "--to", str(folder / "province.key"),
                   *(x for p in packages.values() for x in ("--carry", str(p))))
    assert "随附下级数据包 610481" in text and "随附下级数据包 610431" in text
    listed = province.json("package", "carried", str(again))["carried"]
    assert [(c["code"], c["digest"]) for c in listed] == [(c["code"], c["digest"]) for c in carried]
    assert "已校验" in province.ok("package", "carried", str(again))
    assert city("package", "export", str(folder / "x.bzp"), "--to", str(folder / "province.key"),
                "--carry", str(newer))[0] == 4 and not (folder / "x.bzp").exists()


def test_a_carried_package_that_does_not_verify_is_refused(world: dict) -> None:
    from bianzhi_app.packages.carry import verify_carried

    city = world["city"]
    package = export(world, "610481")
    city.ok("package", "import", str(package))
    with Book.open(city.db, account=_credentials()) as book, book.read() as conn:
        from bianzhi_app.packages.carry import carried_entries

        entries = carried_entries(conn, [package])
    named = {"carried": [{"code": "610481", "digest": entries[0]["digest"]}]}
    assert [c["code"] for c in verify_carried(named, {"carried": entries})] == ["610481"]
    raw = bytearray(base64.b64decode(entries[0]["package"]))
    raw[-1] ^= 1  # one bit of the county's signature
    bad = [{**entries[0], "package": base64.b64encode(bytes(raw)).decode()}]
    with pytest.raises(InvalidInput, match="签名"):
        verify_carried(named, {"carried": bad})
    other = [{**entries[0], "sign_public": base64.b64encode(b"\0" * 32).decode()}]
    with pytest.raises(InvalidInput, match="指纹"):
        verify_carried(named, {"carried": other})


def test_the_citys_printed_ledger_says_its_package_entries_in_words(world: dict) -> None:
    """The 编制变动台账 of a city prints a registration and a received package in Chinese (公钥指纹, 截至, the
    county's head as #seq and short hash, 超编/空编 per kind in the usual order), never the entry's JSON keys."""
    import re

    import pdfplumber

    city = world["city"]
    city.ok("package", "import", str(export(world, "610481")))
    pdf = world["dir"] / "台账.pdf"
    city.ok("report", "ledger", "-o", str(pdf))
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages).replace("\n", "")
    county = world["counties"]["610481"]["cli"].json("status")
    head = county["ledger_head"]
    assert "公钥指纹" in text and f"截至:{county['as_of']}" in text
    assert f"其台账 #{head['seq']} {head['hash'][:12]}" in text
    assert "超编" in text and "空编" in text
    assert not re.search(r"fingerprint|overage|vacancy|as_of|ledger_head|hash:|seq\d", text)
    totals = text[text.index("合计:"):]
    assert totals.index("行政") < totals.index("事业")  # kinds in the catalog's order, not the codes' alphabet
