"""Small inline SVG charts for the run report: no JavaScript, no external assets.

A report is one file mailed around or opened from an Airflow log; its charts
must render anywhere a browser does. Each point carries a ``<title>`` so that
hovering shows the exact number without a script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

PALETTE = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28

Format = Callable[[float], str]


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    percent: bool = False,
) -> str:
    """One line per series over ``labels`` (runs); ``None`` leaves a gap.

    Example:
        >>> svg = line_chart("records read", ["1", "2"], {"crm": [10, 12]})
        >>> svg.startswith("<svg") and "crm" in svg
        True
    """
    fmt: Format = _percent if percent else _count
    values = [v for points in series.values() for v in points if v is not None]
    top = _nice_max(max(values, default=0.0), percent)
    x_of, y_of = _scales(len(labels), top)
    parts = [_open(title), *_grid(top, fmt, y_of), *_x_labels(labels, x_of)]
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        for segment in _segments(points):
            coords = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in segment)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
            )
        for i, value in enumerate(points):
            if value is None:
                continue
            parts.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}, run {escape(labels[i])}: {fmt(value)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts) + _legend(list(series))


def bar_chart(
    title: str,
    labels: Sequence[str],
    stacks: Mapping[str, Sequence[int]],
    colours: Mapping[str, str],
) -> str:
    """Stacked bars per label (e.g. checks passed / warned / failed per run)."""
    totals = [sum(stack[i] for stack in stacks.values()) for i in range(len(labels))]
    top = _nice_max(float(max(totals, default=0)), False)
    x_of, y_of = _scales(len(labels), top)
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar = max(min(step * 0.6, 28), 2)
    parts = [_open(title), *_grid(top, _count, y_of), *_x_labels(labels, x_of)]
    for i, label in enumerate(labels):
        base = 0.0
        for name, stack in stacks.items():
            value = stack[i]
            if not value:
                continue
            y_top, y_bottom = y_of(base + value), y_of(base)
            parts.append(
                f'<rect x="{x_of(i) - bar / 2:.1f}" y="{y_top:.1f}" width="{bar:.1f}" '
                f'height="{y_bottom - y_top:.1f}" fill="{colours.get(name, "#888")}">'
                f"<title>run {escape(label)}: {value} {escape(name)}</title></rect>"
            )
            base += value
    parts.append("</svg>")
    return "".join(parts) + _legend(list(stacks), [colours.get(n, "#888") for n in stacks])


def _open(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width:{WIDTH}px">'
        f"<title>{escape(title)}</title>"
    )


def _scales(count: int, top: float) -> tuple[Callable[[int], float], Callable[[float], float]]:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(count, 1)

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y_of(value: float) -> float:
        return TOP + inner_h - (value / top) * inner_h if top else TOP + inner_h

    return x_of, y_of


def _grid(top: float, fmt: Format, y_of: Callable[[float], float]) -> list[str]:
    parts = []
    for k in range(5):
        value = top * k / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#6b7280">{fmt(value)}</text>'
        )
    return parts


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float]) -> list[str]:
    every = max(1, len(labels) // 12)
    return [
        f'<text x="{x_of(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" '
        f'fill="#6b7280">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0 or i == len(labels) - 1
    ]


def _segments(points: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    segments: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(points):
        if value is None:
            segments.append([])
        else:
            segments[-1].append((i, value))
    return [s for s in segments if len(s) > 1]


def _nice_max(value: float, percent: bool) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten (at least 1 record / 10%)."""
    if percent:
        return max(0.1, min(1.0, _round_up(value)))
    return max(1.0, _round_up(value))


def _round_up(value: float) -> float:
    if value <= 0:
        return 0.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def _legend(names: list[str], colours: list[str] | None = None) -> str:
    items = []
    for n, name in enumerate(names):
        colour = colours[n] if colours else PALETTE[n % len(PALETTE)]
        items.append(
            f'<span class="key"><span class="swatch" style="background:{colour}"></span>'
            f"{escape(name)}</span>"
        )
    return f'<div class="legend">{"".join(items)}</div>'
