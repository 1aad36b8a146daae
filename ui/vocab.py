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
    QT_TRANSLATE_NOOP("", "建账"), QT_TRANSLATE_NOOP("", "核定主要职责"),
    QT_TRANSLATE_NOOP("", "核定编制"), QT_TRANSLATE_NOOP("", "编制划转"), QT_TRANSLATE_NOOP("", "核定领导职数"),
    QT_TRANSLATE_NOOP("", "用编核准"), QT_TRANSLATE_NOOP("", "撤销用编核准"), QT_TRANSLATE_NOOP("", "用编核准到期"),
    QT_TRANSLATE_NOOP("", "入编"), QT_TRANSLATE_NOOP("", "出编"), QT_TRANSLATE_NOOP("", "调动"),
    QT_TRANSLATE_NOOP("", "变更编制类型"), QT_TRANSLATE_NOOP("", "任职"), QT_TRANSLATE_NOOP("", "免职"),
    QT_TRANSLATE_NOOP("", "增设编制类型"), QT_TRANSLATE_NOOP("", "增设职务类别"), QT_TRANSLATE_NOOP("", "季度数据封存"),
    QT_TRANSLATE_NOOP("", "从备份恢复"),
    # built-in establishment kinds and post kinds (the book keeps the Chinese names and the codes)
    QT_TRANSLATE_NOOP("", "行政编制"), QT_TRANSLATE_NOOP("", "政法专项编制"), QT_TRANSLATE_NOOP("", "事业编制"),
    QT_TRANSLATE_NOOP("", "机关工勤编制"), QT_TRANSLATE_NOOP("", "正职"), QT_TRANSLATE_NOOP("", "副职"),
    QT_TRANSLATE_NOOP("", "内设机构正职"), QT_TRANSLATE_NOOP("", "内设机构副职"),
    # ranks and funding forms
    QT_TRANSLATE_NOOP("", "正厅"), QT_TRANSLATE_NOOP("", "副厅"), QT_TRANSLATE_NOOP("", "正处"),
    QT_TRANSLATE_NOOP("", "副处"), QT_TRANSLATE_NOOP("", "正科"), QT_TRANSLATE_NOOP("", "副科"),
    QT_TRANSLATE_NOOP("", "正股"), QT_TRANSLATE_NOOP("", "副股"), QT_TRANSLATE_NOOP("", "未定级"),
    QT_TRANSLATE_NOOP("", "全额拨款"), QT_TRANSLATE_NOOP("", "差额拨款"), QT_TRANSLATE_NOOP("", "自收自支"),
    # approval methods and leave reasons
    QT_TRANSLATE_NOOP("", "公开招录"), QT_TRANSLATE_NOOP("", "公开招聘"), QT_TRANSLATE_NOOP("", "调任"),
    QT_TRANSLATE_NOOP("", "转任"), QT_TRANSLATE_NOOP("", "军转安置"), QT_TRANSLATE_NOOP("", "遴选"),
    QT_TRANSLATE_NOOP("", "选调"), QT_TRANSLATE_NOOP("", "人才引进"), QT_TRANSLATE_NOOP("", "其他"),
    QT_TRANSLATE_NOOP("", "退休"), QT_TRANSLATE_NOOP("", "死亡"), QT_TRANSLATE_NOOP("", "调出"),
    QT_TRANSLATE_NOOP("", "辞职"), QT_TRANSLATE_NOOP("", "辞退"), QT_TRANSLATE_NOOP("", "开除"),
    QT_TRANSLATE_NOOP("", "解除聘用合同"),
    # the demo's phases (its progress)
    QT_TRANSLATE_NOOP("", "单位"), QT_TRANSLATE_NOOP("", "台账历史"),
    # demo scales (welcome page)
    QT_TRANSLATE_NOOP("", "区县(约150个单位、5,000人)"), QT_TRANSLATE_NOOP("", "地市(约3,000个单位、15万人)"),
    QT_TRANSLATE_NOOP("", "省(约4万个单位、150万人,需数分钟)"),
)
