"""Every rule of DOMAIN.md: the refusal, its exit code, the figures in its message, and an unchanged book."""

import datetime as dt

import pytest
from bookhelpers import DOC, Raw, fingerprint, person_id

pytestmark = pytest.mark.both_backends


def refused(cli, db_path, *args, code=3):
    """Run a command that must be refused; return stderr after checking nothing changed."""
    before = fingerprint(db_path)
    rc, _out, err = cli(*args)
    assert rc == code, f"expected exit {code}, got {rc}: {err}"
    assert "Traceback" not in err
    assert fingerprint(db_path) == before
    return err.strip()


def fill(cli, unit, kind, n, start=0, on=None):
    extra = ("--on", on) if on else ()
    for i in range(start, start + n):
        cli.ok("person", "enter", unit, kind, "--name", f"人员{i}", "--id", person_id(i), *extra)


@pytest.fixture
def open_unit(region):
    """区农业农村局 without the approval requirement, 行政 12."""
    month_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC, "--on", month_ago)
    region.ok("quota", "set", "区司法局", "xz", "12", "--doc", DOC, "--on", month_ago)
    return region


def test_rule1_no_vacancy_message_names_figures(open_unit, db_path):
    cli = open_unit
    fill(cli, "区司法局", "xz", 11, on=(dt.date.today() - dt.timedelta(days=20)).isoformat())
    cli.ok("approval", "add", "区司法局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    # The approval dates from today, so an entry dated yesterday cannot use it: the unit is full.
    err = refused(cli, db_path, "person", "enter", "区司法局", "xz", "--name", "李四", "--id", person_id(50),
                  "--on", yesterday)
    assert err == "区司法局 行政编制 核定12名,实有11名,在途1名,无空编,不能入编"


def test_rule1_kinds_never_pool(open_unit, db_path):
    cli = open_unit
    cli.ok("quota", "set", "区司法局", "sy", "5", "--doc", DOC)
    fill(cli, "区司法局", "xz", 12)
    err = refused(cli, db_path, "person", "enter", "区司法局", "行政编制", "--name", "王五", "--id", person_id(60))
    assert "行政编制 核定12名,实有12名,在途0名,无空编" in err
    cli.ok("person", "enter", "区司法局", "事业编制", "--name", "王五", "--id", person_id(60))


def test_rule2_region_pool(region, db_path):
    err = refused(region, db_path, "quota", "set", "区农业农村局", "xz", "101", "--doc", DOC)
    assert err == "行政编制 编制总额100名,已分配12名,未分配88名,不能为区农业农村局增加89名"
    err = refused(region, db_path, "pool", "set", "xz", "11", "--doc", DOC)
    assert "已分配12名" in err and "11名" in err


def test_rule3_post_limit(open_unit, db_path):
    cli = open_unit
    fill(cli, "区司法局", "xz", 3)
    cli.ok("posts", "set", "区司法局", "副职", "1", "--doc", DOC)
    cli.ok("person", "appoint", person_id(0), "fz")
    err = refused(cli, db_path, "person", "appoint", person_id(1), "副职")
    assert err == "区司法局 副职 职数1名,已配1名,无空缺职数,不能任职"
    err = refused(cli, db_path, "posts", "set", "区司法局", "fz", "0", "--doc", DOC)
    assert "已配1名" in err


def test_rule4_one_person_one_slot(open_unit, db_path):
    cli = open_unit
    cli.ok("quota", "set", "区农业农村局", "xz", "12", "--doc", DOC)
    fill(cli, "区司法局", "xz", 1)
    err = refused(cli, db_path, "person", "enter", "区司法局", "xz", "--name", "人员0", "--id", person_id(0))
    assert "一人一编" in err and "区司法局" in err


def test_rule5_approval_first(region, db_path):
    err = refused(region, db_path, "person", "enter", "区农业农村局", "xz", "--name", "赵六", "--id", person_id(1))
    assert err == "区农业农村局 行政编制 没有有效的用编核准,不能入编(先核准后进人)"
    number = region.ok("approval", "add", "区农业农村局", "xz", "2", "--method", "公开招录", "--doc", DOC).strip()
    status = region.json("status", "--unit", "区农业农村局")["units"][0]["quota"]["xz"]
    assert (status["reserved"], status["vacancy"]) == (2, 10)
    region.ok("person", "enter", "区农业农村局", "xz", "--name", "赵六", "--id", person_id(1), "--approval", number)
    status = region.json("status", "--unit", "区农业农村局")["units"][0]["quota"]["xz"]
    assert (status["used"], status["reserved"], status["vacancy"]) == (1, 1, 10)
    region.ok("approval", "cancel", number)
    status = region.json("status", "--unit", "区农业农村局")["units"][0]["quota"]["xz"]
    assert (status["used"], status["reserved"], status["vacancy"]) == (1, 0, 11)
    err = refused(region, db_path, "approval", "add", "区农业农村局", "xz", "12", "--method", "公开招录", "--doc", DOC)
    assert "核定12名,实有1名,在途0名,空编11名" in err


def test_rule6_and_7_allowance_shrinks_and_blocks_entry(open_unit, db_path):
    cli = open_unit
    fill(cli, "区司法局", "xz", 12)
    err = refused(cli, db_path, "quota", "set", "区司法局", "xz", "10", "--doc", DOC)
    assert "实有12名" in err and "不能核定为10名" in err
    cli.ok("quota", "set", "区司法局", "xz", "10", "--doc", DOC, "--as-allowance")
    q = cli.json("status", "--unit", "区司法局")["units"][0]["quota"]["xz"]
    assert (q["approved"], q["used"], q["overage"], q["allowance"]) == (10, 12, 2, 2)
    err = refused(cli, db_path, "person", "enter", "区司法局", "xz", "--name", "新人", "--id", person_id(99))
    assert "超编2名(只出不进)" in err
    cli.ok("person", "leave", person_id(0), "--reason", "退休")
    q = cli.json("status", "--unit", "区司法局")["units"][0]["quota"]["xz"]
    assert (q["used"], q["allowance"]) == (11, 1)
    refused(cli, db_path, "person", "enter", "区司法局", "xz", "--name", "新人", "--id", person_id(99))


def test_rule8_document_required(region, db_path):
    err = refused(region, db_path, "quota", "set", "区农业农村局", "xz", "13", "--doc", "  ")
    assert "文件依据" in err
    refused(region, db_path, "pool", "set", "xz", "120", "--doc", "")


def test_rule8_document_brackets_normalised(region):
    region.ok("quota", "set", "区农业农村局", "xz", "13", "--doc", "杨编发[2026]7号")
    entries = region.json("ledger")["entries"]
    assert entries[-1]["doc"] == "杨编发〔2026〕7号"


def test_rule9_abolish_refused_with_staff_then_allowed(open_unit, db_path):
    cli = open_unit
    fill(cli, "区司法局", "xz", 1)
    err = refused(cli, db_path, "unit", "abolish", "区司法局", "--doc", DOC)
    assert "实有人员1名" in err
    cli.ok("person", "leave", person_id(0), "--reason", "调出")
    pool_before = cli.json("status")["pool"]["xz"]
    cli.ok("unit", "abolish", "区司法局", "--doc", DOC)
    pool_after = cli.json("status")["pool"]["xz"]
    assert pool_after["unallocated"] == pool_before["unallocated"] + 12
    assert "区司法局" not in [u["name"] for u in cli.json("status")["units"]]


def test_rule10_leaving_frees_the_slot_at_once(open_unit):
    cli = open_unit
    fill(cli, "区司法局", "xz", 12)
    cli.ok("person", "leave", person_id(3), "--reason", "辞职")
    cli.ok("person", "enter", "区司法局", "xz", "--name", "补进", "--id", person_id(70))
    assert cli.json("status", "--unit", "区司法局")["units"][0]["quota"]["xz"]["used"] == 12


def test_transfer_and_change_kind(open_unit, db_path):
    cli = open_unit
    cli.ok("unit", "add", "区水利局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
           "--doc", DOC)
    cli.ok("quota", "set", "区水利局", "xz", "1", "--doc", DOC)
    cli.ok("quota", "set", "区司法局", "sy", "1", "--doc", DOC)
    fill(cli, "区司法局", "xz", 2)
    cli.ok("person", "transfer", person_id(0), "区水利局")
    err = refused(cli, db_path, "person", "transfer", person_id(1), "区水利局")
    assert err.startswith("区水利局 行政编制 核定1名,实有1名") and err.endswith("不能调入")
    cli.ok("person", "change-kind", person_id(1), "sy")
    roster = {p["id_number"]: p for p in cli.json("roster", "--full-id")["persons"]}
    assert roster[person_id(0)]["unit"] == "区水利局"
    assert roster[person_id(1)]["kind"] == "sy"


def test_quota_transfer_keeps_pool(open_unit, db_path):
    cli = open_unit
    pool = cli.json("status")["pool"]["xz"]
    cli.ok("quota", "transfer", "区农业农村局", "区司法局", "xz", "2", "--doc", DOC)
    after = cli.json("status")
    assert after["pool"]["xz"] == pool
    by_name = {u["name"]: u["quota"]["xz"]["approved"] for u in after["units"]}
    assert by_name == {"区农业农村局": 10, "区司法局": 14}
    fill(cli, "区司法局", "xz", 14)
    err = refused(cli, db_path, "quota", "transfer", "区司法局", "区农业农村局", "xz", "1", "--doc", DOC)
    assert "实有14名" in err


def test_merge_conserves_totals(open_unit):
    cli = open_unit
    cli.ok("quota", "set", "区司法局", "sy", "4", "--doc", DOC)
    cli.ok("posts", "set", "区司法局", "zz", "1", "--doc", DOC)
    cli.ok("posts", "set", "区农业农村局", "zz", "1", "--doc", DOC)
    fill(cli, "区司法局", "xz", 5)
    cli.ok("person", "appoint", person_id(0), "zz")
    number = cli.ok("approval", "add", "区农业农村局", "xz", "3", "--method", "公开招录", "--doc", DOC).strip()
    cli.ok("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", person_id(80))

    def totals(status):
        sums = {}
        for u in status["units"]:
            for k, q in u["quota"].items():
                for f in ("approved", "used", "reserved"):
                    sums[(k, f)] = sums.get((k, f), 0) + q[f]
            for p, v in u["posts"].items():
                for f in ("limit", "used"):
                    sums[(p, f)] = sums.get((p, f), 0) + v[f]
        return sums

    before = cli.json("status")
    cli.ok("unit", "merge", "区司法局", "区农业农村局", "--into", "区农业和司法综合局", "--doc", DOC)
    after = cli.json("status")
    assert totals(after) == totals(before)
    assert after["pool"] == before["pool"]
    assert [u["name"] for u in after["units"]] == ["区农业和司法综合局"]
    merged = after["units"][0]
    assert merged["quota"]["xz"]["approved"] == 24 and merged["quota"]["xz"]["used"] == 6
    assert merged["quota"]["xz"]["reserved"] == 2 and merged["posts"]["zz"] == {"limit": 2, "used": 1, "allowance": 0}
    cli.ok("person", "enter", "区农业和司法综合局", "xz", "--name", "乙", "--id", person_id(81), "--approval", number)
    assert cli.json("check")["ok"]


def test_rename(region):
    region.ok("unit", "rename", "区农业农村局", "区农业农村和水利局", "--doc", DOC)
    assert region.json("status")["units"][0]["name"] == "区农业农村和水利局"


@pytest.mark.parametrize("args, code, fragment", [
    (("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", "110105194912310021"), 4, "校验位错误"),
    (("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", "11010519491231002X", "--on", "2026-13-01"),
     4, "日期「2026-13-01」无效"),
    (("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", "11010519491231002X", "--on", "2999-01-01"),
     4, "晚于今天"),
    (("person", "enter", "区不存在局", "xz", "--name", "甲", "--id", "11010519491231002X"), 5,
     "未找到单位「区不存在局」"),
    (("person", "enter", "区农业农村局", "公务员", "--name", "甲", "--id", "11010519491231002X"), 4, "未知的编制类型"),
    (("person", "leave", "11010519491231002X", "--reason", "出国"), 4, "未知的出编原因"),
    (("person", "leave", "11010519491231002X", "--reason", "退休"), 5, "未找到身份证号"),
    (("approval", "cancel", "2026-9999"), 5, "未找到编号"),
    (("unit", "add", "区新局", "--category", "政府工作部门", "--rank", "正科", "--uscc", "91350100M000100Y44",
      "--doc", DOC), 4, "统一社会信用代码"),
    (("unit", "add", "区新局", "--category", "外星机构", "--rank", "正科", "--doc", DOC), 4, "未知的机构类别"),
    (("frobnicate",), 2, "用法错误"),
    (("quota", "set", "区农业农村局", "xz"), 2, "用法错误"),
])
def test_bad_input_exit_codes_and_messages(region, db_path, args, code, fragment):
    err = refused(region, db_path, *args, code=code)
    assert fragment in err


def test_init_and_demo_refuse_a_book_with_data(region, db_path):
    assert "已有数据" in refused(region, db_path, "init", "--region", "某区", "--code", "610404")
    assert "已有数据" in refused(region, db_path, "demo")


def test_json_errors_keep_exit_codes(region, db_path):
    rc, out, err = region("--json", "person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", person_id(1))
    assert rc == 3 and out == "" and "先核准后进人" in err


def test_configurable_kinds(region, db_path):
    region.ok("kind", "add", "sh", "社区专项编制", "--doc", DOC)
    region.ok("pool", "set", "社区专项编制", "10", "--doc", DOC)
    region.ok("quota", "set", "区农业农村局", "sh", "3", "--doc", DOC)
    q = region.json("status")["units"][0]["quota"]["sh"]
    assert q["approved"] == 3
    assert "已存在" in refused(region, db_path, "kind", "add", "sh", "别的名称", "--doc", DOC)
    region.ok("post-kind", "add", "zx", "总师", "--doc", DOC)
    assert region.json("status")["units"][0]["posts"]["zx"]["limit"] == 0
    assert region.json("check")["ok"]


def test_document_title_is_recorded(region, db_path):
    region.ok("quota", "set", "区农业农村局", "xz", "14", "--doc", "杨编发〔2026〕21号",
              "--doc-title", "关于调整编制的通知")
    with Raw(db_path) as conn:
        assert conn.execute("SELECT title FROM documents WHERE number = '杨编发〔2026〕21号'").fetchone()[0] == \
            "关于调整编制的通知"


def test_approval_keeps_a_given_number(region, db_path):
    from bianzhi_app.book import Book
    from bianzhi_app.errors import InvalidInput, StateRefused
    from bianzhi_app.ops.approvals import add_approval

    with Book.open(db_path) as book:
        with book.transact() as tx:
            kept = add_approval(tx, "区农业农村局", "xz", 1, method="调任", doc=DOC, number="2020-0042").result
        assert kept == "2020-0042"
        before = fingerprint(db_path)
        with pytest.raises(StateRefused, match="2020-0042"), book.transact() as tx:
            add_approval(tx, "区农业农村局", "xz", 1, method="调任", doc=DOC, number="2020-0042")
        with pytest.raises(InvalidInput, match="20-42"), book.transact() as tx:
            add_approval(tx, "区农业农村局", "xz", 1, method="调任", doc=DOC, number="20-42")
        assert fingerprint(db_path) == before
        year = dt.date.today().year
        with book.transact() as tx:
            given = add_approval(tx, "区农业农村局", "xz", 1, method="调任", doc=DOC, number=f"{year}-0005").result
            assert add_approval(tx, "区农业农村局", "xz", 1, method="调任", doc=DOC).result == f"{year}-0006"
    assert given == f"{year}-0005"
