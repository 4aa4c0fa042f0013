"""Writes report-2020.json: what a listener must hear for every data cell of the seed page's three tables.

This encodes the report's structure as the reader of the published report
understands it (the national template of the 政府信息公开工作年度报告), written
by hand from the page as displayed, independently of eldermode's code. Run it
after changing the structure below, then review the diff of the JSON:

    python tests/golden/tables/make_report_2020.py

Decisions (these are the expectations, not the code's output):
- Table 1 (二、主动公开政府信息情况): each full-width row 第二十条第（…）项 is a section that
  applies to the rows below it until the next one; it is said first in the row path. The
  row 信息内容 | … right after it gives the column headers of that section only.
- Table 2 (三、收到和处理…): the merged corner cell (本列数据的勾稽关系…) is a note describing
  the table, not a header. 自然人 and 总计 span header rows 2-3 under 申请人情况.
  Row headers have up to three levels: 三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密.
- Table 3 (四、…行政复议、行政诉讼情况): three levels of column headers, no row headers.
- Empty cells are data too (value ""), said as empty.
- The footer table is a layout table: not a data table, no readings.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("report-2020.json")


def cell(row, col, value, y, x):
    return {"row": row, "col": col, "value": value, "y": y, "x": x}


def table_active_disclosure():
    """二、主动公开政府信息情况 (19 rows x 4 columns)."""
    three = ["上一年项目数量", "本年增/减", "处理决定数量"]
    sections = [
        # (section title, column headers with their anchor columns, row headers, values per row)
        ("第二十条第（一）项", [("本年新制作数量", 1), ("本年新公开数量", 2), ("对外公开总数量", 3)],
         ["规章", "规范性文件", "其他主动公开文件"], None),
        ("第二十条第（五）项", list(zip(three, (1, 2, 3))), ["行政许可", "其他对外管理服务事项"], None),
        ("第二十条第（六）项", list(zip(three, (1, 2, 3))), ["行政处罚", "行政强制"],
         {("行政处罚", "处理决定数量"): ""}),  # left blank in the published report
        ("第二十条第（八）项", [("上一年项目数量", 1), ("本年增/减", 2)], ["行政事业性收费"], None),
        ("第二十条第（九）项", [("采购项目数量", 1), ("采购总金额", 2)], ["政府集中采购"], None),
    ]
    cells = []
    y = 0
    for title, columns, rows, special in sections:
        y += 2  # the section row, then its 信息内容 | … header row
        for name in rows:
            for header, x in columns:
                value = (special or {}).get((name, header), "0")
                cells.append(cell([title, name], [header], value, y, x))
            y += 1
    assert y == 19
    return {"caption": "二、主动公开政府信息情况", "description": "", "rows": 19, "cols": 4, "cells": cells}


def table_applications():
    """三、收到和处理政府信息公开申请情况 (26 rows x 10 columns)."""
    applicant = "申请人情况"
    legal = "法人或其他组织"
    columns = [[applicant, "自然人"]]
    columns += [[applicant, legal, kind] for kind in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
    columns += [[applicant, "总计"]]
    result = "三、本年度办理结果"
    rows = [
        ["一、本年新收政府信息公开申请数量"],
        ["二、上年结转政府信息公开申请数量"],
        [result, "（一）予以公开"],
        [result, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    ]
    rows += [[result, "（三）不予公开", item] for item in (
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")]
    rows += [[result, "（四）无法提供", item] for item in (
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")]
    rows += [[result, "（五）不予处理", item] for item in (
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息")]
    rows += [[result, "（六）其他处理"], [result, "（七）总计"], ["四、结转下年度继续办理"]]
    # 15 applications from natural persons were received and all 15 were disclosed; everything else is 0.
    fifteen = {("一、本年新收政府信息公开申请数量",), (result, "（一）予以公开")}
    cells = []
    for i, row in enumerate(rows):
        y = 3 + i  # three header rows above
        for j, col in enumerate(columns):
            x = 3 + j  # three row-header columns to the left
            value = "15" if tuple(row) in fifteen and col[-1] in ("自然人", "总计") else "0"
            cells.append(cell(row, col, value, y, x))
    assert len(rows) == 23 and 3 + len(rows) == 26
    return {
        "caption": "三、收到和处理政府信息公开申请情况",
        "description": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "rows": 26,
        "cols": 10,
        "cells": cells,
    }


def table_review_and_litigation():
    """四、政府信息公开行政复议、行政诉讼情况 (4 rows x 15 columns)."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    columns = [["行政复议", o] for o in outcomes]
    columns += [["行政诉讼", "未经复议直接起诉", o] for o in outcomes]
    columns += [["行政诉讼", "复议后起诉", o] for o in outcomes]
    values = ["10", "0", "2", "2", "14", "0", "0", "0", "1", "1", "0", "0", "0", "3", "3"]
    cells = [cell([], col, value, 3, x) for x, (col, value) in enumerate(zip(columns, values))]
    return {"caption": "四、政府信息公开行政复议、行政诉讼情况", "description": "", "rows": 4, "cols": 15, "cells": cells}


def main() -> None:
    tables = [table_active_disclosure(), table_applications(), table_review_and_litigation()]
    # One cell per line, so a reviewer reads the file like the report.
    lines = ["["]
    for i, table in enumerate(tables):
        head = {k: v for k, v in table.items() if k != "cells"}
        lines.append(" " + json.dumps(head, ensure_ascii=False)[:-1] + ', "cells": [')
        body = [json.dumps(c, ensure_ascii=False) for c in table["cells"]]
        lines.append(",\n".join("  " + b for b in body))
        lines.append(" ]}" + ("," if i < len(tables) - 1 else ""))
    lines.append("]")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == tables
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({sum(len(t['cells']) for t in tables)} cells)")


if __name__ == "__main__":
    main()
