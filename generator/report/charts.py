"""Bar charts as inline SVG, written by hand: no script, no outside request, readable without colour.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (which states the figures in words), draws each series with a colour *and* a
pattern shown in its legend, and writes its values as text on or beside the bars. The
report puts a table of the same figures next to each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 230
BAR_HEIGHT = 18
ROW_GAP = 10
FONT = "font-family:Arial,Helvetica,sans-serif"


@dataclass(frozen=True)
class Series:
    """One kind of value in a chart: its name, its colour, its pattern and the colour of text on it."""

    key: str
    label: str
    fill: str
    pattern: str
    """'solid', 'hatch', 'cross', 'dots' or 'vertical'."""
    ink: str = "#000000"


ANSWER_SERIES = (
    Series("yes", "Yes", "#1d6b40", "solid", "#ffffff"),
    Series("partial", "Partial", "#f4c542", "hatch"),
    Series("no", "No", "#b3261e", "cross", "#ffffff"),
    Series("not applicable", "Not applicable", "#c9c9c9", "dots"),
)
RATING_SERIES = (
    Series("red", "Red", "#b3261e", "cross", "#ffffff"),
    Series("amber", "Amber", "#f4c542", "hatch"),
    Series("green", "Green", "#1d6b40", "solid", "#ffffff"),
)
STATUS_SERIES = (
    Series("valid", "Valid", "#1d6b40", "solid", "#ffffff"),
    Series("invalid", "Invalid", "#f4c542", "hatch"),
    Series("missing", "Missing", "#b3261e", "cross", "#ffffff"),
)
YEAR_SERIES = (
    Series("before", "Last year", "#8c8c8c", "dots", "#000000"),
    Series("now", "This year", "#1f4e8c", "solid", "#ffffff"),
)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _pattern(chart_id: str, s: Series) -> str:
    """A <pattern> that draws the series' colour with its texture."""
    pid = f"{chart_id}-{s.key.replace(' ', '-')}"
    shapes = {
        "solid": "",
        "hatch": '<path d="M0,6 L6,0" stroke="#7a5a00" stroke-width="1.2"/>',
        "cross": '<path d="M0,0 L6,6 M0,6 L6,0" stroke="#5c0f0a" stroke-width="1"/>',
        "dots": '<circle cx="3" cy="3" r="1.1" fill="#4d4d4d"/>',
        "vertical": '<path d="M3,0 L3,6" stroke="#333333" stroke-width="1"/>',
    }[s.pattern]
    return (
        f'<pattern id="{_attr(pid)}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{s.fill}"/>{shapes}</pattern>'
    )


def _fill(chart_id: str, s: Series) -> str:
    return f"url(#{chart_id}-{s.key.replace(' ', '-')})"


def wrap(text: str, width: int = 34, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``width`` characters, the last shortened with '…' if need be."""
    words = text.split()
    out: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        out[-1] = (last[: width - 1].rstrip() + "…") if len(last) >= width else last + " …"
    return out


def _label(x: float, y: float, text: str, anchor: str = "end", size: int = 12) -> str:
    lines = wrap(text)
    if len(lines) == 1:
        return f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="{size}">{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size + 1}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y - (size + 1) / 2 + 4:.1f}" text-anchor="{anchor}" font-size="{size}">{spans}</text>'
    )


def _legend(chart_id: str, series: Sequence[Series], y: float) -> str:
    parts = []
    x = float(LABEL_WIDTH)
    for s in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" fill="{_fill(chart_id, s)}" stroke="#000000" stroke-width="0.5"/>'
            f'<text x="{x + 19:.1f}" y="{y + 11:.1f}" font-size="12">{escape(s.label)}</text>'
        )
        x += 30 + 7.2 * len(s.label)
    return "".join(parts)


def _frame(chart_id: str, title: str, desc: str, height: float, series: Sequence[Series], body: str) -> str:
    patterns = "".join(_pattern(chart_id, s) for s in series)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_attr(chart_id)}" role="img" '
        f'aria-labelledby="{_attr(chart_id)}-title {_attr(chart_id)}-desc" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" style="{FONT};max-width:{WIDTH}px">'
        f'<title id="{_attr(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{_attr(chart_id)}-desc">{escape(desc)}</desc>'
        f"<defs>{patterns}</defs>{body}</svg>"
    )


def _segment_text(x: float, width: float, y: float, text: str, ink: str) -> str:
    """A value written on its bar segment when it fits (about 7 px a character)."""
    if width < 7 * len(text) + 6:
        return ""
    return (
        f'<text x="{x + width / 2:.1f}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" text-anchor="middle" font-size="11" '
        f'fill="{ink}" font-weight="bold">{escape(text)}</text>'
    )


def stacked(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[int]]],
    percent: bool = True,
) -> str:
    """A horizontal bar per row, split into ``series``, each part labelled with its share (or count)."""
    plot = WIDTH - LABEL_WIDTH - 10
    y = 30.0
    body = [_legend(chart_id, series, 6)]
    for label, values in rows:
        total = sum(values)
        body.append(_label(LABEL_WIDTH - 8, y + BAR_HEIGHT / 2, label))
        x = float(LABEL_WIDTH)
        if total == 0:
            body.append(f'<text x="{x:.1f}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" font-size="11">no answers</text>')
        for s, value in zip(series, values, strict=True):
            if not value:
                continue
            width = plot * value / total
            shown = _percent(value / total) if percent else str(value)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{_fill(chart_id, s)}" '
                f'stroke="#ffffff" stroke-width="0.5"><title>{escape(f"{label}: {s.label} {shown}")}</title></rect>'
            )
            body.append(_segment_text(x, width, y, shown, s.ink))
            x += width
        y += BAR_HEIGHT + ROW_GAP + (8 if len(wrap(label)) > 1 else 0)
    return _frame(chart_id, title, desc, y + 4, series, "".join(body))


def bars(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[float | None]]],
    maximum: float,
    shown: Sequence[Sequence[str]],
) -> str:
    """For each row, one bar per series (grouped), each with its value written beside it."""
    plot = WIDTH - LABEL_WIDTH - 120
    y = 30.0
    body = [_legend(chart_id, series, 6)]
    for (label, values), texts in zip(rows, shown, strict=True):
        group = len(series) * (BAR_HEIGHT - 4) + 2 * (len(series) - 1)
        body.append(_label(LABEL_WIDTH - 8, y + group / 2, label))
        for s, value, text in zip(series, values, texts, strict=True):
            height = BAR_HEIGHT - 4
            width = plot * (value or 0) / maximum if maximum else 0
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y:.1f}" width="{max(width, 0.5):.1f}" height="{height}" '
                f'fill="{_fill(chart_id, s)}" stroke="#000000" stroke-width="0.3">'
                f"<title>{escape(f'{label}: {s.label} {text}')}</title></rect>"
                f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + height - 3:.1f}" font-size="11">'
                f"{escape(s.label)} {escape(text)}</text>"
            )
            y += height + 2
        y += ROW_GAP + 2
    return _frame(chart_id, title, desc, y + 4, series, "".join(body))


def _percent(share: float) -> str:
    value = share * 100
    if 0 < value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"
