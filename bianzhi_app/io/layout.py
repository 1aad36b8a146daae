"""The columns Bianzhi writes (export, blank template) and reads back: one definition for both.

Headers are chosen so that ``bianzhi_app.io.headers`` recognises every column in a single header
row (e.g. 「行政编制核定数」 → quota:xz, 「内设机构正职职数」 → limit:nz); an export therefore
re-imports as it is. The 「编制总额」 sheet (region and pool per kind) is read by
``bianzhi_app.io.pool_sheet``, the 「用编核准」 sheet (open usage approvals) by
``bianzhi_app.io.approval_sheet``; the workbook reader ignores both.
"""

from __future__ import annotations

from bianzhi_app.io.values import KIND_NAMES, POST_NAMES
from bianzhi_app.texts import FUNCTIONS_MAX

UNITS_SHEET = "单位"
PERSONS_SHEET = "人员"
POOL_SHEET = "编制总额"
APPROVALS_SHEET = "用编核准"
NOTES_SHEET = "说明"

UNIT_FIXED = ("单位名称", "上级单位", "机构类别", "机构规格", "经费形式", "统一社会信用代码")
UNIT_FUNCTIONS = "主要职责"  # the units sheet's last column: a long text, after the figures
PERSON_COLUMNS = ("姓名", "身份证号", "性别", "出生日期", "所在单位", "编制类型", "领导职务", "入编时间")
POOL_COLUMNS = ("行政区域", "行政区划代码", "编制类型", "编制总额", "已分配", "未分配")
APPROVAL_COLUMNS = ("核准编号", "单位名称", "编制类型", "核准数", "已使用", "补充方式", "核准日期", "有效期至",
                    "文件依据")

# Column widths in characters (a CJK character counts about 2).
UNIT_WIDTHS = (30, 26, 14, 10, 10, 22)
PERSON_WIDTHS = (12, 21, 6, 12, 30, 14, 14, 12)
POOL_WIDTHS = (14, 12, 14, 10, 10, 10)
APPROVAL_WIDTHS = (12, 30, 14, 8, 8, 12, 12, 12, 30)
FIGURE_WIDTH = 11
FUNCTIONS_WIDTH = 60


def quota_header(kind_code: str) -> str:
    return f"{KIND_NAMES.get(kind_code, kind_code)}核定数"


def used_header(kind_code: str) -> str:
    return f"{KIND_NAMES.get(kind_code, kind_code)}实有人数"


def limit_header(post_code: str) -> str:
    return f"{POST_NAMES.get(post_code, post_code)}职数"


NOTES = (
    "编制数据导入说明",
    "",
    "1. 本工作簿含「单位」「人员」「编制总额」「用编核准」四张表;表名可改,系统按表头识别各列,列的顺序可以调整。",
    "2. 「单位」表:每行一个机构。单位名称必填;新设单位须填机构类别、机构规格。"
    "核定数、职数填整数,空白表示不变(首次导入时为0)。",
    "3. 机构类别:党委工作机关、政府工作部门、人大机关、政协机关、审判机关、检察机关、群团机关、事业单位、乡镇(街道)。",
    "4. 机构规格:正厅、副厅、正处、副处、正科、副科、正股、副股、未定级;经费形式:全额拨款、差额拨款、自收自支。",
    "5. 「人员」表:每行一名在编人员。姓名、身份证号、所在单位、编制类型必填;"
    "身份证号一列须设为文本格式(以数字格式存储的18位号码已丢失末几位,无法导入)。",
    "6. 编制类型:行政编制、政法专项编制、事业编制、机关工勤编制;领导职务:正职、副职、内设机构正职、内设机构副职,可空。",
    "7. 日期写作2026-01-05;入编时间空白时按导入当天登记。",
    "8. 「编制总额」表(可省略):首次导入时用以建立行政区域和各类编制总额;日常导入时不使用。",
    "9. 「用编核准」表(可省略):在途的用编核准,每行一件。首次导入时按表重建(单位名称、编制类型、核准数必填;"
    "核准编号、补充方式、核准日期、有效期至、文件依据照录,空白时分别按新编号、「其他」、导入当天、一年、"
    "初始导入文件依据办理;核准数减去已使用数即为在途数,须在该单位空编之内);日常导入时不使用。",
    "10. 「实有人数」「已分配」「未分配」各列仅供核对,导入时不使用。"
    f"「主要职责」按三定规定填写(可分行,不超过{FUNCTIONS_MAX}字);空白表示不变。",
    "11. 导入前可先「试导入」(--dry-run):逐条列出问题(表名、行号、列、内容、原因),不改动数据。"
    "有任何问题时整个文件不导入;选择「跳过有误的行」(--skip-invalid)则只导入无误的行。",
    "12. 首次导入(--initial)只能导入空台账:建立单位、核定编制和职数,登记现有人员(无需用编核准),"
    "按「用编核准」表重建在途的用编核准;超编单位的超出部分记为超编只出不进;文件依据为「初始导入:文件名」。",
    "13. 日常导入:已有单位的核定数、职数按表调整,新单位予以设立(均须注明文号 --doc);"
    "新人员入编须有用编核准(先核准后进人);已在本单位同类编制中的人员视为无变化。",
)
