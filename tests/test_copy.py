"""`copy SRC DEST` (docs/CLI.md "Office server"): a whole book between a file and a server, either way, verified by
`check` and the ledger head on both sides; a file that went to the server and back is the same file, row for row,
and its sealed ID numbers open on each side with any account's password."""

import json

import pytest
from bookhelpers import ADMIN, DOC, PASSWORD, TEST_USER, Raw, fingerprint, person_id, signed_in

from bianzhi_app.copying import copy_book
from bianzhi_app.db.engine import make_engine
from bianzhi_app.errors import InvalidInput
from bianzhi_app.ledger import read_head


def test_a_demo_county_goes_to_the_server_and_back_unchanged(demo_book, pg_server, tmp_path):
    url = pg_server.new_database()
    source = make_engine(demo_book)
    to_server = copy_book(source, url)
    server = make_engine(url)
    back = tmp_path / "back.db"
    from_server = copy_book(server, back)
    with source.connect() as conn:
        head = read_head(conn)
    assert to_server.ledger_head == from_server.ledger_head == head and head.seq > 100
    assert to_server.rows == from_server.rows and to_server.rows["persons"] > 1000
    assert fingerprint(back, skip=()) == fingerprint(demo_book, skip=())
    with pytest.raises(InvalidInput, match="已有台账数据"):  # never over a book
        copy_book(source, url)
    with pytest.raises(InvalidInput, match="已存在"):
        copy_book(server, back)
    source.dispose()
    server.dispose()
    pg_server.drop(url)


def test_copy_on_the_command_line_both_ways_then_the_server_book_works(region, pg_server, tmp_path):
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "2", "--doc", DOC)
    region.ok("person", "enter", "区司法局", "xz", "--name", "张三", "--id", person_id(1))
    url = pg_server.new_database()
    copied = region.json("copy", str(region.db), url)
    status = region.json("status")
    assert copied["ledger_head"] == status["ledger_head"]
    server = region.as_user(region.user)
    server.db = url
    assert server.json("check")["ok"]
    assert server.json("status")["units"] == status["units"]
    # the server book carries on with the same rules and the same refusals
    server.ok("quota", "set", "区司法局", "xz", "1", "--doc", DOC)
    rc, _out, err = server("person", "enter", "区司法局", "xz", "--name", "李四", "--id", person_id(2))
    assert rc == 3 and err.strip() == "区司法局 行政编制 核定1名,实有1名,在途0名,无空编,不能入编"
    with Raw(url) as raw, pytest.raises(raw.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM ledger")
    back = tmp_path / "back.db"
    again = server.json("copy", url, str(back))
    file_book = region.as_user(region.user)
    file_book.db = back
    assert file_book.json("check")["ok"]
    assert json.dumps(file_book.json("status")["units"]) == json.dumps(server.json("status")["units"])
    assert again["ledger_head"]["seq"] == copied["ledger_head"]["seq"] + 1
    rc, _out, err = server("copy", str(back), url)
    assert rc == 4 and "已有台账数据" in err
    pg_server.drop(url)


def test_a_server_book_is_backed_up_as_a_verified_file(region, pg_server, tmp_path):
    url = pg_server.new_database()
    region.json("copy", str(region.db), url)
    server = region.as_user(region.user)
    server.db = url
    backup = server.json("backup", str(tmp_path / "saved"))
    assert backup["ledger_head"] == server.json("status")["ledger_head"]
    assert backup["path"].endswith(".bak") and "book_" in backup["path"]
    restored = region.admin
    restored.db = tmp_path / "restored.db"
    restored.ok("restore", backup["path"])
    restored = region.as_user(region.user)
    restored.db = tmp_path / "restored.db"
    assert restored.json("status")["units"] == server.json("status")["units"]
    pg_server.drop(url)


def test_sealed_ids_go_to_the_server_and_back_and_open_with_every_accounts_password(region, pg_server, tmp_path):
    """The data key travels wrapped (book_crypto, key_wraps): the server copy and the file copied back from it
    open with each account's password and show the same roster, masked, and a clerk the same full numbers."""
    people = {"甲": person_id(1), "乙": person_id(2, 1975), "丙": person_id(3, 1988)}
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "4", "--doc", DOC)
    for name, number in people.items():
        region.ok("person", "enter", "区司法局", "xz", "--name", name, "--id", number.lower())
    region.admin.ok("user", "add", "chaxun", "--role", "viewer", "--no-change-required",
                    env={"BIANZHI_NEW_PASSWORD": PASSWORD})
    url = pg_server.new_database()
    source = make_engine(region.db)
    copy_book(source, url)
    source.dispose()
    server = make_engine(url)
    back = tmp_path / "back.db"
    copy_book(server, back)
    server.dispose()
    assert fingerprint(back, skip=()) == fingerprint(region.db, skip=())

    def roster(target, user, **options):  # type: ignore[no-untyped-def]
        with signed_in(target, user) as book:
            assert book.personal is not None, (target, user)
            return sorted((r["name"], r["id_number"], r["unit"]) for r in book.people.roster(**options))

    masked = roster(region.db, ADMIN)
    assert masked == sorted((n, f"{i[:6]}********{i[-4:]}", "区司法局") for n, i in people.items())
    for target in (url, back):
        for user in (ADMIN, TEST_USER, "chaxun"):
            assert roster(target, user) == masked, (target, user)
        assert roster(target, TEST_USER, full_id=True, reason="复制核对") == sorted(
            (n, i, "区司法局") for n, i in people.items())
        with signed_in(target) as book:  # a look-up by the full number finds the person through the keyed hash
            assert book.people.find(id_number=people["乙"].lower())["name"] == "乙"  # type: ignore[index]
    pg_server.drop(url)
