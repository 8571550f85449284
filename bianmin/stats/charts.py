"""Charts as inline SVG drawn on the server by pygal (from PyPI; no JavaScript, no CDN)."""
from __future__ import annotations

import re

import pygal
from pygal.style import Style

from .selectors import Report

STYLE = Style(font_family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif", background="white",
              plot_background="white", colors=("#1565c0", "#c62828", "#f9a825", "#2e7d32", "#6a1b9a"))
# js=[] keeps pygal from linking its tooltip script on a CDN.
OPTIONS = {"style": STYLE, "js": [], "disable_xml_declaration": True, "height": 320, "width": 720,
           "legend_at_bottom": True, "print_values": False, "no_data_text": "暂无数据"}


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _rendered(chart) -> str:
    """Return the chart's SVG without the inline script pygal always adds (tooltip settings we do not use; the
    Content-Security-Policy would block it anyway)."""
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def on_time_chart(report: Report) -> str:
    """Bar chart of on-time rate (%) per group (or the total)."""
    chart = pygal.HorizontalBar(title="按期办结率（%）", range=(0, 100), **OPTIONS)
    rows = report.rows or [report.total]
    for row in rows[:15]:
        chart.add(row.label, [round(row.on_time_rate * 100, 1) if row.on_time_rate is not None else None])
    return _rendered(chart)


def volume_chart(report: Report) -> str:
    """Received, decided and overdue per group."""
    chart = pygal.Bar(title="收件、办结与超期", **OPTIONS)
    rows = (report.rows or [report.total])[:15]
    chart.x_labels = [r.label for r in rows]
    chart.add("收件", [r.received for r in rows])
    chart.add("办结", [r.decided for r in rows])
    chart.add("超期", [r.overdue for r in rows])
    return _rendered(chart)


def breakdown_chart(title: str, counts: dict[str, int]) -> str:
    chart = pygal.Pie(title=title, inner_radius=0.4, **OPTIONS)
    for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        chart.add(label, n)
    return _rendered(chart)
