"""The core's fixed Chinese vocabulary shown in the window, marked for translation.

The core keeps these as plain Chinese (they are stored and printed); the window passes them
through tr() at display time, and this list is where pyside6-lupdate finds them.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

WORDS = (
    # categories
    QT_TRANSLATE_NOOP("", "党委工作机关"), QT_TRANSLATE_NOOP("", "政府工作部门"), QT_TRANSLATE_NOOP("", "人大机关"),
    QT_TRANSLATE_NOOP("", "政协机关"), QT_TRANSLATE_NOOP("", "审判机关"), QT_TRANSLATE_NOOP("", "检察机关"),
    QT_TRANSLATE_NOOP("", "群团机关"), QT_TRANSLATE_NOOP("", "事业单位"), QT_TRANSLATE_NOOP("", "乡镇(街道)"),
    # approval statuses
    QT_TRANSLATE_NOOP("", "有效"), QT_TRANSLATE_NOOP("", "已用完"), QT_TRANSLATE_NOOP("", "已撤销"),
    QT_TRANSLATE_NOOP("", "已过期"),
    # ledger operations (bianzhi_app.book.OP_LABELS)
    QT_TRANSLATE_NOOP("", "建立编制台账"), QT_TRANSLATE_NOOP("", "核定编制总额"), QT_TRANSLATE_NOOP("", "设立机构"),
    QT_TRANSLATE_NOOP("", "机构更名"), QT_TRANSLATE_NOOP("", "撤销机构"), QT_TRANSLATE_NOOP("", "机构合并"),
    QT_TRANSLATE_NOOP("", "核定编制"), QT_TRANSLATE_NOOP("", "编制划转"), QT_TRANSLATE_NOOP("", "核定领导职数"),
    QT_TRANSLATE_NOOP("", "用编核准"), QT_TRANSLATE_NOOP("", "撤销用编核准"), QT_TRANSLATE_NOOP("", "用编核准到期"),
    QT_TRANSLATE_NOOP("", "入编"), QT_TRANSLATE_NOOP("", "出编"), QT_TRANSLATE_NOOP("", "调动"),
    QT_TRANSLATE_NOOP("", "变更编制类型"), QT_TRANSLATE_NOOP("", "任职"), QT_TRANSLATE_NOOP("", "免职"),
    # demo scales (welcome page)
    QT_TRANSLATE_NOOP("", "区县(约150个单位、5,000人)"), QT_TRANSLATE_NOOP("", "地市(约3,000个单位、15万人)"),
    QT_TRANSLATE_NOOP("", "省(约4万个单位、150万人,需数分钟)"),
)
