"""The person dialogs driven as a user would, against a real book."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uihelpers import DOC, NEW_ID, PERSONS, scalar, snapshot, type_text, wait_idle


def open_dialog(window, key, **preset):  # type: ignore[no-untyped-def]
    from ui.dialogs.registry import OPERATIONS

    entry = next(e for e in OPERATIONS if e.key == key)
    dialog = entry.dialog(window.session, window, **preset)
    dialog.show()
    return dialog


def unit_id(path, name):  # type: ignore[no-untyped-def]
    return scalar(path, "SELECT id FROM units WHERE name = :n", n=name)


def confirm(qtbot, dialog):  # type: ignore[no-untyped-def]
    assert dialog.confirm.isEnabled(), dialog.blocked.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog.session)


def test_enter_shows_live_figures_and_enters(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区农业农村局"))
    assert "核定3 实有2 在途0 空编1" in dialog.figures.text()
    type_text(qtbot, dialog.name, "辛八")
    assert not dialog.confirm.isEnabled()  # ID number still missing
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID.lower())
    assert dialog.id_edit.hint.text() == "✓"
    confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert scalar(book_path, "SELECT u.name FROM staffing_periods s JOIN persons p ON p.id = s.person_id "
                             "JOIN units u ON u.id = s.unit_id WHERE p.id_hash = :id_hash AND s.end_date IS NULL",
                  id_number=NEW_ID) == "区农业农村局"


def test_enter_checks_id_number_as_typed(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区农业农村局"))
    type_text(qtbot, dialog.name, "辛八")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1"))
    assert "校验位错误" in dialog.id_edit.hint.text()
    assert not dialog.confirm.isEnabled()


def test_enter_disabled_with_the_rule_text_when_no_vacancy(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区统计局"))
    type_text(qtbot, dialog.name, "辛八")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
    assert "核定1 实有1 在途0 空编0" in dialog.figures.text()
    assert not dialog.confirm.isEnabled()
    assert "区统计局 行政编制 核定1名,实有1名,在途0名,无空编,不能入编" in dialog.blocked.text()


def test_enter_disabled_without_approval_where_required(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    # 区财政局 is full (行政 2/2): give it a vacancy, so that only the missing approval stands in the way
    window.session.run_op(None, lambda book: book.quotas.set(unit="区财政局", kind="行政编制", approved=3, doc=DOC),
                          on_success=lambda _c: None, on_failure=lambda e: None)
    wait_idle(qtbot, window.session)
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区财政局"))
    type_text(qtbot, dialog.name, "辛八")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
    assert "先核准后进人" in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()


def test_enter_refused_by_core_shows_message_and_changes_nothing(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    before = snapshot(book_path)
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区农业农村局"))
    type_text(qtbot, dialog.name, "丙三")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["丙三"][2])
    confirm(qtbot, dialog)
    assert "一人一编" in dialog.refusal.text()
    assert dialog.isVisible()
    assert snapshot(book_path) == before


def test_leave_frees_the_slot(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "leave")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["戊五"][2])
    assert "戊五" in dialog.figures.text() and "核定1 实有1" in dialog.figures.text()
    dialog.reason.setCurrentText("退休")
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT used FROM quotas q JOIN units u ON u.id = q.unit_id "
                             "WHERE u.name = '区统计局' AND q.kind_id = 1") == 0


def test_leave_disabled_for_unknown_person(qtbot, window):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "leave")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
    assert "未找到" in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()


def test_transfer_uses_the_target_approval(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "transfer")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["乙二"][2])
    type_text(qtbot, dialog.unit, "区教育局")
    dialog.kind.setCurrentText("事业编制")
    assert "调入" in dialog.figures.text() and "核定10 实有2 在途5 空编3" in dialog.figures.text()
    confirm(qtbot, dialog)
    assert dialog.change is not None
    assert scalar(book_path, "SELECT used FROM quotas q JOIN units u ON u.id = q.unit_id "
                             "WHERE u.name = '区教育局' AND q.kind_id = 3") == 3


def test_change_kind_disabled_when_kinds_would_pool(qtbot, window):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "change_kind")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["乙二"][2])
    dialog.kind.setCurrentText("事业编制")
    assert "不能转入" in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()


def test_appoint_blocked_when_post_full_then_appoints_deputy(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "appoint")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["乙二"][2])
    dialog.post.setCurrentText("正职")
    assert "职数1 已配1" in dialog.figures.text()
    assert "无空缺职数" in dialog.blocked.text()
    dialog.post.setCurrentText("副职")
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT COUNT(*) FROM appointments WHERE end_date IS NULL") == 2


def test_dismiss_refused_by_core_for_person_without_post(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    before = snapshot(book_path)
    dialog = open_dialog(window, "dismiss")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["乙二"][2])
    confirm(qtbot, dialog)
    assert "未担任领导职务" in dialog.refusal.text()
    assert snapshot(book_path) == before


def test_dismiss_ends_the_post(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "dismiss")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["甲一"][2])
    assert "正职 职数1 已配1" in dialog.figures.text()
    confirm(qtbot, dialog)
    assert scalar(book_path, "SELECT COUNT(*) FROM appointments WHERE end_date IS NULL") == 0
