"""Quota, post limit, pool, approval and unit dialogs against a real book."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_dialogs_staff import confirm, open_dialog, unit_id
from uihelpers import DOC, scalar, snapshot, type_text

QUOTA_SQL = ("SELECT approved FROM quotas q JOIN units u ON u.id = q.unit_id "
             "WHERE u.name = :n AND q.kind_id = :k")


def test_set_quota_requires_document_then_sets(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "quota_set", unit_id=unit_id(book_path, "区农业农村局"))
    assert "行政编制 编制总额10 已分配6 未分配4" in dialog.figures.text()
    dialog.approved.setValue(5)
    assert "须注明文件依据" in dialog.blocked.text()
    type_text(qtbot, dialog.doc, "杨编发〔2026〕9号")
    confirm(qtbot, dialog)
    assert scalar(book_path, QUOTA_SQL, n="区农业农村局", k=1) == 5


def test_set_quota_disabled_over_pool_and_below_staff(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "quota_set", unit_id=unit_id(book_path, "区农业农村局"))
    type_text(qtbot, dialog.doc, DOC)
    dialog.approved.setValue(8)
    assert "编制总额10名,已分配6名,未分配4名,不能为区农业农村局增加5名" in dialog.blocked.text()
    dialog.approved.setValue(1)
    assert "不能核定为1名" in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()
    qtbot.mouseClick(dialog.as_allowance, Qt.MouseButton.LeftButton)
    assert dialog.confirm.isEnabled()


def test_transfer_quota_moves_approved(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "quota_transfer", unit_id=unit_id(book_path, "区农业农村局"))
    type_text(qtbot, dialog.target, "区档案馆")
    dialog.count.setValue(3)
    assert "不能核定为0名" in dialog.blocked.text()  # 2 persons on it
    dialog.count.setValue(1)
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    assert scalar(book_path, QUOTA_SQL, n="区档案馆", k=1) == 1


def test_post_limit_cut_below_holders_is_disabled(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "posts_set", unit_id=unit_id(book_path, "区农业农村局"))
    dialog.post.setCurrentText("正职")
    type_text(qtbot, dialog.doc, DOC)
    assert dialog.limit.value() == 1 and dialog.confirm.isEnabled()  # opens on the current limit
    dialog.limit.setValue(0)
    assert "已配1名,职数不能核定为0名" in dialog.blocked.text()
    dialog.limit.setValue(2)
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT post_limit FROM post_limits WHERE post_kind_id = 1 AND unit_id = :u",
                  u=unit_id(book_path, "区农业农村局")) == 2


def test_pool_below_allocated_is_disabled(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "pool_set")
    type_text(qtbot, dialog.doc, DOC)
    dialog.total.setValue(5)
    assert "已分配6名,编制总额不能核定为5名" in dialog.blocked.text()
    dialog.total.setValue(12)
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT total FROM region_pools WHERE kind_id = 1") == 12


def test_approval_add_within_vacancy(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "approval_add", unit_id=unit_id(book_path, "区教育局"))
    dialog.kind.setCurrentText("事业编制")
    dialog.count.setValue(4)
    type_text(qtbot, dialog.doc, DOC)
    assert "需4名" in dialog.blocked.text()
    dialog.count.setValue(3)
    confirm(qtbot, dialog)
    assert dialog.change is not None
    assert scalar(book_path, "SELECT count FROM usage_approvals WHERE number = :n", n=dialog.change.result) == 3


def test_approval_cancel_releases(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    number = scalar(book_path, "SELECT number FROM usage_approvals WHERE count = 5")
    dialog = open_dialog(window, "approval_cancel", number=number)
    assert "撤销后释放" in dialog.figures.text()
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT status FROM usage_approvals WHERE number = :n", n=number) == "cancelled"


def test_unit_add_appears_in_tree(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "unit_add")
    type_text(qtbot, dialog.name, "区数据局")
    assert "须注明文件依据" in dialog.blocked.text()
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    new_id = dialog.change.result
    assert scalar(book_path, "SELECT name FROM units WHERE id = :i", i=new_id) == "区数据局"
    assert window.tree.model.unit_index(new_id).isValid()  # the tree reloaded from the Change
    assert window.tree.unit_text(new_id) == "区数据局"


def test_unit_add_checks_uscc_as_typed(qtbot, window):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "unit_add")
    type_text(qtbot, dialog.name, "区数据局")
    type_text(qtbot, dialog.doc, DOC)
    qtbot.keyClicks(dialog.uscc, "12610403MB0000000X")
    assert "统一社会信用代码" in dialog.blocked.text()


def test_rename_unit(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "unit_rename", unit_id=unit_id(book_path, "区档案馆"))
    type_text(qtbot, dialog.name, "区档案史志馆")
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    assert unit_id(book_path, "区档案史志馆") is not None


def test_abolish_with_staff_refused_by_core(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    before = snapshot(book_path)
    dialog = open_dialog(window, "unit_abolish", unit_id=unit_id(book_path, "区统计局"))
    assert "核定1 实有1" in dialog.figures.text()
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    assert "尚有实有人员1名" in dialog.refusal.text()
    assert snapshot(book_path) == before


def test_abolish_empty_unit(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    archive = unit_id(book_path, "区档案馆")
    dialog = open_dialog(window, "unit_abolish", unit_id=archive)
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT status FROM units WHERE id = :i", i=archive) == "abolished"
    assert not window.tree.model.unit_index(archive).isValid() and not window.tree.contains(archive)


def test_merge_units_into_new(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "unit_merge", unit_id=unit_id(book_path, "区统计局"))
    assert "请输入合并后的单位名称" in dialog.blocked.text()
    type_text(qtbot, dialog.into, "区统计和档案局")
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    merged = unit_id(book_path, "区统计和档案局")
    assert scalar(book_path, "SELECT SUM(used) FROM quotas WHERE unit_id = :u", u=merged) == 1


def test_merge_picks_units_by_name(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "unit_merge", unit_id=unit_id(book_path, "区统计局"))
    type_text(qtbot, dialog.pick, "区档案馆")
    qtbot.mouseClick(dialog.add_source, Qt.MouseButton.LeftButton)
    assert [name for _id, name in dialog.checked()] == ["区统计局", "区档案馆"]
    type_text(qtbot, dialog.into, "区统计和档案局")
    type_text(qtbot, dialog.doc, DOC)
    confirm(qtbot, dialog)
    merged = unit_id(book_path, "区统计和档案局")
    statuses = {scalar(book_path, "SELECT status FROM units WHERE name = :n", n=n) for n in ("区统计局", "区档案馆")}
    assert statuses == {"abolished"} and merged
