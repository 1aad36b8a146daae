"""The report kinds and their titles: light enough for the CLI parser to import."""

# The reports of the establishment (the window's 报表 page offers these).
KINDS = ("summary", "posts", "roster", "ledger", "notice", "quarterly", "disclosure")
# The auditor's: 安全审计报告 of the security log (issue 15); the core lets only 安全审计员 make it.
AUDIT_KINDS = ("audit",)
ALL_KINDS = KINDS + AUDIT_KINDS
TITLES = {
    "summary": "机构编制情况总表",
    "posts": "领导职数配备表",
    "roster": "实名制人员花名册",
    "ledger": "编制变动台账",
    "notice": "用编核准通知单",
    "quarterly": "季度编制审核报告",
    "disclosure": "机构编制信息公开表",
    "audit": "安全审计报告",
}
