"""The monthly report as an Excel workbook (openpyxl, from PyPI)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .queue import QueueReport
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
# The sheet 好差评: the 差评 follow-up first (what the statistics lead with), then 好评率 and 未评价率.
FOLLOW_UP_COLUMNS = [("label", "名称"), ("bad", "差评"), ("follow_ups", "实名差评整改"),
                     ("visited_on_time", "按时回访"), ("visit_late", "回访超时"), ("visit_on_time_rate", "回访按时率"),
                     ("rectified", "已整改"), ("rectified_on_time", "按时整改"), ("rectify_late", "整改超时"),
                     ("rectify_on_time_rate", "整改按时率"), ("told", "已反馈"), ("re_rated", "整改后追评"),
                     ("re_rated_good", "追评好评"), ("re_rated_bad", "追评差评"),
                     ("closed_unrectified", "办结但差评未整改")]
RATING_COLUMNS = [("label", "名称"), ("rated", "评价数"), ("good", "好评"), ("good_rate", "好评率"),
                  ("bad_rate", "差评率"), ("active_rated", "主动评价数"), ("active_good", "主动评价好评"),
                  ("active_good_rate", "主动评价好评率"), ("rateable", "可评价服务"), ("unrated", "未评价"),
                  ("unrated_rate", "未评价率"), ("excluded", "申诉成立不计入")]
COMPLAINT_COLUMNS = [("label", "名称"), ("received", "投诉件数"), ("attitude", "服务态度"), ("delay", "办事拖延"),
                     ("buck_passing", "推诿扯皮"), ("integrity", "廉政问题"), ("improper_fee", "乱收费"),
                     ("other", "其他"), ("anonymous", "其中匿名"), ("replied", "已答复"),
                     ("replied_on_time", "按时答复"), ("reply_late", "逾期答复（含逾期未答复）"),
                     ("reply_on_time_rate", "答复按时率"), ("open", "办理中"), ("confirmed", "查实"),
                     ("transferred", "转办")]
# The sheet 排队等候: the queue's tickets by hour of day, business type and window (the ``as_dict`` keys of queue.py).
QUEUE_COLUMNS = [("label", "名称"), ("tickets", "取号"), ("served", "办结"), ("dropped", "过号"), ("skipped", "跳过"),
                 ("waited", "已呼叫"), ("avg_wait_minutes", "平均等候（分钟）"),
                 ("p90_wait_minutes", "90%等候不超过（分钟）"), ("avg_service_minutes", "平均办理（分钟）")]
VOICE_PERCENT = {"visit_on_time_rate", "rectify_on_time_rate", "good_rate", "bad_rate", "active_good_rate",
                 "unrated_rate", "reply_on_time_rate"}


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


def _tables(ws, tables, percent: set[str]) -> None:
    """Append each (title, columns, rows) as a bold title, a header row and its rows (``as_dict`` keys)."""
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
                if key in percent:
                    ws.cell(ws.max_row, col).number_format = "0.00%"  # a 好评率 of 99.9 % is not 100 %


def _voice_sheets(wb: Workbook, report: Report, scope: str) -> None:
    period = f"{scope}，{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}，按{GROUPS[report.group_by]}"
    ws = wb.create_sheet("好差评")
    ws.append([f"好差评统计（{period}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["口径：好评＝非常满意、满意、基本满意；差评＝不满意、非常不满意；主动评价不含默认评价；"
               "申诉成立的评价不计入；按时率＝按时÷（按时＋超时）。"])
    ratings = [*report.rating_rows, report.ratings]
    _tables(ws, (("差评整改", FOLLOW_UP_COLUMNS, ratings), ("好评率与未评价率", RATING_COLUMNS, ratings)),
            VOICE_PERCENT)
    ws = wb.create_sheet("投诉")
    ws.append([f"监督投诉统计（{period}）"])
    ws["A1"].font = Font(bold=True, size=13)
    _tables(ws, (("投诉按类别与答复", COMPLAINT_COLUMNS, [*report.complaint_rows, report.complaints]),), VOICE_PERCENT)
    for sheet in (wb["好差评"], ws):
        sheet.column_dimensions["A"].width = 28
        for col in range(2, 17):
            sheet.column_dimensions[get_column_letter(col)].width = 12


def _queue_sheet(wb: Workbook, queue: QueueReport) -> None:
    ws = wb.create_sheet("排队等候")
    scope = queue.unit.name if queue.unit else "本级及下级"
    ws.append([f"排队等候统计（{scope}，{queue.start:%Y-%m-%d} 至 {queue.end:%Y-%m-%d}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["口径：等候时间＝首次呼叫－进入叫号（预约号自预约时间前2分钟起算），按已呼叫的号计；90%等候不超过＝按最近秩取第90百分位；"
               "办理时长＝办结－开始办理（未点开始办理的自呼叫起算），按已办结的号计。"])
    _tables(ws, (("按时段（取号时间）", QUEUE_COLUMNS, [*queue.hours, queue.total]),
                 ("按业务类型", QUEUE_COLUMNS, [*queue.types, queue.total]),
                 ("按窗口", QUEUE_COLUMNS, queue.windows)), set())
    ws.column_dimensions["A"].width = 36
    for col in range(2, len(QUEUE_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12


def monthly_workbook(report: Report, relays: RelayReport | None = None, *, queue: QueueReport | None = None) -> bytes:
    """Return the monthly report as an .xlsx file: the indicators, the sheets 好差评 (the 差评 follow-up first, then
    好评率 and 未评价率) and 投诉 (by kind, replies on time), 首问 and 过错 by kind, and when ``relays`` is given the
    sheet 全程代理 (hops by kind, agents, stations), when ``queue`` is given the sheet 排队等候 (by hour, business
    type and window)."""
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
    _voice_sheets(wb, report, scope)
    for title, counts in (("首问登记", report.inquiries), ("过错记录", report.violations)):
        sheet = wb.create_sheet(title)
        sheet.append(["类别", "数量"])
        for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            sheet.append([_cell(label), n])
        sheet.column_dimensions["A"].width = 30
    if relays is not None:
        _relay_sheet(wb, relays)
    if queue is not None:
        _queue_sheet(wb, queue)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
