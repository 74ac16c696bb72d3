"""Small, dependency-free SVG charts for the web console and the HTML report file.

Every label and number is laid out inside the drawing: the width grows with the number of
columns and the label column with the longest label (wrapped, never cut), and there is room
above the tallest bar and after the longest one for its value. Each chart carries a title
and a description for screen readers; pages show the same numbers as a table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

CHAR_WIDTH = 7.2  # px per character at 12 px sans-serif (generous: wide glyphs fit)
FONT = 12
BAR_COLOUR = "#1f5fbf"  # 6.1:1 against white
SECOND_COLOUR = "#b3261e"  # 6.5:1 against white
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#c8c8c8"
LABEL_WRAP = 28  # characters per label line in bar charts


def _text(x: float, y: float, content: str, *, anchor: str = "start", weight: str = "") -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" fill="{TEXT_COLOUR}" '
        f'text-anchor="{anchor}"{bold}>{escape(content)}</text>'
    )


def _svg(width: float, height: float, title: str, desc: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>"
    )


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value * 100:.0f}%"
    return f"{value:g}{unit}"


def bar_chart(title: str, items: Sequence[tuple[str, float | None]], unit: str = "") -> str:
    """Horizontal bars, one per labelled value; long labels wrap onto more lines."""
    if not items:
        return ""
    wrapped = [textwrap.wrap(label, LABEL_WRAP) or [""] for label, _ in items]
    label_width = max(len(line) for lines in wrapped for line in lines) * CHAR_WIDTH + 12
    values = [value or 0.0 for _, value in items]
    top = max(values) or 1.0
    value_width = max(len(_number(v, unit)) for _, v in items) * CHAR_WIDTH + 12
    bar_room = 320.0
    width = label_width + bar_room + value_width
    rows, y = [], 8.0
    for lines, (_, value) in zip(wrapped, items, strict=True):
        height = max(22.0, 16.0 * len(lines) + 6)
        for i, line in enumerate(lines):
            rows.append(_text(0, y + 15 + 16 * i, line))
        length = bar_room * (value or 0.0) / top
        rows.append(
            f'<rect x="{label_width:.1f}" y="{y + 4:.1f}" width="{length:.1f}" height="14" '
            f'fill="{BAR_COLOUR}"/>'
        )
        rows.append(_text(label_width + length + 6, y + 15, _number(value, unit)))
        y += height
    desc = "; ".join(f"{label}: {_number(value, unit)}" for label, value in items)
    return _svg(width, y + 8, title, desc, "".join(rows))


def column_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str = "",
) -> str:
    """Columns over time (one group per label, one column per series), each with its value
    written above it and its label below; a legend names the series."""
    if not labels or not series:
        return ""
    count = len(series)
    values = [v or 0.0 for _, points in series for v in points]
    top = max(values) or 1.0
    widest_value = max(len(_number(v, unit)) for _, points in series for v in points)
    column = max(18.0, widest_value * CHAR_WIDTH + 4)
    group = column * count + 10
    label_room = max(len(label) for label in labels) * CHAR_WIDTH + 8
    group = max(group, label_room)
    plot_height = 160.0
    left, legend_height = 8.0, 22.0
    head = legend_height + FONT + 8  # the legend, then room for the tallest column's value
    width = left * 2 + group * len(labels)
    parts = []
    x = left
    for name, colour in zip((n for n, _ in series), (BAR_COLOUR, SECOND_COLOUR), strict=False):
        parts.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, 14, name))
        x += 16 + len(name) * CHAR_WIDTH + 16
    width = max(width, x + left)
    base = head + plot_height
    parts.append(
        f'<line x1="{left}" y1="{base:.1f}" x2="{width - left:.1f}" y2="{base:.1f}" '
        f'stroke="{GRID_COLOUR}"/>'
    )
    for i, label in enumerate(labels):
        gx = left + group * i
        inner = (group - column * count) / 2
        for s, ((_, points), colour) in enumerate(
            zip(series, (BAR_COLOUR, SECOND_COLOUR), strict=False)
        ):
            value = points[i]
            height = plot_height * (value or 0.0) / top
            cx = gx + inner + column * s
            parts.append(
                f'<rect x="{cx + 2:.1f}" y="{base - height:.1f}" width="{column - 4:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>'
            )
            parts.append(
                _text(cx + column / 2, base - height - 4, _number(value, unit), anchor="middle")
            )
        parts.append(_text(gx + group / 2, base + 16, label, anchor="middle"))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {_number(points[i], unit)}" for name, points in series)
        for i, label in enumerate(labels)
    )
    return _svg(width, base + 26, title, desc, "".join(parts))
