"""安全审计报告 and the 经办人/审核人 of reviewed changes on printed reports (issue 15).

A book gets its accounts through the core (create_first, add), people sign in with Book.open(account=…),
fail and get locked, a clerk's proposals are approved by a reviewer; the PDFs are read back with pdfplumber.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bookhelpers
import pdfplumber
import pytest

from bianzhi_app.accounts.seclog import Event
from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.errors import NotPermitted, NotSignedIn
from bianzhi_app.reports.audit import ALERT, describe_event
from bianzhi_app.reports.common import ReportOptions
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.render import render_report

DOC = "杨编发〔2026〕21号"
PASSWORDS = {"admin": "Guanli-2026a", "jiancha": "Jiancha-2026a", "jingban": "Jingban-2026a",
             "shenhe": "Shenhe-2026a", "chaxun": "Chaxun-2026a"}
ROLES = {"jiancha": ["auditor"], "jingban": ["clerk"], "shenhe": ["reviewer"], "chaxun": ["viewer"]}
WRONG = "Wrong-Pass-9x"
REVEALED_ID = "61040319900101001X"


class Clock:
    """The book's clock: two days ago for the setting up, then moved on by the test."""

    def __init__(self) -> None:
        now = dt.datetime.now().astimezone().replace(microsecond=0)
        self.start = (now - dt.timedelta(days=2)).replace(hour=9, minute=0, second=0)
        self.now = self.start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)  # every event at its own time
        return self.now


def signed_in(path: Path, name: str, clock: Clock) -> Book:
    return Book.open(path, account=Credentials(name, PASSWORDS[name]), clock=clock)


@pytest.fixture(scope="module")
def cheap_hashes() -> Iterator[None]:
    """scrypt at n=2**10 for the passwords set here (each hash keeps its n): the tests sign in often."""
    with bookhelpers.cheap_hashes():
        yield


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, cheap_hashes: None) -> dict[str, Any]:
    """A region whose accounts have done what an auditor looks for: sign-ins, failures and a lock, an unlock and a
    reset, a policy change, two reviewed proposals (a quota and a usage approval), a rejection, a reveal and an
    export. Returns the path, the clock, the day the later events began and the approval's number."""
    path = tmp_path_factory.mktemp("audit") / "audit.db"
    clock = Clock()
    with Book.open(path, clock=clock) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=20, doc=DOC)
        book.units.add(name="区农业农村局", category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 5})
        book.accounts.create_first(name="admin", password=PASSWORDS["admin"])
    with signed_in(path, "admin", clock) as book:
        for name, roles in ROLES.items():
            book.accounts.add(name=name, roles=roles, password=PASSWORDS[name], must_change=False)
        book.accounts.set_policy(name="lockout-attempts", value="3")
    with signed_in(path, "jingban", clock) as book:
        quota = book.quotas.set(unit="区农业农村局", kind="xz", approved=6, doc=DOC)
        approval = book.approvals.add(unit="区农业农村局", kind="xz", count=2, method="公开招录", doc=DOC)
        rejected = book.quotas.set(unit="区农业农村局", kind="xz", approved=9, doc=DOC)
        book.audit.record(event=Event.REVEAL, detail={"id_number": REVEALED_ID, "unit": "区农业农村局"})
        book.audit.record(event=Event.EXPORT, detail={"file": "花名册.xlsx", "units": 1, "persons": 0, "approvals": 1,
                                                      "password": WRONG})  # as `export` logs it, and a secret
    assert None not in (quota.proposal, approval.proposal, rejected.proposal)
    clock.now += dt.timedelta(days=1)
    later = clock.now.date()
    with signed_in(path, "shenhe", clock) as book:
        book.review.approve(number=quota.proposal)  # type: ignore[arg-type]
        number = book.review.approve(number=approval.proposal).result  # type: ignore[arg-type]
        book.review.reject(number=rejected.proposal, reason="超出编制总额的安排,请先报批")  # type: ignore[arg-type]
    for _attempt in range(3):
        with pytest.raises(NotSignedIn):
            Book.open(path, account=Credentials("chaxun", WRONG), clock=clock)
    with pytest.raises(NotSignedIn):
        Book.open(path, account=Credentials("nobody", WRONG), clock=clock)
    with signed_in(path, "admin", clock) as book:
        book.accounts.unlock(name="chaxun")
        book.accounts.reset_password(name="chaxun", password="Chaxun-2027b")
    return {"path": path, "clock": clock, "later": later, "number": number}


def table_rows(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [[(c or "").replace("\n", "") for c in row] for page in pdf.pages for table in page.extract_tables()
                for row in table]


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def audit_pdf(office: dict[str, Any], fonts: FontRegistry, path: Path, **options: Any) -> Any:
    with signed_in(office["path"], "jiancha", office["clock"]) as book:
        result = render_report(book, "audit", path, options=ReportOptions(**options), fonts=fonts)
        events = book.audit.events(since=options.get("since"))
    return result, events


def test_audit_report_lists_every_event_in_order_in_words(office: dict[str, Any], fonts: FontRegistry, tmp_path: Path,
                                                          assert_fonts_embedded: Callable[[Path], object]) -> None:
    result, events = audit_pdf(office, fonts, tmp_path / "审计.pdf")
    assert_fonts_embedded(result.path)
    rows = [r for r in table_rows(result.path) if r and r[0].isdigit()]
    # the auditor's own sign-in to print it is the log's last event
    assert [int(r[0]) for r in rows] == [e.seq for e in events] and events[-1].event == "sign_in"
    assert [r[2] for r in rows] == [e.account for e in events]
    assert [r[3] for r in rows] == [Event(e.event).label for e in events]
    assert [r[4] for r in rows] == [describe_event(e).replace("\n", "") for e in events]
    details = {r[3]: [] for r in rows}
    for r in rows:
        details[r[3]].append(r[4])
    failures = [r[4] for r in rows if r[3] == "登录失败"]
    assert failures == ["密码错误（连续第1次）", "密码错误（连续第2次）", "密码错误（连续第3次）", "账户不存在"]
    assert "账户 chaxun 连续登录失败3次，锁定15分钟" in details["锁定账户"]
    assert details["解锁账户"] == ["解锁账户 chaxun"]
    assert "重置账户 chaxun 的密码（下次登录须修改）" in details["修改密码"]
    assert details["变更安全策略"] == ["连续登录失败锁定次数：5 → 3"]
    assert "新增账户 jiancha（安全审计员）" in details["新增账户"]
    approved = details["审核通过"]
    assert len(approved) == 2 and all("提出人 jingban" in d and "记入台账第" in d for d in approved)
    assert details["审核退回"] == ["第3号待审事项（提出人 jingban），理由：超出编制总额的安排,请先报批"]
    assert details["查看完整身份证号"] == ["身份证号：610403********001X；单位：区农业农村局"]
    assert details["导出数据"] == ["文件：花名册.xlsx；单位数：1；人数：0；用编核准数：1"]  # never the password


def test_audit_report_never_prints_a_password_or_a_full_id_number(office: dict[str, Any], fonts: FontRegistry,
                                                                   tmp_path: Path) -> None:
    result, _events = audit_pdf(office, fonts, tmp_path / "审计.pdf")
    text = "".join(page_texts(result.path)).replace("\n", "")
    for secret in (*PASSWORDS.values(), WRONG, "Chaxun-2027b", REVEALED_ID):
        assert secret not in text


def test_audit_report_counts_each_kind_and_shades_failures_and_locks(office: dict[str, Any], fonts: FontRegistry,
                                                                     tmp_path: Path) -> None:
    result, events = audit_pdf(office, fonts, tmp_path / "审计.pdf")
    counts = {r[0]: int(r[1]) for r in table_rows(result.path) if len(r) == 2 and r[1].isdigit()}
    assert list(counts) == [e.label for e in Event]  # every kind, none left out because it did not happen
    for kind in Event:
        assert counts[kind.label] == sum(1 for e in events if e.event == kind.value)
    failed, locked = counts["登录失败"], counts["锁定账户"]
    assert (failed, locked) == (4, 1)
    assert f"登录失败{failed}次，锁定账户{locked}次" in page_texts(result.path)[0]
    shade = (ALERT.red, ALERT.green, ALERT.blue)
    with pdfplumber.open(result.path) as pdf:
        for page in pdf.pages:
            shaded = [r for r in page.rects if tuple(round(v, 2) for v in r.get("non_stroking_color") or ()) == shade]
            words = page.extract_words()
            for label in ("登录失败", "锁定账户"):
                for w in (w for w in words if w["text"] == label):
                    assert any(r["top"] - 0.5 <= w["top"] and w["bottom"] <= r["bottom"] + 0.5 for r in shaded), label
            for w in (w for w in words if w["text"] == "登录"):  # a sign-in that worked is not shaded
                assert not any(r["top"] - 0.5 <= w["top"] and w["bottom"] <= r["bottom"] + 0.5 for r in shaded)


def test_audit_report_verifies_the_chain_and_prints_its_head(office: dict[str, Any], fonts: FontRegistry,
                                                             tmp_path: Path) -> None:
    result, events = audit_pdf(office, fonts, tmp_path / "审计.pdf")
    head = result.data.head
    assert head.problem is None and head.seq == events[-1].seq == head.total
    conn = sqlite3.connect(office["path"])
    try:
        stored = conn.execute("SELECT hash FROM security_log WHERE seq = ?", (head.seq,)).fetchone()[0]
    finally:
        conn.close()
    assert head.hash == stored
    texts = page_texts(result.path)
    flat = "".join(texts).replace("\n", "")
    assert f"哈希链校验通过：日志共{head.total}条，末条为第{head.seq}条" in flat and f"末条哈希：{stored}" in flat
    for text in texts:  # every page carries the log's head beside the ledger's
        assert f"安全审计日志 #{head.seq} {stored[:12]}" in text and f"台账 #{result.meta.ledger_seq}" in text
    last = texts[-1].replace(" ", "")
    assert "审计意见" in last and last.index("安全审计员：") < last.index("单位负责人：")  # the signature lines


def test_audit_report_since_lists_the_later_events_only(office: dict[str, Any], fonts: FontRegistry,
                                                       tmp_path: Path) -> None:
    result, events = audit_pdf(office, fonts, tmp_path / "审计.pdf", since=office["later"])
    rows = [r for r in table_rows(result.path) if r and r[0].isdigit()]
    assert events and all(e.at >= office["later"].isoformat() for e in events)
    assert [int(r[0]) for r in rows] == [e.seq for e in events]
    assert "新增账户" not in [r[3] for r in rows] and "审核通过" in [r[3] for r in rows]
    assert f"期间：{office['later'].isoformat()}起" in page_texts(result.path)[0]


def test_audit_report_says_when_the_chain_was_tampered_with(office: dict[str, Any], fonts: FontRegistry,
                                                            tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "tampered.db"
    shutil.copy(office["path"], copy)
    conn = sqlite3.connect(copy)
    try:
        conn.execute("DROP TRIGGER security_log_no_update")
        conn.execute("UPDATE security_log SET account = 'someone' WHERE seq = 5")
        conn.commit()
    finally:
        conn.close()
    result, _events = audit_pdf({**office, "path": copy}, fonts, tmp_path / "审计.pdf")
    assert result.data.head.problem is not None
    assert "哈希链校验未通过：安全审计日志第5条被改动" in "".join(page_texts(result.path)).replace("\n", "")


@pytest.mark.parametrize("name", ["admin", "jingban", "shenhe"])
def test_only_the_auditor_may_print_the_audit_report(office: dict[str, Any], fonts: FontRegistry, tmp_path: Path,
                                                     name: str) -> None:
    target = tmp_path / "审计.pdf"
    with signed_in(office["path"], name, office["clock"]) as book:
        with pytest.raises(NotPermitted) as refused:
            render_report(book, "audit", target, fonts=fonts)
    assert refused.value.exit_code == 8 and "安全审计员(auditor)" in refused.value.message
    assert not target.exists() and not list(tmp_path.iterdir())  # no PDF, no partial file
    with Book.open(office["path"], clock=office["clock"]) as book:  # nobody signed in to a book with accounts
        with pytest.raises(NotSignedIn):
            render_report(book, "audit", target, fonts=fonts)
        with book.read() as conn, pytest.raises(NotPermitted):  # a bare connection cannot say who asks
            render_report(conn, "audit", target, fonts=fonts)
    assert not target.exists()


# --------------------------------------------------------------------------- 经办人 and 审核人 on reports


def test_ledger_report_prints_the_actor_and_the_approver(office: dict[str, Any], fonts: FontRegistry,
                                                          tmp_path: Path) -> None:
    since = office["clock"].start.date()
    with Book.open(office["path"], account=Credentials("jiancha", PASSWORDS["jiancha"])) as book:
        result = render_report(book, "ledger", tmp_path / "台账.pdf", options=ReportOptions(since=since), fonts=fonts)
        entries = {r.seq: r for r in result.data.rows}
    rows = table_rows(result.path)
    header = next(r for r in rows if r and r[0] == "台账序号")
    actor, approver = header.index("经办人"), header.index("审核人")
    assert approver == actor + 1 and header[-1] == "哈希"
    printed = {int(r[0]): r for r in rows if r and r[0].isdigit()}
    assert set(printed) == set(entries)
    reviewed = [seq for seq, e in entries.items() if e.approver]
    assert len(reviewed) == 2  # the quota and the usage approval
    for seq, r in printed.items():
        assert r[actor] == entries[seq].actor
        assert r[approver] == ("shenhe" if seq in reviewed else "")
        if seq in reviewed:
            assert r[actor] == "jingban"  # the proposer is the 经办人 of the change


def test_notice_names_the_actor_and_approver_of_its_approval(office: dict[str, Any], fonts: FontRegistry,
                                                             tmp_path: Path) -> None:
    with Book.open(office["path"], account=Credentials("chaxun", "Chaxun-2027b")) as book:
        book.accounts.change_password(current="Chaxun-2027b", new="Chaxun-2028c")
    with Book.open(office["path"], account=Credentials("chaxun", "Chaxun-2028c")) as book:
        result = render_report(book, "notice", tmp_path / "通知.pdf",
                               options=ReportOptions(approval=office["number"]), fonts=fonts)
    assert (result.data.actor, result.data.approver) == ("jingban", "shenhe")
    with pdfplumber.open(result.path) as pdf:
        assert len(pdf.pages) == 1
        lines = pdf.pages[0].extract_text_lines()
    texts = [ln["text"].replace(" ", "") for ln in lines]
    note = texts.index("（经办人：jingban；审核人：shenhe）")
    date = next(i for i, t in enumerate(texts) if t.endswith("日") and "年" in t and "月" in t)
    assert note == date + 1  # 附注: the line under the 成文日期 (GB/T 9704 7.3.7)
    assert lines[note]["x0"] == pytest.approx(28 * 72 / 25.4 + 2 * 16, abs=1.5)  # 居左空二字
    assert texts[note + 1].startswith("抄送：")  # 版记 at the foot, below it


def test_report_audit_on_the_command_line(office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`report audit` signed in through BIANZHI_USER/BIANZHI_PASSWORD: the auditor gets the PDF and the log's head,
    a clerk or the admin exit 8 and get no file, a wrong password exits 7."""
    pytest.importorskip("bianzhi_app.cli.signin", reason="the command line signs in once the CLI accounts work lands")
    import json

    from bianzhi_app.cli import main as cli_main

    def run(user: str, password: str, target: Path) -> tuple[int, str, str]:
        monkeypatch.setenv("BIANZHI_USER", user)
        monkeypatch.setenv("BIANZHI_PASSWORD", password)
        capsys.readouterr()
        try:
            code = cli_main(["--db", str(office["path"]), "--json", "report", "audit", "-o", str(target)])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    monkeypatch.delenv("BIANZHI_DB", raising=False)
    for name in ("jingban", "admin"):
        code, _out, err = run(name, PASSWORDS[name], tmp_path / f"{name}.pdf")
        assert code == 8 and "安全审计员" in err and not (tmp_path / f"{name}.pdf").exists()
    code, _out, err = run("jiancha", WRONG, tmp_path / "wrong.pdf")
    assert code == 7 and not (tmp_path / "wrong.pdf").exists() and WRONG not in err
    code, out, err = run("jiancha", PASSWORDS["jiancha"], tmp_path / "审计.pdf")
    assert code == 0, err
    printed = json.loads(out)
    assert printed["kind"] == "audit" and printed["security_log_ok"] is True
    rows = [r for r in table_rows(tmp_path / "审计.pdf") if r and r[0].isdigit()]
    head = printed["security_log_head"]
    assert int(rows[-1][0]) == head["seq"] and rows[-1][2:4] == ["jiancha", "登录"]  # this very sign-in, last
    assert f"安全审计日志 #{head['seq']} {head['hash'][:12]}" in page_texts(tmp_path / "审计.pdf")[0]
    refused = [r for r in rows if r[3] == "登录失败" and r[2] == "jiancha"]
    assert refused and refused[-1][4] == "密码错误（连续第1次）"  # the wrong password above, logged as such
