"""The report kinds and their titles: light enough for the CLI parser to import."""

KINDS = ("summary", "posts", "roster", "ledger", "notice", "quarterly", "disclosure")
TITLES = {
    "summary": "机构编制情况总表",
    "posts": "领导职数配备表",
    "roster": "实名制人员花名册",
    "ledger": "编制变动台账",
    "notice": "用编核准通知单",
    "quarterly": "季度编制审核报告",
    "disclosure": "机构编制信息公开表",
}
