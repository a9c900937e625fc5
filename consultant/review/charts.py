"""Small SVG charts drawn on the server: no script, nothing fetched from elsewhere."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

COLOURS = ("#15803d", "#1f5fbf", "#b45309", "#7c3aed")


def bar_chart(points: list[tuple[str, int]], title: str, height: int = 160) -> Markup:
    """Vertical bars, one per point, labelled under the first, middle and last bar."""
    width = 1000
    top = max((v for _, v in points), default=0) or 1
    step = width / max(1, len(points))
    bars = []
    for i, (label, value) in enumerate(points):
        h = (height - 30) * value / top
        x = i * step
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - 20 - h:.1f}" width="{max(1.0, step - 2):.1f}" '
            f'height="{h:.1f}" fill="{COLOURS[1]}"><title>{escape(label)}: {value}</title></rect>'
        )
        if i in (0, len(points) // 2, len(points) - 1):
            anchor = "start" if i == 0 else ("end" if i == len(points) - 1 else "middle")
            bars.append(
                f'<text x="{x + (step if anchor == "end" else 0 if anchor == "start" else step / 2):.1f}" '
                f'y="{height - 5}" font-size="11" text-anchor="{anchor}" fill="#5b6776">{escape(label)}</text>'
            )
    bars.append(f'<text x="0" y="11" font-size="11" fill="#5b6776">max {top}</text>')
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%"><title>{escape(title)}</title>{"".join(bars)}</svg>'
    )


def stacked_bars(rows: list[tuple[str, list[int]]], legend: tuple[str, ...], title: str) -> Markup:
    """Horizontal stacked bars, one row per name, with a legend."""
    row_h, label_w, width = 22, 200, 1000
    top = max((sum(v) for _, v in rows), default=0) or 1
    parts = []
    for r, (name, values) in enumerate(rows):
        y = 24 + r * row_h
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12" fill="#1d2733">{escape(name[:28])}</text>'
        )
        x = float(label_w)
        for k, value in enumerate(values):
            w = (width - label_w) * value / top
            if w:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" fill="{COLOURS[k % 4]}">'
                    f"<title>{escape(name)} {escape(legend[k])}: {value}</title></rect>"
                )
            x += w
    for k, name in enumerate(legend):
        parts.append(
            f'<rect x="{label_w + k * 110}" y="4" width="10" height="10" fill="{COLOURS[k % 4]}"/>'
            f'<text x="{label_w + k * 110 + 14}" y="13" font-size="11" fill="#1d2733">{escape(name)}</text>'
        )
    height = 30 + row_h * max(1, len(rows))
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
