"""The pages of the main window (概览, 单位, 人员, 用编, 台账, 文件)."""
