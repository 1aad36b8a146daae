"""Personal data through the command line and the core (issue 16): ID numbers are never in clear in the book,
its WAL, a backup or a plain export; 一人一编 and every look-up by full number hold across case and 15/18
digits; a full number is shown only to clerk and reviewer, on record; every way an account gets a password
leaves it able to open the numbers."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from bookhelpers import ADMIN, DOC, PASSWORD, TEST_USER, Cli, fingerprint, signed_in, valid_id
from leakcheck import leaks

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.errors import NotPermitted, NotSignedIn, OnePersonOneSlot
from bianzhi_app.idcodes import id_from_15

NEW = "Xinmima-2026b"
# The cheap ones run on a file and on the office server; those that read the file's bytes are the file's own.
both = pytest.mark.both_backends


def with_x(serial_from: int = 0) -> str:
    """A valid generated ID number whose check character is X."""
    for n in range(serial_from, 1000):
        number = valid_id(f"61040319880808{n:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X")


OLD15 = "610403850101123"  # a first-generation 15-digit number (born 1985-01-01)
PEOPLE = {"甲": valid_id("61040319900101001"), "乙": with_x(), "丙": id_from_15(OLD15),
          "丁": valid_id("61040319751231004")}


@pytest.fixture
def office(region: Cli) -> Cli:
    """Two units without approvals, the four people entered: 乙 by a lower-case x, 丙 by the 15-digit form."""
    cli = region
    for unit in ("区水利局", "区财政局"):
        cli.ok("unit", "add", unit, "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
               "--doc", DOC)
        cli.ok("quota", "set", unit, "xz", "4", "--doc", DOC)
        cli.ok("posts", "set", unit, "zz", "1", "--doc", DOC)
    typed = {"甲": PEOPLE["甲"], "乙": PEOPLE["乙"].lower(), "丙": OLD15, "丁": PEOPLE["丁"]}
    for name, number in typed.items():
        cli.ok("person", "enter", "区水利局", "xz", "--name", name, "--id", number)
    for name, role in (("chaxun", "viewer"), ("shenji", "auditor")):
        cli.admin.ok("user", "add", name, "--role", role, "--no-change-required", env={"BIANZHI_NEW_PASSWORD": NEW})
    return cli


def workbook(tmp_path: Path, people: list[list[object]]) -> Path:
    """A workbook with a 人员 sheet only (the units are in the book)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "人员"
    ws.append(["姓名", "身份证号", "所在单位", "编制类型", "领导职务", "入编时间"])
    for row in people:
        ws.append(row)
    path = tmp_path / "in.xlsx"
    wb.save(path)
    return path


def refused(cli: Cli, *args: str, code: int) -> str:
    before = fingerprint(cli.db)
    got, out, err = cli(*args)
    assert got == code, (args, got, err)
    assert fingerprint(cli.db) == before and not any(n in out + err for n in PEOPLE.values())
    return err


@both
def test_one_person_one_slot_across_units_case_and_15_or_18_digits(office: Cli) -> None:
    for name, number in (("乙", PEOPLE["乙"]), ("乙", PEOPLE["乙"].lower()), ("丙", OLD15), ("丙", PEOPLE["丙"])):
        err = refused(office, "person", "enter", "区财政局", "xz", "--name", name, "--id", number, code=3)
        assert "一人一编" in err and "已在区水利局" in err
    with signed_in(office.db) as book:
        with pytest.raises(OnePersonOneSlot):
            book.staff.enter(unit="区财政局", kind="xz", name="丙", id_number=OLD15)
    roster = office.json("roster")["persons"]
    assert sorted(p["id_number"] for p in roster) == sorted(n[:6] + "********" + n[-4:] for n in PEOPLE.values())


@both
def test_leave_transfer_appoint_dismiss_find_the_person_by_any_form_of_the_number(office: Cli) -> None:
    office.ok("person", "appoint", PEOPLE["乙"].lower(), "zz")
    office.ok("person", "dismiss", PEOPLE["乙"])
    office.ok("person", "transfer", OLD15, "区财政局")
    office.ok("person", "appoint", PEOPLE["丙"], "zz")
    office.ok("person", "leave", PEOPLE["甲"].lower(), "--reason", "退休")
    full = {p["name"]: p for p in office.json("roster", "--full-id", "--reason", "核对")["persons"]}
    assert set(full) == {"乙", "丙", "丁"}
    assert (full["丙"]["unit"], full["丙"]["post"], full["丙"]["id_number"]) == ("区财政局", "zz", PEOPLE["丙"])
    assert full["乙"]["id_number"] == PEOPLE["乙"]  # upper-case X, as normalised
    err = refused(office, "person", "leave", valid_id("61040319900101099"), "--reason", "退休", code=5)
    assert "610403********" in err  # named masked only


@both
def test_reveal_is_refused_for_viewer_and_logged_for_clerk(office: Cli, tmp_path: Path) -> None:
    viewer = office.as_user("chaxun", NEW)
    masked = viewer.json("roster")["persons"]
    assert all("********" in p["id_number"] for p in masked) and len(masked) == 4
    for args in (("roster", "--full-id"), ("export", str(tmp_path / "v.xlsx"), "--full-id"),
                 ("report", "roster", "-o", str(tmp_path / "v.pdf"), "--full-id")):
        err = refused(viewer, *args, code=8)
        assert "经办人" in err or "审核人" in err
    assert not (tmp_path / "v.xlsx").exists() and not (tmp_path / "v.pdf").exists()
    code, out, err = office("--json", "roster", "--full-id", "--reason", "核对社保")
    assert code == 0 and "内部资料 注意保密 含公民身份号码" in err
    assert sorted(p["id_number"] for p in json.loads(out)["persons"]) == sorted(PEOPLE.values())
    office.ok("export", str(tmp_path / "full.xlsx"), "--full-id", "--reason", "上报")
    office.ok("report", "roster", "-o", str(tmp_path / "full.pdf"), "--full-id")
    events = office.as_user("shenji", NEW).json("audit")["events"]
    reveals = [e for e in events if e["event"] == "reveal"]
    assert [(e["account"], e["detail"]["what"], e["detail"]["count"], e["detail"]["reason"]) for e in reveals] == [
        (TEST_USER, "roster", 4, "核对社保"), (TEST_USER, "report roster", 4, "命令行 report roster --full-id")]
    [export] = [e for e in events if e["event"] == "export"]
    assert (export["detail"]["count"], export["detail"]["full_id"], export["detail"]["reason"]) == (4, True, "上报")
    assert not any(n in json.dumps(events, ensure_ascii=False) for n in PEOPLE.values())
    admin_err = refused(office.admin, "roster", "--full-id", code=8)  # the admin manages accounts, never sees IDs
    assert "系统管理员" in admin_err


def test_no_full_id_birth_date_or_password_in_book_wal_backup_or_plain_export(office: Cli, tmp_path: Path) -> None:
    office.ok("person", "transfer", PEOPLE["丁"], "区财政局")
    backup = tmp_path / "backup.db"
    office.admin.ok("backup", str(backup))
    plain = tmp_path / "plain.xlsx"
    office.ok("export", str(plain))
    secrets = [PASSWORD, NEW]
    for path in (office.db, office.db.with_name(office.db.name + "-wal"), backup):
        if path.exists():
            assert not leaks(path.read_bytes(), PEOPLE.values(), secrets), path.name
    with zipfile.ZipFile(plain) as workbook:
        raw = b"".join(workbook.read(name) for name in workbook.namelist())
    assert not leaks(raw, PEOPLE.values(), secrets)
    assert b"610403********" in raw  # the masked numbers are there
    full = tmp_path / "full.xlsx"
    office.ok("export", str(full), "--full-id", "--reason", "上报")
    with zipfile.ZipFile(full) as workbook:
        raw = b"".join(workbook.read(name) for name in workbook.namelist())
    assert leaks(raw, PEOPLE.values())  # the check finds them where they are meant to be


def test_a_dry_run_import_writes_nothing_anywhere(office: Cli, tmp_path: Path) -> None:
    newcomer = valid_id("61040319920202005")
    path = workbook(tmp_path, [["戊", newcomer, "区财政局", "行政编制", None, None]])
    before = fingerprint(office.db)  # all but the security log (the sign-in is logged)
    listing = sorted(p.name for p in tmp_path.iterdir())
    wal = office.db.with_name(office.db.name + "-wal")
    code, out, err = office("import", str(path), "--dry-run")
    assert code == 0 and "入编1" in out, err
    assert fingerprint(office.db) == before
    assert not leaks(office.db.read_bytes() + (wal.read_bytes() if wal.exists() else b""), [newcomer])
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no temporary copy beside the book


@both
def test_a_masked_number_does_not_import_and_says_why(office: Cli, tmp_path: Path) -> None:
    path = workbook(tmp_path, [["戊", "610403********0012", "区财政局", "行政编制", None, None]])
    code, out, _err = office("--json", "import", str(path))
    assert code == 4 and json.loads(out)["problems"][0]["reason"].startswith("身份证号已脱敏")


@both
def test_every_way_to_get_a_password_leaves_the_account_able_to_open_the_numbers(office: Cli) -> None:
    def opens(name: str, password: str) -> bool:
        """The account's sign-in unwraps the key that opens the sealed numbers in the book."""
        with Book.open(office.db, account=Credentials(name, password)) as book, book.read() as conn:
            keys = book.personal
            sealed = [r[0] for r in conn.exec_driver_sql("SELECT id_cipher FROM persons")]
            return keys is not None and sorted(keys.decrypt_id(s) for s in sealed) == sorted(PEOPLE.values())

    with signed_in(office.db, ADMIN) as admin:
        admin.accounts.add(name="xinlai", roles=["clerk"], password=NEW, must_change=False)  # add
        admin.accounts.reset_password(name="chaxun", password="Chongzhi-2026c")  # admin reset
        with pytest.raises(NotPermitted):
            admin.people.roster(full_id=True, reason="好奇")  # holds the key, still may not reveal
    assert opens("xinlai", NEW) and opens("chaxun", "Chongzhi-2026c")
    with Book.open(office.db, account=Credentials("chaxun", "Chongzhi-2026c")) as book:
        with pytest.raises(NotSignedIn):
            list(book.people.roster())  # must change the password first
        book.accounts.change_password(current="Chongzhi-2026c", new="Ziji-2026d")  # own change
    assert opens("chaxun", "Ziji-2026d")
    with Book.open(office.db) as book:  # nobody signed in: no key, no look-up by number
        assert book.personal is None
        with pytest.raises(NotSignedIn):
            book.staff.leave(id_number=PEOPLE["甲"], reason="退休")


def test_a_book_without_accounts_keeps_an_open_key_until_its_first_admin(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "plain.db"
    with Book.open(path) as book:
        assert book.personal is not None
        key = book.accounts.create_first(name=ADMIN, password=PASSWORD)
        assert book.personal is None
    conn = sqlite3.connect(path)
    assert sorted(r[0] for r in conn.execute("SELECT kind FROM key_wraps")) == ["account", "recovery"]
    conn.close()
    with Book.open(path) as book:
        book.accounts.recover_admin(recovery_key=key, name="huifu", password=NEW)
    with Book.open(path, account=Credentials("huifu", NEW)) as book:
        assert book.personal is not None


@both
def test_the_window_names_a_selected_person_by_reference_without_a_reveal(office: Cli) -> None:
    from bianzhi_app.errors import NotFound
    from bianzhi_app.ops.common import PersonRef

    with signed_in(office.db) as book:
        rows = {r["name"]: r for r in book.people.roster()}
        bing = PersonRef(rows["丙"]["person_id"])
        book.posts.appoint(id_number=bing, post="zz")
        book.posts.dismiss(id_number=bing)
        book.staff.transfer(id_number=bing, unit="区财政局")
        book.staff.leave(id_number=PersonRef(rows["甲"]["person_id"]), reason="退休")
        with pytest.raises(NotFound):
            book.staff.leave(id_number=PersonRef(9999), reason="退休")
        after = {r["name"]: r["unit"] for r in book.people.roster()}
    assert after == {"乙": "区水利局", "丙": "区财政局", "丁": "区水利局"}
    events = office.as_user("shenji", NEW).json("audit", "--event", "reveal")["events"]
    assert events == []  # nothing was revealed to do it
    entries = office.json("ledger")["entries"][-4:]
    assert [e["detail"]["id"] for e in entries] == [PEOPLE["丙"][:6] + "********" + PEOPLE["丙"][-4:]] * 3 + [
        PEOPLE["甲"][:6] + "********" + PEOPLE["甲"][-4:]]
