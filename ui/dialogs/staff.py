"""Dialogs for persons: 入编, 出编, 调动, 变更编制类型, 任职, 免职."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from bianzhi_app import queries as q
from bianzhi_app.catalog import LEAVE_REASONS
from bianzhi_app.idcodes import mask_id
from bianzhi_app.ops.common import PersonRef
from bianzhi_app.rules import check_post_room, check_room
from ui.dialogs.base import OpDialog, Submit, figures_line, rule_says
from ui.dialogs.inputs import ChoiceCombo, DateEdit, DocEdit, IdEdit
from ui.fields import KindCombo, UnitPicker
from ui.i18n import tr

AUTO = None  # the approval combo's "choose for me" entry


def room_reason(conn: Any, unit_id: int, unit: str, kind: Any, action: str, on: Any,
                chosen: str | None) -> tuple[Any, str | None]:
    """Live figures of a unit and kind, and why the core would refuse one more person there.

    With a usable approval the person takes a reserved slot (no room check); without one rule 1
    decides first (no vacancy: the figures say so), then a unit that requires approvals refuses
    (rule 5) — the order of the core's checks (ops.staff).
    """
    figures = q.live_quota(conn, unit_id, kind.id)
    usable = q.usable_approvals(conn, unit_id, kind.id, on)
    if chosen or usable:
        return figures, None
    no_room = rule_says(check_room, unit, kind.name, figures, 1, action)
    if no_room is None and q.unit_requires_approval(conn, unit_id):
        return figures, no_approval_text(action).format(unit, tr(kind.name))
    return figures, no_room


def no_approval_text(action: str) -> str:
    """先核准后进人, one whole sentence per action (入编, 调入): an action put into a sentence reads badly
    once translated ("cannot Enter")."""
    if action == "调入":
        return tr("{0} {1} 没有有效的用编核准,不能调入(先核准后进人)")
    return tr("{0} {1} 没有有效的用编核准,不能入编(先核准后进人)")


class _ApprovalCombo(QComboBox):
    def fill(self, items: list[dict[str, Any]]) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("自动选用最早到期的用编核准"), AUTO)
        for a in items:
            self.addItem(tr("{0}(余{1}名,有效期至{2})").format(a["number"], a["remaining"], a["valid_until"]),
                         a["number"])
        index = self.findData(current)
        self.setCurrentIndex(max(0, index))
        self.blockSignals(False)


class PersonDialog(OpDialog):
    """A dialog that starts from a person's ID number and shows where they are now. Opened on a row selected in a
    masked list (preset ``person``: a ``PersonRef``), it shows that person masked with their name and passes the
    PersonRef to the core: no full number is needed, none is revealed."""

    def add_id(self, conn: Any) -> None:
        self.id_edit = self.add(tr("身份证号"), IdEdit(self), "id_number", None)
        self.id_edit.changed.connect(self.refresh)
        self.person: PersonRef | None = None
        ref = self.preset.get("person")
        found = q.person_slot_by_id(conn, ref.person_id) if isinstance(ref, PersonRef) else None
        if found is not None:
            self.person = ref
            self.id_edit.edit.setMaxLength(80)  # the mask and the name
            self.id_edit.edit.setText(tr("{0} {1}").format(found["id_number"], found["name"]))
            self.id_edit.edit.setReadOnly(True)
            self.id_edit.edit.setToolTip(tr("在人员名单中选中的人员"))
            self.id_edit.hint.setText("")
        elif self.preset.get("id_number"):
            self.id_edit.edit.setText(self.preset["id_number"])

    def target(self) -> str | PersonRef:
        """What the core is given as ``id_number``: the selected person, or the number typed."""
        return self.person if self.person is not None else self.id_edit.code()

    def slot(self, conn: Any) -> tuple[dict[str, Any] | None, str | None]:
        if self.person is not None:
            found = q.person_slot_by_id(conn, self.person.person_id)
            if found is None:
                return None, tr("所选人员已不在数据库中")
        else:
            problem = self.id_edit.problem()
            if problem:
                return None, problem
            found = q.person_slot(conn, self.id_edit.code(), keys=self.session.personal_keys)
            if found is None:
                return None, tr("未找到身份证号为{0}的人员").format(mask_id(self.id_edit.code()))
        if not found["on_establishment"]:
            return found, tr("{0}目前不在编").format(found["name"])
        return found, None

    def person_line(self, slot: dict[str, Any]) -> str:
        kind = tr(self.session.catalog.kind_by_id(slot["kind_id"]).name)
        post = tr(self.session.catalog.post_kind_by_id(slot["post_kind_id"]).name) if slot["post_kind_id"] else ""
        return tr("{0}:{1} {2}").format(slot["name"], slot["unit"], kind) + (f" {post}" if post else "")


class EnterDialog(OpDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("入编"))
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.kind = self.add(tr("编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.name = self.line(tr("姓名"), "name")
        self.id_edit = self.add(tr("身份证号"), IdEdit(self), "id_number", None)
        self.id_edit.changed.connect(self.refresh)
        self.approval = self.add(tr("用编核准"), _ApprovalCombo(self), "approval", None)
        self.approval.currentIndexChanged.connect(self.refresh)
        self.on = self.add(tr("入编日期"), DateEdit(self.session.today(), self), "on", None)
        self.on.dateChanged.connect(self.refresh)

    def live(self, conn: Any) -> tuple[str, str | None]:
        unit_id, kind = self.unit.unit_id(), self.kind.kind()
        if unit_id is None or kind is None:
            return "", tr("请选择单位")
        self.approval.fill(q.usable_approvals(conn, unit_id, kind.id, self.on.day()))
        figures, reason = room_reason(conn, unit_id, self.unit.currentText(), kind, "入编", self.on.day(),
                                      self.approval.currentData())
        text = f"{self.unit.currentText()} {tr(kind.name)}:{figures_line(figures)}"
        if not self.name.text().strip():
            reason = reason or tr("请输入姓名")
        return text, reason or self.id_edit.problem()

    def request(self) -> Submit:
        unit, kind = self.unit.unit_id(), self.kind.kind().code  # type: ignore[union-attr]
        name, id_number = self.name.text(), self.id_edit.code()
        approval, on = self.approval.currentData(), self.on.day()
        return lambda book: book.staff.enter(unit=unit, kind=kind, name=name, id_number=id_number,  # type: ignore[arg-type]
                                             approval=approval, on=on)


class LeaveDialog(PersonDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("出编"))
        self.add_id(conn)
        self.reason = self.add(tr("出编原因"), ChoiceCombo(LEAVE_REASONS, self), "reason", None)
        self.doc = self.add(tr("文号"), DocEdit(self), "doc", None)
        self.on = self.add(tr("出编日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        slot, reason = self.slot(conn)
        if slot is None or reason:
            return "", reason
        figures = q.live_quota(conn, slot["unit_id"], slot["kind_id"])
        return self.person_line(slot) + "\n" + figures_line(figures), None

    def request(self) -> Submit:
        id_number, reason, on = self.target(), self.reason.value(), self.on.day()
        doc = self.doc.text() or None
        return lambda book: book.staff.leave(id_number=id_number, reason=reason, doc=doc, on=on)


class TransferDialog(PersonDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("调动"))
        self.add_id(conn)
        self.unit = self.add(tr("调入单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        kinds = KindCombo(self.session.catalog.kinds, self, blank=tr("不变"))
        self.kind = self.add(tr("编制类型"), kinds, "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.approval = self.add(tr("用编核准"), _ApprovalCombo(self), "approval", None)
        self.approval.currentIndexChanged.connect(self.refresh)
        self.on = self.add(tr("调动日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        slot, reason = self.slot(conn)
        if slot is None or reason:
            return "", reason
        target = self.unit.unit_id()
        if target is None:
            return self.person_line(slot), tr("请选择调入单位")
        if target == slot["unit_id"]:
            return self.person_line(slot), tr("调入单位不能与调出单位相同")
        kind = self.kind.kind() or self.session.catalog.kind_by_id(slot["kind_id"])
        self.approval.fill(q.usable_approvals(conn, target, kind.id, self.on.day()))
        figures, reason = room_reason(conn, target, self.unit.currentText(), kind, "调入", self.on.day(),
                                      self.approval.currentData())
        source = q.live_quota(conn, slot["unit_id"], slot["kind_id"])
        text = (tr("调出:") + self.person_line(slot) + " " + figures_line(source) + "\n" + tr("调入:")
                + f"{self.unit.currentText()} {tr(kind.name)} " + figures_line(figures))
        return text, reason

    def request(self) -> Submit:
        chosen = self.kind.kind()
        kind = chosen.code if chosen else None
        id_number, unit = self.target(), self.unit.unit_id()
        approval, on = self.approval.currentData(), self.on.day()
        return lambda book: book.staff.transfer(id_number=id_number, unit=unit, kind=kind,  # type: ignore[arg-type]
                                                approval=approval, on=on)


class ChangeKindDialog(PersonDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("变更编制类型"))
        self.add_id(conn)
        self.kind = self.add(tr("新编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.doc = self.add(tr("文号"), DocEdit(self), "doc", None)
        self.on = self.add(tr("变更日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        slot, reason = self.slot(conn)
        if slot is None or reason:
            return "", reason
        kind = self.kind.kind()
        assert kind is not None
        figures = q.live_quota(conn, slot["unit_id"], kind.id)
        text = self.person_line(slot) + "\n" + f"{tr(kind.name)}:" + figures_line(figures)
        if kind.id == slot["kind_id"]:
            return text, tr("{0}已是{1}").format(slot["name"], tr(kind.name))
        return text, rule_says(check_room, slot["unit"], kind.name, figures, 1, tr("转入"))

    def request(self) -> Submit:
        id_number, kind = self.target(), self.kind.kind().code  # type: ignore[union-attr]
        doc, on = self.doc.text() or None, self.on.day()
        return lambda book: book.staff.change_kind(id_number=id_number, kind=kind, doc=doc, on=on)


class AppointDialog(PersonDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("任职"))
        self.add_id(conn)
        self.post = self.add(tr("职务"), KindCombo(self.session.catalog.post_kinds, self), "post", None)
        self.post.currentIndexChanged.connect(self.refresh)
        self.doc = self.add(tr("文号"), DocEdit(self), "doc", None)
        self.on = self.add(tr("任职日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        slot, reason = self.slot(conn)
        if slot is None or reason:
            return "", reason
        post = self.post.kind()
        assert post is not None
        figures = q.live_post(conn, slot["unit_id"], post.id)
        limit, used = figures.limit, figures.used
        text = self.person_line(slot) + "\n" + tr("{0} 职数{1} 已配{2}").format(tr(post.name), limit, used)
        return text, rule_says(check_post_room, slot["unit"], post.name, limit, used)

    def request(self) -> Submit:
        id_number, post = self.target(), self.post.kind().code  # type: ignore[union-attr]
        doc, on = self.doc.text() or None, self.on.day()
        return lambda book: book.posts.appoint(id_number=id_number, post=post, doc=doc, on=on)


class DismissDialog(PersonDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("免职"))
        self.add_id(conn)
        self.doc = self.add(tr("文号"), DocEdit(self), "doc", None)
        self.on = self.add(tr("免职日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        slot, reason = self.slot(conn)
        if slot is None or reason:
            return "", reason
        text = self.person_line(slot)
        if slot["post_kind_id"]:
            figures = q.live_post(conn, slot["unit_id"], slot["post_kind_id"])
            limit, used = figures.limit, figures.used
            post = tr(self.session.catalog.post_kind_by_id(slot["post_kind_id"]).name)
            text += "\n" + tr("{0} 职数{1} 已配{2}").format(post, limit, used)
        return text, None

    def request(self) -> Submit:
        id_number, doc, on = self.target(), self.doc.text() or None, self.on.day()
        return lambda book: book.posts.dismiss(id_number=id_number, doc=doc, on=on)
