"""The monthly report as an Excel workbook (openpyxl, from PyPI)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .selectors import GROUPS, Report

COLUMNS = [("label", "名称"), ("received", "收件数"), ("accepted", "受理数"), ("immediate", "即办件"),
           ("immediate_share", "即办件占比"), ("reported", "上报件"), ("decided", "办结数"), ("on_time", "按期办结"),
           ("on_time_rate", "按期办结率"), ("avg_working_days", "平均办理用时（工作日）"), ("overdue", "超期件数"),
           ("supplement", "补正件数"), ("supplement_rate", "补正率"), ("one_visit", "最多跑一次件数"),
           ("one_visit_share", "最多跑一次占比")]
PERCENT = {"immediate_share", "on_time_rate", "supplement_rate", "one_visit_share"}


def _cell(value):
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def monthly_workbook(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "办件指标"
    scope = report.unit.name if report.unit else "本级及下级"
    ws.append([f"政务服务办件统计月报（{scope}，{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}，"
               f"按{GROUPS[report.group_by]}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([label for _key, label in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in [*report.rows, report.total]:
        data = row.as_dict()
        ws.append([_cell(data[key]) for key, _label in COLUMNS])
    ws[ws.max_row][0].font = Font(bold=True)
    for col, (key, _label) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = 28 if key == "label" else 12
        if key in PERCENT:
            for cell in ws.iter_rows(min_row=3, min_col=col, max_col=col):
                cell[0].number_format = "0.0%"
    for title, counts in (("首问登记", report.inquiries), ("过错记录", report.violations)):
        sheet = wb.create_sheet(title)
        sheet.append(["类别", "数量"])
        for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            sheet.append([_cell(label), n])
        sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
