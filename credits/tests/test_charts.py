"""The overview's charts: SVG without script, Chinese labels kept whole, drawn once per input."""

import base64
from decimal import Decimal

from django.core.cache import cache

from credits import charts


def _svg(uri: str) -> str:
    assert uri.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")


def test_a_rate_chart_has_the_names_the_target_and_no_script():
    svg = charts.rate_bars(
        "参训率", ["克孜勒苏柯尔克孜自治州", "乌鲁木齐市"], [Decimal("97.5"), None], Decimal(98)
    )
    assert "<script" not in svg
    assert "kozea.github.io" not in svg  # nothing fetched from a CDN
    assert "克孜勒苏柯尔克孜自治州" in svg  # not truncated with an ellipsis
    assert "目标 ≥ 98%" in svg
    assert "#b3261e" in svg  # below the target: drawn red


def test_charts_are_drawn_once_for_the_same_figures():
    cache.clear()
    calls = []

    def draw(title, values):
        calls.append(title)
        return f"<svg><text>{title}{values}</text></svg>"

    first = charts.cached_chart(draw, "趋势", [Decimal(1)])
    again = charts.cached_chart(draw, "趋势", [Decimal(1)])
    other = charts.cached_chart(draw, "趋势", [Decimal(2)])
    assert first == again
    assert other != first
    assert calls == ["趋势", "趋势"]
    assert "趋势" in _svg(first)
