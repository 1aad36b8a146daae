<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name></name>
    <message>
        <location filename="../charts.py" line="64"/>
        <location filename="../pages/dashboard.py" line="95"/>
        <location filename="../pages/dashboard.py" line="103"/>
        <location filename="../pages/unit_page.py" line="79"/>
        <source>实有</source>
        <translation>Used</translation>
    </message>
    <message>
        <location filename="../charts.py" line="65"/>
        <location filename="../pages/dashboard.py" line="103"/>
        <location filename="../pages/unit_page.py" line="79"/>
        <source>核定</source>
        <translation>Approved</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="21"/>
        <location filename="../dialogs/import_wizard.py" line="44"/>
        <location filename="../dialogs/staff.py" line="97"/>
        <location filename="../dialogs/staff.py" line="150"/>
        <location filename="../pages/lists.py" line="56"/>
        <location filename="../vocab.py" line="23"/>
        <source>用编核准</source>
        <translation>Usage approval</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="23"/>
        <location filename="../dialogs/quota.py" line="33"/>
        <location filename="../dialogs/quota.py" line="106"/>
        <location filename="../dialogs/staff.py" line="89"/>
        <location filename="../dialogs/units.py" line="67"/>
        <location filename="../dialogs/units.py" line="88"/>
        <location filename="../main_window.py" line="79"/>
        <location filename="../models.py" line="102"/>
        <location filename="../models.py" line="180"/>
        <location filename="../pages/dashboard.py" line="103"/>
        <location filename="../pages/dashboard.py" line="107"/>
        <location filename="../pages/lists.py" line="49"/>
        <location filename="../pages/reports.py" line="237"/>
        <location filename="../vocab.py" line="45"/>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="26"/>
        <location filename="../dialogs/quota.py" line="36"/>
        <location filename="../dialogs/quota.py" line="75"/>
        <location filename="../dialogs/quota.py" line="139"/>
        <location filename="../dialogs/staff.py" line="92"/>
        <location filename="../dialogs/staff.py" line="148"/>
        <location filename="../models.py" line="102"/>
        <location filename="../pages/dashboard.py" line="95"/>
        <location filename="../pages/dashboard.py" line="103"/>
        <location filename="../pages/dashboard.py" line="107"/>
        <location filename="../pages/lists.py" line="49"/>
        <location filename="../pages/unit_page.py" line="79"/>
        <source>编制类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="28"/>
        <location filename="../pages/lists.py" line="49"/>
        <source>核准数</source>
        <translation>Slots approved</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="29"/>
        <location filename="../pages/lists.py" line="50"/>
        <source>补充方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="30"/>
        <location filename="../pages/dashboard.py" line="107"/>
        <location filename="../pages/lists.py" line="50"/>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="32"/>
        <location filename="../dialogs/base.py" line="162"/>
        <source>文号(必填)</source>
        <translation>Document no. (required)</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="34"/>
        <location filename="../pages/lists.py" line="50"/>
        <source>核准日期</source>
        <translation>Approval date</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="39"/>
        <location filename="../dialogs/quota.py" line="47"/>
        <location filename="../dialogs/quota.py" line="119"/>
        <location filename="../dialogs/staff.py" line="105"/>
        <location filename="../dialogs/units.py" line="75"/>
        <location filename="../dialogs/units.py" line="96"/>
        <source>请选择单位</source>
        <translation>Choose a unit</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="44"/>
        <source>核准{0}名用编</source>
        <translation>approve {0} slots</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="46"/>
        <location filename="../dialogs/base.py" line="167"/>
        <source>须注明文件依据(文号)</source>
        <translation>A document number is required</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="59"/>
        <location filename="../vocab.py" line="23"/>
        <source>撤销用编核准</source>
        <translation>Cancel usage approval</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="61"/>
        <location filename="../pages/dashboard.py" line="107"/>
        <location filename="../pages/lists.py" line="49"/>
        <location filename="../pages/reports.py" line="245"/>
        <source>核准编号</source>
        <translation>Approval no.</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="67"/>
        <location filename="../dialogs/staff.py" line="187"/>
        <location filename="../dialogs/staff.py" line="214"/>
        <location filename="../dialogs/staff.py" line="238"/>
        <location filename="../models.py" line="181"/>
        <location filename="../models.py" line="244"/>
        <location filename="../pages/lists.py" line="50"/>
        <source>文号</source>
        <translation>Document no.</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="68"/>
        <source>撤销日期</source>
        <translation>Cancellation date</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="73"/>
        <source>请选择有效的用编核准</source>
        <translation>Choose an active approval</translation>
    </message>
    <message>
        <location filename="../dialogs/approvals.py" line="76"/>
        <source>{0} {1} 核准{2}名,已用{3}名,撤销后释放{4}名</source>
        <translation>{0} {1}: {2} approved, {3} used, cancelling releases {4}</translation>
    </message>
    <message>
        <location filename="../dialogs/base.py" line="41"/>
        <source>核定{0} 实有{1} 在途{2} 空编{3}</source>
        <translation>approved {0} used {1} reserved {2} vacancy {3}</translation>
    </message>
    <message>
        <location filename="../dialogs/base.py" line="43"/>
        <source> 超编{0}</source>
        <translation> overage {0}</translation>
    </message>
    <message>
        <location filename="../dialogs/base.py" line="81"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../dialogs/base.py" line="83"/>
        <location filename="../dialogs/import_wizard.py" line="96"/>
        <location filename="../dialogs/import_wizard.py" line="177"/>
        <location filename="../dialogs/safety.py" line="53"/>
        <location filename="../dialogs/safety.py" line="136"/>
        <location filename="../progress.py" line="19"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="17"/>
        <source>{0} 编制总额{1} 已分配{2} 未分配{3}</source>
        <translation>{0} pool {1} allocated {2} unallocated {3}</translation>
    </message>
    <message>
        <location filename="../dialogs/base.py" line="164"/>
        <location filename="../models.py" line="179"/>
        <location filename="../models.py" line="245"/>
        <source>生效日期</source>
        <translation>Effective date</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="41"/>
        <location filename="../dialogs/quota.py" line="32"/>
        <location filename="../vocab.py" line="22"/>
        <source>核定编制</source>
        <translation>Set quota</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="41"/>
        <source>新设单位</source>
        <translation>units added</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="42"/>
        <source>核定职数</source>
        <translation>post limits set</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="44"/>
        <source>无变化人员</source>
        <translation>persons unchanged</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="45"/>
        <source>未导入的行</source>
        <translation>rows not imported</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="51"/>
        <source>无变动</source>
        <translation>no changes</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="58"/>
        <location filename="../dialogs/import_wizard.py" line="70"/>
        <source>导入Excel</source>
        <translation>Import Excel</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="59"/>
        <source>Excel 工作簿 (*.xlsx *.xls);;所有文件 (*)</source>
        <translation>Excel workbooks (*.xlsx *.xls);;All files (*)</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="91"/>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="92"/>
        <source>检查</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="93"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="94"/>
        <source>仅导入无误的行</source>
        <translation>Import only rows without problems</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="113"/>
        <source>Excel 工作簿(.xlsx 或 .xls)</source>
        <translation>Excel workbook (.xlsx or .xls)</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="120"/>
        <source>初始导入:向空台账载入本地区现有的机构、编制和在编人员</source>
        <translation>Initial import: load the region&apos;s current units, quotas and staff into an empty book</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="126"/>
        <location filename="../dialogs/import_wizard.py" line="160"/>
        <source>如 杨编发〔2026〕12号(设立单位、核定编制或职数时必填)</source>
        <translation>e.g. 杨编发〔2026〕12号 (required to add units or set quotas or post limits)</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="127"/>
        <source>文件依据(文号)</source>
        <translation>Document number</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="128"/>
        <source>先检查:程序按导入时的全部规则试导入一遍,列出每一处问题,不改动数据。可用「文件 → 下载导入模板…」得到空白模板。</source>
        <translation>Check first: a trial import under every rule lists each problem without changing data. File → Download import template… gives a blank template.</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="144"/>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="144"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="144"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="144"/>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="144"/>
        <location filename="../dialogs/safety.py" line="109"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="159"/>
        <source>默认为「初始导入:文件名」</source>
        <translation>Default: &quot;初始导入:&lt;file name&gt;&quot;</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="177"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="223"/>
        <source>正在检查工作簿</source>
        <translation>Checking the workbook</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="240"/>
        <source>检查发现{0}处问题,涉及{1}行({2})。可以修改文件后重新检查,或「仅导入无误的行」:{3}。</source>
        <translation>The check found {0} problems in {1} rows ({2}). Fix the file and check again, or import only the rows without problems: {3}.</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="244"/>
        <source>检查通过,没有发现问题。导入将:{0}。</source>
        <translation>Check passed, no problems. The import will: {0}.</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="267"/>
        <source>未导入任何数据:文件中有{0}处问题</source>
        <translation>Nothing imported: the file has {0} problems</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="270"/>
        <source>已导入:{0}(文件依据:{1})。</source>
        <translation>Imported: {0} (document: {1}).</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="271"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="279"/>
        <source>已取消导入,数据库未作任何改动</source>
        <translation>Import cancelled; the database was not changed</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="282"/>
        <source>正在导入</source>
        <translation>Importing</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="38"/>
        <source>核定编制数</source>
        <translation>Approved quota</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="39"/>
        <source>低于实有人数的部分记为超编(只出不进)</source>
        <translation>Record the part below staff as overage (leave only)</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="69"/>
        <location filename="../vocab.py" line="22"/>
        <source>编制划转</source>
        <translation>Transfer quota</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="70"/>
        <source>划出单位</source>
        <translation>From unit</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="73"/>
        <source>划入单位</source>
        <translation>To unit</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="77"/>
        <source>划转编制数</source>
        <translation>Slots to transfer</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="83"/>
        <source>请选择划出单位和划入单位</source>
        <translation>Choose both units</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="88"/>
        <source>划出单位与划入单位不能相同</source>
        <translation>The two units must differ</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="91"/>
        <source>{0} {1} 核定{2}名,不能划出{3}名</source>
        <translation>{0} {1} has {2} approved, cannot transfer {3}</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="105"/>
        <location filename="../vocab.py" line="22"/>
        <source>核定领导职数</source>
        <translation>Set post limit</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="109"/>
        <location filename="../dialogs/staff.py" line="212"/>
        <location filename="../models.py" line="103"/>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>职务</source>
        <translation>Post</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="111"/>
        <location filename="../pages/unit_page.py" line="42"/>
        <source>领导职数</source>
        <translation>Post limit</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="112"/>
        <source>超出的已配职数记为只出不进</source>
        <translation>Record posts above the limit as leave-only</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="123"/>
        <source>{0} {1} 职数{2} 已配{3}</source>
        <translation>{0} {1} limit {2} held {3}</translation>
    </message>
    <message>
        <location filename="../dialogs/quota.py" line="138"/>
        <location filename="../vocab.py" line="20"/>
        <source>核定编制总额</source>
        <translation>Set region pool</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="42"/>
        <location filename="../dialogs/quota.py" line="141"/>
        <location filename="../pages/dashboard.py" line="37"/>
        <location filename="../pages/dashboard.py" line="95"/>
        <source>编制总额</source>
        <translation>Region pool</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="37"/>
        <location filename="../main_window.py" line="79"/>
        <location filename="../pages/unit_page.py" line="43"/>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="38"/>
        <source>入编…</source>
        <translation>Enter…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="43"/>
        <source>出编…</source>
        <translation>Leave…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="44"/>
        <source>调动…</source>
        <translation>Transfer…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="45"/>
        <source>变更编制类型…</source>
        <translation>Change kind…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="46"/>
        <source>任职…</source>
        <translation>Appoint…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="47"/>
        <source>免职…</source>
        <translation>Dismiss…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="50"/>
        <location filename="../pages/unit_page.py" line="41"/>
        <source>编制</source>
        <translation>Quotas</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="51"/>
        <source>核定编制…</source>
        <translation>Set quota…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="56"/>
        <source>编制划转…</source>
        <translation>Transfer quota…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="57"/>
        <source>核定领导职数…</source>
        <translation>Set post limit…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="58"/>
        <source>核定编制总额…</source>
        <translation>Set region pool…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="62"/>
        <source>用编核准…</source>
        <translation>Usage approval…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="68"/>
        <source>撤销用编核准…</source>
        <translation>Cancel approval…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="72"/>
        <source>机构</source>
        <translation>Units</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="73"/>
        <source>设立机构…</source>
        <translation>Add unit…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="77"/>
        <source>机构更名…</source>
        <translation>Rename unit…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="78"/>
        <source>撤销机构…</source>
        <translation>Abolish unit…</translation>
    </message>
    <message>
        <location filename="../dialogs/registry.py" line="79"/>
        <source>机构合并…</source>
        <translation>Merge units…</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="51"/>
        <source>自动选用最早到期的用编核准</source>
        <translation>Use the earliest-expiring approval</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="53"/>
        <source>{0}(余{1}名,有效期至{2})</source>
        <translation>{0} ({1} left, valid until {2})</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="64"/>
        <location filename="../dialogs/staff.py" line="95"/>
        <location filename="../models.py" line="101"/>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="75"/>
        <source>未找到身份证号为{0}的人员</source>
        <translation>No person with ID number {0}</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="77"/>
        <source>{0}目前不在编</source>
        <translation>{0} is not on establishment</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="83"/>
        <source>{0}:{1} {2}</source>
        <translation>{0}: {1} {2}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="43"/>
        <location filename="../dialogs/staff.py" line="88"/>
        <location filename="../vocab.py" line="24"/>
        <source>入编</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="42"/>
        <source>{0} {1} 没有有效的用编核准,不能调入(先核准后进人)</source>
        <translation>{0} {1}: no valid usage approval, so no one can be transferred in (an approval must come before hiring)</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="43"/>
        <source>{0} {1} 没有有效的用编核准,不能入编(先核准后进人)</source>
        <translation>{0} {1}: no valid usage approval, so no one can be entered (an approval must come before hiring)</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="94"/>
        <location filename="../models.py" line="100"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="99"/>
        <location filename="../models.py" line="103"/>
        <source>入编日期</source>
        <translation>Entry date</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="111"/>
        <source>请输入姓名</source>
        <translation>Enter a name</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="124"/>
        <location filename="../vocab.py" line="24"/>
        <source>出编</source>
        <translation>Leave</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="126"/>
        <source>出编原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="127"/>
        <source>出编日期</source>
        <translation>Leave date</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="143"/>
        <location filename="../vocab.py" line="24"/>
        <source>调动</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="145"/>
        <source>调入单位</source>
        <translation>Target unit</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="147"/>
        <source>不变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="152"/>
        <source>调动日期</source>
        <translation>Transfer date</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="160"/>
        <source>请选择调入单位</source>
        <translation>Choose the target unit</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="162"/>
        <source>调入单位不能与调出单位相同</source>
        <translation>Target unit must differ from the current one</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="168"/>
        <source>调出:</source>
        <translation>From: </translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="168"/>
        <source>调入:</source>
        <translation>To: </translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="183"/>
        <location filename="../vocab.py" line="25"/>
        <source>变更编制类型</source>
        <translation>Change kind</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="185"/>
        <source>新编制类型</source>
        <translation>New kind</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="188"/>
        <source>变更日期</source>
        <translation>Change date</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="199"/>
        <source>{0}已是{1}</source>
        <translation>{0} already holds {1}</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="200"/>
        <source>转入</source>
        <translation>move in</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="43"/>
        <location filename="../dialogs/staff.py" line="210"/>
        <location filename="../vocab.py" line="25"/>
        <source>任职</source>
        <translation>Appoint</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="215"/>
        <source>任职日期</source>
        <translation>Appointment date</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="225"/>
        <location filename="../dialogs/staff.py" line="250"/>
        <source>{0} 职数{1} 已配{2}</source>
        <translation>{0} limit {1} held {2}</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="236"/>
        <location filename="../vocab.py" line="25"/>
        <source>免职</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <location filename="../dialogs/staff.py" line="239"/>
        <source>免职日期</source>
        <translation>Dismissal date</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="26"/>
        <source>未核定编制</source>
        <translation>No quota approved</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="31"/>
        <location filename="../vocab.py" line="20"/>
        <source>设立机构</source>
        <translation>Add unit</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="32"/>
        <source>单位名称</source>
        <translation>Unit name</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="33"/>
        <source>机构类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="34"/>
        <source>机构规格</source>
        <translation>Rank</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="35"/>
        <source>经费形式</source>
        <translation>Funding</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="36"/>
        <source>上级单位</source>
        <translation>Parent unit</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="38"/>
        <source>统一社会信用代码</source>
        <translation>USCC</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="38"/>
        <source>可不填</source>
        <translation>optional</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="39"/>
        <source>进人须先办理用编核准</source>
        <translation>Entering requires a usage approval</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="45"/>
        <source>请输入单位名称</source>
        <translation>Enter the unit name</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="52"/>
        <source>未找到上级单位「{0}」</source>
        <translation>Parent unit “{0}” not found</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="66"/>
        <location filename="../vocab.py" line="21"/>
        <source>机构更名</source>
        <translation>Rename unit</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="70"/>
        <source>新名称</source>
        <translation>New name</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="77"/>
        <source>请输入新名称</source>
        <translation>Enter the new name</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="87"/>
        <location filename="../vocab.py" line="21"/>
        <source>撤销机构</source>
        <translation>Abolish unit</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="97"/>
        <source>撤销后其核定编制收回编制总额</source>
        <translation>Its quota returns to the region pool</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="106"/>
        <location filename="../vocab.py" line="21"/>
        <source>机构合并</source>
        <translation>Merge units</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="114"/>
        <source>加入</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="120"/>
        <source>被合并单位</source>
        <translation>Units merged</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="127"/>
        <source>合并后的单位(已有或新设)</source>
        <translation>Merged into (existing or new)</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="154"/>
        <source>请勾选被合并的单位</source>
        <translation>Tick the units to merge</translation>
    </message>
    <message>
        <location filename="../dialogs/units.py" line="157"/>
        <source>请输入合并后的单位名称</source>
        <translation>Enter the merged unit&apos;s name</translation>
    </message>
    <message>
        <location filename="../fields.py" line="26"/>
        <source>输入单位名称</source>
        <translation>Type a unit name</translation>
    </message>
    <message>
        <location filename="../dialogs/inputs.py" line="47"/>
        <source>如 杨编发〔2026〕12号</source>
        <translation>e.g. 杨编发〔2026〕12号</translation>
    </message>
    <message>
        <location filename="../dialogs/inputs.py" line="61"/>
        <source>18位身份证号</source>
        <translation>18-character ID number</translation>
    </message>
    <message>
        <location filename="../dialogs/inputs.py" line="74"/>
        <source>请输入身份证号</source>
        <translation>Enter an ID number</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="136"/>
        <source>无法打开「{0}」:{1}</source>
        <translation>Cannot open “{0}”: {1}</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="139"/>
        <source>「{0}」中还没有编制台账,请先新建</source>
        <translation>“{0}” holds no book yet; create one first</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="213"/>
        <location filename="../welcome.py" line="110"/>
        <source>打开台账</source>
        <translation>Open book</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="214"/>
        <location filename="../welcome.py" line="111"/>
        <source>编制台账 (*.db);;所有文件 (*)</source>
        <translation>Books (*.db);;All files (*)</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="221"/>
        <source>请指定数据库文件</source>
        <translation>Choose a database file</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="234"/>
        <source>「{0}」已有编制台账;请换一个文件名,或直接打开它</source>
        <translation>“{0}” already holds a book; choose another name or open it</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="267"/>
        <source>已取消生成演示区域</source>
        <translation>Demo generation cancelled</translation>
    </message>
    <message>
        <location filename="../launcher.py" line="289"/>
        <source>正在生成演示区域</source>
        <translation>Generating demo region</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="73"/>
        <source>编制台账 — {0}</source>
        <translation>Establishment book — {0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="79"/>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="79"/>
        <source>用编</source>
        <translation>Approvals</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="79"/>
        <location filename="../pages/lists.py" line="126"/>
        <location filename="../pages/unit_page.py" line="44"/>
        <source>台账</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="119"/>
        <location filename="../dialogs/safety.py" line="109"/>
        <location filename="../main_window.py" line="79"/>
        <source>文件</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="80"/>
        <location filename="../pages/reports.py" line="223"/>
        <location filename="../pages/reports.py" line="376"/>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="162"/>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="163"/>
        <source>新建编制台账…</source>
        <translation>New book…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="164"/>
        <source>打开…</source>
        <translation>Open…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="165"/>
        <source>最近打开</source>
        <translation>Open recent</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="167"/>
        <source>生成演示区域…</source>
        <translation>Generate demo region…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="174"/>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="176"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="178"/>
        <source>常用操作</source>
        <translation>Common operations</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="190"/>
        <source>报表(&amp;R)</source>
        <translation>&amp;Reports</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="191"/>
        <source>报表…</source>
        <translation>Reports…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="194"/>
        <location filename="../pages/reports.py" line="255"/>
        <source>季度封存…</source>
        <translation>Quarter-end snapshot…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="197"/>
        <source>查看(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="202"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="203"/>
        <source>工具(&amp;T)</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="205"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="206"/>
        <location filename="../main_window.py" line="351"/>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="210"/>
        <source>经办人:{0}</source>
        <translation>Clerk: {0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="218"/>
        <source>台账 {0}</source>
        <translation>Ledger {0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="351"/>
        <source>编制台账 {0}
机构编制实名制管理</source>
        <translation>Bianzhi {0}
Real-name establishment management</translation>
    </message>
    <message>
        <location filename="../models.py" line="100"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../models.py" line="101"/>
        <source>出生日期</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../models.py" line="101"/>
        <source>出生年份</source>
        <translation>Birth year</translation>
    </message>
    <message>
        <location filename="../models.py" line="179"/>
        <source>序号</source>
        <translation>Seq</translation>
    </message>
    <message>
        <location filename="../models.py" line="180"/>
        <source>变动</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../models.py" line="181"/>
        <source>内容</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../models.py" line="182"/>
        <location filename="../settings_dialog.py" line="78"/>
        <source>经办人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../models.py" line="182"/>
        <source>登记时间</source>
        <translation>Recorded at</translation>
    </message>
    <message>
        <location filename="../models.py" line="183"/>
        <source>哈希</source>
        <translation>Hash</translation>
    </message>
    <message>
        <location filename="../models.py" line="238"/>
        <source> 等{0}项</source>
        <translation> and {0} in all</translation>
    </message>
    <message>
        <location filename="../models.py" line="244"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../models.py" line="245"/>
        <source>发文机关</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <location filename="../models.py" line="246"/>
        <source>依据的变动</source>
        <translation>Basis of</translation>
    </message>
    <message>
        <location filename="../models.py" line="246"/>
        <source>登记日期</source>
        <translation>Registered</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="42"/>
        <source>各类编制使用情况</source>
        <translation>Use by kind</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="43"/>
        <source>各类机构使用情况</source>
        <translation>Use by category</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="55"/>
        <source>超编单位</source>
        <translation>Units over quota</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="55"/>
        <source>满编单位</source>
        <translation>Units at quota</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="56"/>
        <source>30天内到期的用编核准</source>
        <translation>Approvals expiring within 30 days</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="78"/>
        <source>正在载入…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="93"/>
        <source>{0}({1})机构编制概览</source>
        <translation>{0} ({1}) establishment overview</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="95"/>
        <source>已分配</source>
        <translation>Allocated</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="95"/>
        <source>未分配</source>
        <translation>Unallocated</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="95"/>
        <location filename="../pages/dashboard.py" line="103"/>
        <location filename="../pages/unit_page.py" line="79"/>
        <source>在途</source>
        <translation>Reserved</translation>
    </message>
    <message>
        <location filename="../pages/dashboard.py" line="107"/>
        <location filename="../pages/lists.py" line="49"/>
        <source>剩余</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="32"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="37"/>
        <location filename="../pages/lists.py" line="50"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="49"/>
        <source>已用</source>
        <translation>Used</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="93"/>
        <source>自</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="94"/>
        <source>至</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="97"/>
        <location filename="../pages/reports.py" line="236"/>
        <location filename="../pages/roster.py" line="37"/>
        <source>全部单位</source>
        <translation>All units</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="100"/>
        <source>全部变动</source>
        <translation>All changes</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="131"/>
        <source>台账链头:第{0}条 哈希 {1}</source>
        <translation>Ledger head: entry {0}, hash {1}</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="148"/>
        <source>文号或标题中的文字</source>
        <translation>Text in number or title</translation>
    </message>
    <message>
        <location filename="../pages/lists.py" line="173"/>
        <source>文件依据</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="34"/>
        <source>姓名或身份证号(前几位)</source>
        <translation>Name or ID number (leading part)</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="38"/>
        <source>全部编制类型</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="40"/>
        <source>全部职务</source>
        <translation>All posts</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="117"/>
        <source>共 {0} 人</source>
        <translation>{0} persons</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="119"/>
        <source>共 {0} 人,已载入 {1} 人,向下滚动载入更多</source>
        <translation>{0} persons, {1} loaded; scroll for more</translation>
    </message>
    <message>
        <location filename="../pages/roster.py" line="115"/>
        <source>已载入{0}人</source>
        <translation>{0} persons loaded</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="25"/>
        <source>在左侧选择单位</source>
        <translation>Choose a unit on the left</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="70"/>
        <source>(已撤销)</source>
        <translation> (abolished)</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="72"/>
        <source>类别:</source>
        <translation>Category: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="72"/>
        <source>规格:</source>
        <translation>Rank: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="73"/>
        <source>经费:</source>
        <translation>Funding: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="74"/>
        <source>上级:</source>
        <translation>Parent: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="74"/>
        <source>设立:</source>
        <translation>Created: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="75"/>
        <source>文件依据:</source>
        <translation>Document: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="76"/>
        <source>统一社会信用代码:</source>
        <translation>USCC: </translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="77"/>
        <source>进人须先核准</source>
        <translation>Approval required to enter</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="77"/>
        <source>进人无须核准</source>
        <translation>No approval required</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="79"/>
        <source>空编</source>
        <translation>Vacancy</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="79"/>
        <location filename="../unit_tree.py" line="199"/>
        <source>超编</source>
        <translation>Overage</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="80"/>
        <source>只出不进</source>
        <translation>Leave-only allowance</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>职数</source>
        <translation>Limit</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>已配</source>
        <translation>Held</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>空缺</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>超配</source>
        <translation>Over</translation>
    </message>
    <message>
        <location filename="../pages/unit_page.py" line="83"/>
        <source>任职人员</source>
        <translation>Holders</translation>
    </message>
    <message>
        <location filename="../session.py" line="45"/>
        <source>内部错误:</source>
        <translation>Internal error: </translation>
    </message>
    <message>
        <location filename="../session.py" line="157"/>
        <source>数据库未能打开</source>
        <translation>The database could not be opened</translation>
    </message>
    <message>
        <location filename="../session.py" line="236"/>
        <source>操作未完成</source>
        <translation>Operation not done</translation>
    </message>
    <message>
        <location filename="../session.py" line="209"/>
        <source>读取失败</source>
        <translation>Read failed</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="26"/>
        <source>打开台账后每天自动备份一次,退出时再备份一次(台账有变动时);每份备份是整个数据库的完整副本。保留最近{0}天每天一份、{1}周每周一份、{2}个月每月一份,更早的自动删除;恢复前保存的备份一直保留。</source>
        <translation>While a book is open it is backed up once a day, and again on exit (when the ledger moved); each backup is a full copy of the database. One a day is kept for {0} days, one a week for {1} weeks and one a month for {2} months; older ones are deleted. Backups taken before a restore are always kept.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="63"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="74"/>
        <source>留空则用系统登录名</source>
        <translation>Empty: use the login name</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="76"/>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="77"/>
        <source>语言在重新打开窗口后生效</source>
        <translation>The language applies when the window is reopened</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="99"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="103"/>
        <source>默认</source>
        <translation>Default</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="108"/>
        <source>备份文件夹</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="116"/>
        <source>备份文件夹由环境变量 BIANZHI_BACKUP_DIR 指定,在此不能更改。</source>
        <translation>The backup folder is set by the environment variable BIANZHI_BACKUP_DIR and cannot be changed here.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="120"/>
        <source>选择备份文件夹</source>
        <translation>Choose the backup folder</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="130"/>
        <source>此文件夹中现有备份{0}份,共{1}。</source>
        <translation>{0} backups in this folder, {1} in all.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="131"/>
        <source>此文件夹中还没有备份。</source>
        <translation>No backups in this folder yet.</translation>
    </message>
    <message>
        <location filename="../unit_tree.py" line="234"/>
        <source>查找单位…</source>
        <translation>Find unit…</translation>
    </message>
    <message>
        <location filename="../unit_tree.py" line="199"/>
        <source>满编</source>
        <translation>At quota</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="13"/>
        <source>党委工作机关</source>
        <translation>Party organs</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="13"/>
        <source>政府工作部门</source>
        <translation>Government departments</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="13"/>
        <source>人大机关</source>
        <translation>People&apos;s Congress</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="14"/>
        <source>政协机关</source>
        <translation>CPPCC</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="14"/>
        <source>审判机关</source>
        <translation>Courts</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="14"/>
        <source>检察机关</source>
        <translation>Procuratorates</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="15"/>
        <source>群团机关</source>
        <translation>Mass organisations</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="15"/>
        <source>事业单位</source>
        <translation>Public institutions</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="15"/>
        <source>乡镇(街道)</source>
        <translation>Townships (streets)</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="17"/>
        <source>有效</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="17"/>
        <source>已用完</source>
        <translation>Used up</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="17"/>
        <source>已撤销</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="18"/>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="20"/>
        <source>建立编制台账</source>
        <translation>Book created</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="23"/>
        <source>用编核准到期</source>
        <translation>Approval expired</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="26"/>
        <source>增设编制类型</source>
        <translation>Kind added</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="26"/>
        <source>增设职务类别</source>
        <translation>Post kind added</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="26"/>
        <source>季度数据封存</source>
        <translation>Quarter-end snapshot</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="29"/>
        <source>行政编制</source>
        <translation>Administrative establishment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="29"/>
        <source>政法专项编制</source>
        <translation>Political-legal special establishment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="29"/>
        <source>事业编制</source>
        <translation>Public-institution establishment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="30"/>
        <source>机关工勤编制</source>
        <translation>Support-staff establishment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="30"/>
        <source>正职</source>
        <translation>Head</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="30"/>
        <source>副职</source>
        <translation>Deputy head</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="31"/>
        <source>内设机构正职</source>
        <translation>Head of internal body</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="31"/>
        <source>内设机构副职</source>
        <translation>Deputy head of internal body</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="33"/>
        <source>正厅</source>
        <translation>Department level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="33"/>
        <source>副厅</source>
        <translation>Deputy department level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="33"/>
        <source>正处</source>
        <translation>Division level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="34"/>
        <source>副处</source>
        <translation>Deputy division level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="34"/>
        <source>正科</source>
        <translation>Section level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="34"/>
        <source>副科</source>
        <translation>Deputy section level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="35"/>
        <source>正股</source>
        <translation>Unit level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="35"/>
        <source>副股</source>
        <translation>Deputy unit level</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="35"/>
        <source>未定级</source>
        <translation>Unranked</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="36"/>
        <source>全额拨款</source>
        <translation>Fully funded</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="36"/>
        <source>差额拨款</source>
        <translation>Partly funded</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="36"/>
        <source>自收自支</source>
        <translation>Self-financed</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="38"/>
        <source>公开招录</source>
        <translation>Civil-service examination</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="38"/>
        <source>公开招聘</source>
        <translation>Open recruitment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="38"/>
        <source>调任</source>
        <translation>Transfer appointment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="39"/>
        <source>转任</source>
        <translation>Lateral transfer</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="39"/>
        <source>军转安置</source>
        <translation>Veteran placement</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="39"/>
        <source>遴选</source>
        <translation>Selection</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="40"/>
        <source>选调</source>
        <translation>Selective transfer</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="40"/>
        <source>人才引进</source>
        <translation>Talent recruitment</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="40"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="41"/>
        <source>退休</source>
        <translation>Retirement</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="41"/>
        <source>死亡</source>
        <translation>Death</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="41"/>
        <source>调出</source>
        <translation>Transferred out</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="42"/>
        <source>辞职</source>
        <translation>Resignation</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="42"/>
        <source>辞退</source>
        <translation>Dismissal</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="42"/>
        <source>开除</source>
        <translation>Expulsion</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="43"/>
        <source>解除聘用合同</source>
        <translation>Contract terminated</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="45"/>
        <source>台账历史</source>
        <translation>ledger history</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="47"/>
        <source>区县(约150个单位、5,000人)</source>
        <translation>County (~150 units, 5,000 staff)</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="47"/>
        <source>地市(约3,000个单位、15万人)</source>
        <translation>City (~3,000 units, 150,000 staff)</translation>
    </message>
    <message>
        <location filename="../vocab.py" line="48"/>
        <source>省(约4万个单位、150万人,需数分钟)</source>
        <translation>Province (~40,000 units, 1.5 M staff; minutes)</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="34"/>
        <source>编制台账</source>
        <translation>Establishment book</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="36"/>
        <source>欢迎使用编制台账</source>
        <translation>Welcome to the establishment book</translation>
    </message>
    <message>
        <location filename="../dialogs/import_wizard.py" line="114"/>
        <location filename="../welcome.py" line="49"/>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="51"/>
        <location filename="../welcome.py" line="105"/>
        <source>数据库文件</source>
        <translation>Database file</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="56"/>
        <source>新建本地区的编制台账</source>
        <translation>Create the book of your region</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="60"/>
        <source>如 杨陵区</source>
        <translation>e.g. 杨陵区</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="63"/>
        <source>6位行政区划代码,如 610403</source>
        <translation>6-digit region code, e.g. 610403</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="65"/>
        <source>新建</source>
        <translation>Create</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="68"/>
        <source>行政区域名称</source>
        <translation>Region name</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="69"/>
        <source>行政区划代码</source>
        <translation>Region code</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="77"/>
        <source>或者</source>
        <translation>Or</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="79"/>
        <source>打开已有的台账文件…</source>
        <translation>Open an existing book…</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="86"/>
        <source>生成演示区域</source>
        <translation>Generate demo region</translation>
    </message>
    <message>
        <location filename="../welcome.py" line="105"/>
        <source>编制台账 (*.db)</source>
        <translation>Books (*.db)</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="54"/>
        <source>导入Excel…</source>
        <translation>Import Excel…</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="55"/>
        <source>导出整个台账(Excel)…</source>
        <translation>Export whole book (Excel)…</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="56"/>
        <source>下载导入模板…</source>
        <translation>Download import template…</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="57"/>
        <location filename="../dialogs/book_actions.py" line="171"/>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="58"/>
        <location filename="../dialogs/book_actions.py" line="158"/>
        <source>从备份恢复…</source>
        <translation>Restore from backup…</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="66"/>
        <source>只读</source>
        <translation>Read-only</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="69"/>
        <source>另一个程序正在使用这个数据库;本窗口只能查看,不能修改</source>
        <translation>Another program is using this database; this window can view but not change it</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="101"/>
        <source>导出整个台账(Excel)</source>
        <translation>Export whole book (Excel)</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="101"/>
        <source>编制台账.xlsx</source>
        <translation>bianzhi-book.xlsx</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="110"/>
        <source>已导出{0}个单位、{1}名在编人员到 {2}</source>
        <translation>Exported {0} units and {1} staff to {2}</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="113"/>
        <source>导出整个台账</source>
        <translation>Export whole book</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="118"/>
        <location filename="../dialogs/book_actions.py" line="124"/>
        <source>下载导入模板</source>
        <translation>Download import template</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="118"/>
        <source>导入模板.xlsx</source>
        <translation>import-template.xlsx</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="126"/>
        <source>已生成导入模板 {0}</source>
        <translation>Import template written to {0}</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="154"/>
        <source>数据库可能已损坏</source>
        <translation>The database may be damaged</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="155"/>
        <source>请先不要继续录入;可从备份恢复,或用「工具 → 检查数据库」查看详情。</source>
        <translation>Please stop entering data; restore from a backup, or see Tools → Check database for details.</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="172"/>
        <source>已备份到 {0}
台账第{1}条,完整性检查通过。</source>
        <translation>Backed up to {0}
Ledger entry {1}; integrity check passed.</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="174"/>
        <source>正在备份</source>
        <translation>Backing up</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="183"/>
        <source>已自动备份到 {0}</source>
        <translation>Automatic backup written to {0}</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="186"/>
        <source>自动备份失败:</source>
        <translation>Automatic backup failed: </translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="196"/>
        <location filename="../dialogs/safety.py" line="95"/>
        <location filename="../dialogs/safety.py" line="132"/>
        <location filename="../dialogs/safety.py" line="156"/>
        <location filename="../vocab.py" line="27"/>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="196"/>
        <source>没有找到这个数据库的备份。</source>
        <translation>No backups of this database were found.</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="216"/>
        <source>退出时备份失败</source>
        <translation>Backup on exit failed</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="217"/>
        <source>数据库已正常关闭;请尽快用「文件 → 立即备份」另行备份。</source>
        <translation>The database was closed normally; please back it up soon with File → Back up now.</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="233"/>
        <location filename="../dialogs/book_actions.py" line="241"/>
        <location filename="../dialogs/book_actions.py" line="245"/>
        <location filename="../main_window.py" line="204"/>
        <source>检查数据库</source>
        <translation>Check database</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="242"/>
        <source>检查通过:数据库完整,台账{0}条哈希链完整,各项计数相符。</source>
        <translation>Check passed: the database is intact, the hash chain of {0} ledger entries is whole and every counter matches.</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="244"/>
        <source>发现{0}处问题:</source>
        <translation>{0} problems found:</translation>
    </message>
    <message>
        <location filename="../dialogs/book_actions.py" line="247"/>
        <source>正在检查数据库</source>
        <translation>Checking the database</translation>
    </message>
    <message>
        <location filename="../dialogs/common.py" line="30"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../dialogs/common.py" line="67"/>
        <source>{0}:{1} 已写出{2}行</source>
        <translation>{0}: {1} {2} rows written</translation>
    </message>
    <message>
        <location filename="../dialogs/export.py" line="48"/>
        <location filename="../dialogs/export.py" line="59"/>
        <location filename="../fields.py" line="102"/>
        <source>导出Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <location filename="../dialogs/export.py" line="60"/>
        <source>已导出{0}行到 {1}</source>
        <translation>Exported {0} rows to {1}</translation>
    </message>
    <message>
        <location filename="../fields.py" line="104"/>
        <source>把当前列表(按当前筛选)导出为Excel工作簿</source>
        <translation>Export this list (with its current filter) as an Excel workbook</translation>
    </message>
    <message>
        <location filename="../dialogs/export.py" line="66"/>
        <source>{0}(截至{1})</source>
        <translation>{0} (as of {1})</translation>
    </message>
    <message>
        <location filename="../dialogs/export.py" line="136"/>
        <source>在编人员名单</source>
        <translation>Staff list</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="83"/>
        <source>第{0}条 {1}</source>
        <translation>entry {0} {1}</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="83"/>
        <source>未记录</source>
        <translation>not recorded</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="102"/>
        <source>选择要恢复的备份(新的在前)。恢复前会先把当前文件另存到备份文件夹。</source>
        <translation>Choose the backup to restore (newest first). The current file is first kept in the backup folder.</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="109"/>
        <source>备份时间</source>
        <translation>Backup time</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="109"/>
        <source>台账位置</source>
        <translation>Ledger head</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="115"/>
        <source>手动</source>
        <translation>manual</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="115"/>
        <source>每日</source>
        <translation>daily</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="115"/>
        <source>退出时</source>
        <translation>on exit</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="115"/>
        <source>恢复前</source>
        <translation>before restore</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="153"/>
        <source>用 {0} 的备份({1})替换「{2}」?
备份之后登记的变动将不在恢复后的台账中;当前文件会先另存到备份文件夹。</source>
        <translation>Replace &quot;{2}&quot; with the backup of {0} ({1})?
Changes recorded after that backup will not be in the restored book; the current file is first kept in the backup folder.</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="174"/>
        <source>只读打开</source>
        <translation>Open read-only</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="176"/>
        <source>解除失效锁</source>
        <translation>Break stale lock</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="177"/>
        <source>数据库正被使用</source>
        <translation>Database in use</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="182"/>
        <source>

移动方法:关闭本程序,把数据库文件移到本机磁盘上不被同步的文件夹,再用「文件 → 打开」打开它。
确需在此位置使用时可以「仍然打开」,风险自负。</source>
        <translation>

To move it: close this program, move the database file to a folder on a local disk that is not synchronised, then open it with File → Open.
If you must use it here, choose Open anyway at your own risk.</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="184"/>
        <source>数据库位置不安全</source>
        <translation>Unsafe database location</translation>
    </message>
    <message>
        <location filename="../dialogs/safety.py" line="184"/>
        <source>仍然打开</source>
        <translation>Open anyway</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="68"/>
        <source>机构编制情况总表</source>
        <translation>Summary of institutions and establishment</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="68"/>
        <source>领导职数配备表</source>
        <translation>Leadership posts</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="69"/>
        <source>实名制人员花名册</source>
        <translation>Real-name staff roster</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="69"/>
        <source>编制变动台账</source>
        <translation>Ledger of establishment changes</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="70"/>
        <source>用编核准通知单</source>
        <translation>Notice of usage approval</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="70"/>
        <source>季度编制审核报告</source>
        <translation>Quarterly establishment review</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="71"/>
        <source>机构编制信息公开表</source>
        <translation>Public disclosure of institutions and establishment</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="150"/>
        <source>第{0}页,共{1}页</source>
        <translation>Page {0} of {1}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="224"/>
        <source>截至日期</source>
        <translation>As of</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="240"/>
        <source>如 2026Q3</source>
        <translation>e.g. 2026Q3</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="241"/>
        <source>季度</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="244"/>
        <source>用编核准编号</source>
        <translation>Usage approval number</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="246"/>
        <source>显示完整身份证号</source>
        <translation>Show full ID numbers</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="251"/>
        <source>生成报表</source>
        <translation>Generate report</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="252"/>
        <source>保存PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="253"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="256"/>
        <source>冻结所填季度最后一天的编制数据,并记入台账;每个季度只能封存一次</source>
        <translation>Freeze the figures of the quarter&apos;s last day and record it in the ledger; each quarter can be frozen only once</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="266"/>
        <source>选择报表后点「生成报表」</source>
        <translation>Choose a report, then click “Generate report”</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="269"/>
        <source>缩放</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="355"/>
        <source>已取消生成报表</source>
        <translation>Report generation cancelled</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="358"/>
        <source>正在生成{0}</source>
        <translation>Generating {0}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="370"/>
        <source>{0}:共{1}页</source>
        <translation>{0}: {1} pages</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="387"/>
        <source>保存PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="387"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="395"/>
        <source>无法保存到「{0}」:{1}</source>
        <translation>Cannot save to “{0}”: {1}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="397"/>
        <source>已保存到 {0}</source>
        <translation>Saved to {0}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="431"/>
        <source>无法开始打印</source>
        <translation>Cannot start printing</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="446"/>
        <source>已送打印:第{0}–{1}页</source>
        <translation>Sent to the printer: pages {0}–{1}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="456"/>
        <source>季度封存</source>
        <translation>Quarter-end snapshot</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="456"/>
        <source>封存「{0}」季末的编制数据并记入台账?每个季度只能封存一次,封存后不能更改。</source>
        <translation>Freeze the quarter-end figures of “{0}” and record it in the ledger? Each quarter can be frozen only once and cannot be changed afterwards.</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="463"/>
        <source>已封存 {0} 季末数据(台账第{1}条)</source>
        <translation>Froze the quarter-end figures of {0} (ledger entry {1})</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="45"/>
        <source>{0}名</source>
        <translation>{0}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="57"/>
        <location filename="../ledger_text.py" line="98"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="74"/>
        <source>用编核准{0}</source>
        <translation>approval {0}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="76"/>
        <source>免去{0}</source>
        <translation>leaves post {0}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="87"/>
        <source>有效期至{0}</source>
        <translation>valid until {0}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="89"/>
        <source>释放{0}</source>
        <translation>released {0}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="116"/>
        <source>{0} 核定{1}</source>
        <translation>{0} approved {1}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="117"/>
        <source>{0} 超编只出不进{1}</source>
        <translation>{0} leave-only allowance {1}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="120"/>
        <source>{0} 编制总额{1}</source>
        <translation>{0} pool {1}</translation>
    </message>
    <message>
        <location filename="../ledger_text.py" line="122"/>
        <source>{0} 职数{1}</source>
        <translation>{0} limit {1}</translation>
    </message>
</context>
</TS>
