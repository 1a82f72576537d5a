"""Charts of the oversight pages and the annual report, drawn server-side as SVG by pygal.

The same SVG goes in the page (as an image: no script runs, and the content security policy
stays 'self') and in the PDF report (WeasyPrint embeds SVG). No JavaScript charting library,
no CDN, nothing for `make run` to build (docs/decisions.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from django.core.cache import cache
from pygal.style import Style

# The statuses' colours match the page's legend (static/css/portal.css).
STATUS_COLOURS = ("#1e7d45", "#5b9bd5", "#a86400", "#b3261e")
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#ddd",
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_size=17,
    label_font_size=13,
    major_label_font_size=14,
    legend_font_size=13,
    value_font_size=12,
    colors=("#1e88e5", "#2e7d32", "#9e9e9e", "#f9a825", "#c62828"),
)


def _config(**overrides) -> dict:
    return {
        "style": overrides.pop("style", STYLE),
        "js": [],  # no script: the chart is an image, and nothing is fetched from a CDN
        "disable_xml_declaration": True,
        "print_values": False,
        "show_y_guides": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "margin": 12,
        "no_data_text": "暂无数据",
        **overrides,
    }


def _cjk_margin(names: Sequence[str]) -> int:
    """Extra left margin for Chinese labels: pygal sizes text at 0.6 em a character, while a
    Chinese character is a full em, so long unit names would be cut at the chart's edge."""
    longest = max((len(name) for name in names), default=0)
    return 12 + int(0.45 * STYLE.label_font_size * longest)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _without_script(svg: str) -> str:
    """Drop the config script pygal writes into every chart even with `js=[]`: it would not run
    in an image, and it repeats every label and value (a third of the file)."""
    return _SCRIPT.sub("", svg)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def status_bars(title: str, names: Sequence[str], shares: Sequence[Sequence[tuple]]) -> str:
    """A horizontal stacked bar per unit: its teachers by status (percent of its teachers).

    `shares` holds, per unit, the four (status, label, count, percent) of `Figures.shares`.
    """
    height = 150 + 30 * max(len(names), 1)
    chart = pygal.HorizontalStackedBar(
        **_config(
            width=480,
            height=height,
            title=title,
            range=(0, 100),
            margin_left=_cjk_margin(names),
            truncate_label=-1,
            style=Style(**{**STYLE.__dict__, "colors": STATUS_COLOURS}),
            value_formatter=lambda v: f"{v:.0f}%",
        )
    )
    # pygal puts the first label at the bottom: reversed, the chart reads like the table.
    chart.x_labels = list(reversed(names))
    if shares:
        for index in range(4):
            label = shares[0][index][1]
            chart.add(label, [_float(row[index][3]) or 0 for row in reversed(shares)])
    return _without_script(chart.render())


def rate_bars(
    title: str, names: Sequence[str], values: Sequence[Decimal | None], target: Decimal | None
) -> str:
    """A horizontal bar per unit of one rate (coverage or completion); the target is in the
    title and bars below it are red."""
    height = 110 + 26 * max(len(names), 1)
    if target is not None:
        title = f"{title}（目标 ≥ {target:.0f}%）"
    chart = pygal.HorizontalBar(
        **_config(
            width=480,
            height=height,
            title=title,
            range=(0, 100),
            margin_left=_cjk_margin(names),
            truncate_label=-1,
            show_legend=False,
            value_formatter=lambda v: f"{v:.0f}%",
        )
    )
    chart.x_labels = list(reversed(names))
    values = list(reversed(values))
    chart.add(
        title,
        [
            None
            if v is None
            else {
                "value": float(v),
                "color": STATUS_COLOURS[0] if target is None or v >= target else STATUS_COLOURS[3],
            }
            for v in values
        ],
    )
    return _without_script(chart.render())


def trend_lines(
    title: str,
    years: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    targets: Sequence[tuple[str, Decimal]] = (),
) -> str:
    """Rates over the cycle's school years, with each target as a dashed line."""
    chart = pygal.Line(
        **_config(
            width=480,
            height=380,
            title=title,
            margin_right=44,  # room for the last school year's label
            legend_at_bottom_columns=3,
            truncate_legend=-1,
            truncate_label=-1,
            range=(0, 100),
            value_formatter=lambda v: f"{v:.1f}%",
            dots_size=4,
        )
    )
    chart.x_labels = list(years)
    for name, values in series:
        chart.add(name, [_float(v) for v in values])
    for name, value in targets:
        chart.add(
            name, [float(value)] * len(years), stroke_style={"dasharray": "6,4"}, show_dots=False
        )
    return _without_script(chart.render())


CHART_CACHE_SECONDS = 24 * 3600


def cached_chart(draw, *args) -> str:
    """Return `draw(*args)` as a data: URI, drawn once for the same inputs.

    The key is a hash of the chart's own inputs (names, values, targets), so two officers who
    see the same figures share the drawing and a changed figure is a new chart; nothing has to
    be invalidated when the audit runs. Drawing costs tens of milliseconds a chart.
    """
    key = "chart:" + hashlib.sha256(repr((draw.__name__, args)).encode()).hexdigest()
    uri = cache.get(key)
    if uri is None:
        uri = as_data_uri(draw(*args))
        cache.set(key, uri, CHART_CACHE_SECONDS)
    return uri


def as_data_uri(svg: str | bytes) -> str:
    """Return the SVG as a data: URI for an <img> (img-src allows data:)."""
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
