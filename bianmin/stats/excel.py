"""The monthly report as an Excel workbook (openpyxl, from PyPI)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .relays import RelayReport
from .selectors import GROUPS, Report

COLUMNS = [("label", "名称"), ("received", "收件数"), ("accepted", "受理数"), ("immediate", "即办件"),
           ("immediate_share", "即办件占比"), ("reported", "上报件"), ("decided", "办结数"), ("on_time", "按期办结"),
           ("on_time_rate", "按期办结率"), ("avg_working_days", "平均办理用时（工作日）"), ("overdue", "超期件数"),
           ("supplement", "补正件数"), ("supplement_rate", "补正率"), ("one_visit", "最多跑一次件数"),
           ("one_visit_share", "最多跑一次占比")]
PERCENT = {"immediate_share", "on_time_rate", "supplement_rate", "one_visit_share"}
# The sheet 全程代理: three tables, each a title, a header row and its rows (the ``as_dict`` keys of relays.py).
HOP_COLUMNS = [("label", "交接环节"), ("sent", "移交数"), ("on_time", "按时签收"), ("late", "超时"),
               ("refused", "拒收"), ("pending", "待签收"), ("on_time_rate", "按时率")]
AGENT_COLUMNS = [("label", "代办员（经手人）"), ("unit", "所在单位"), ("registered", "登记代办件"),
                 ("hops_sent", "移交次数"), ("hops_on_time", "按时签收"), ("hops_late", "超时"),
                 ("hop_on_time_rate", "交接按时率"), ("delivered", "已送达"), ("delivered_on_time", "按期送达")]
STATION_COLUMNS = [("label", "代办站"), ("registered", "代办件数"), ("in_transit", "在途"),
                   ("delivered", "已送达（含归档）"), ("archived", "归档上报"), ("on_time", "按期送达"),
                   ("late", "逾期"), ("on_time_rate", "按期率")]
RELAY_PERCENT = {"on_time_rate", "hop_on_time_rate"}


def _cell(value):
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _header(ws, row: int) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _relay_sheet(wb: Workbook, relays: RelayReport) -> None:
    ws = wb.create_sheet("全程代理")
    scope = relays.unit.name if relays.unit else "本级及下级"
    ws.append([f"全程代理统计（{scope}，{relays.start:%Y-%m-%d} 至 {relays.end:%Y-%m-%d}）"])
    ws["A1"].font = Font(bold=True, size=13)
    tables = (("各段交接按时率", HOP_COLUMNS, [*relays.hops, relays.hop_total]),
              ("代办员", AGENT_COLUMNS, relays.agents),
              ("各代办站代办件", STATION_COLUMNS, [*relays.stations, relays.station_total]))
    for title, columns, rows in tables:
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append([label for _key, label in columns])
        _header(ws, ws.max_row)
        for row in rows:
            data = row.as_dict()
            ws.append([_cell(data[key]) for key, _label in columns])
            for col, (key, _label) in enumerate(columns, start=1):
                if key in RELAY_PERCENT:
                    ws.cell(ws.max_row, col).number_format = "0.0%"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 24
    for col in range(3, 10):
        ws.column_dimensions[get_column_letter(col)].width = 12


def monthly_workbook(report: Report, relays: RelayReport | None = None) -> bytes:
    """Return the monthly report as an .xlsx file: the indicators, 首问 and 过错 by kind, and when ``relays`` is given
    the sheet 全程代理 (hops by kind, agents, stations)."""
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
    if relays is not None:
        _relay_sheet(wb, relays)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
