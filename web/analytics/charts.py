"""Small inline SVG line charts, rendered on the server (no chart library, no CDN)."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 12, 28
# Colour-blind-safe palette (Okabe–Ito); each series also gets its own dash pattern.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


def _nice_step(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10^k step that covers `value` in four grid lines."""
    need = max(1, -(-value // 4))
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step == int(step) and step >= need:
                return int(step)
        magnitude *= 10


def line_chart(labels: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """An accessible SVG line chart of several series over the same labels (days)."""
    step = _nice_step(max([0, *(v for values in series.values() for v in values)]))
    top = step * 4
    count = max(len(labels), 1)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return PAD_LEFT + (inner_w * i / (count - 1) if count > 1 else inner_w / 2)

    def y(v: int) -> float:
        return PAD_TOP + inner_h - inner_h * v / top

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):
        value = step * tick
        parts.append(
            f'<line class="chart__grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="chart__tick" x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    every = max(1, count // 6)
    shown = sorted({*range(0, len(labels), every), len(labels) - 1} - {-1})
    for i in shown:
        if i != len(labels) - 1 and len(labels) - 1 - i < every / 2:
            continue  # too close to the last label, which always shows
        anchor = "end" if i == len(labels) - 1 and count > 1 else "middle"
        parts.append(
            f'<text class="chart__tick" x="{x(i):.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(labels[i][5:])}</text>'
        )
    for n, (name, values) in enumerate(series.items()):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dash = f' stroke-dasharray="{DASHES[n % len(DASHES)]}"' if DASHES[n % len(DASHES)] else ""
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS[n % len(COLOURS)]}" stroke-width="2"'
            f'{dash} points="{points}"><title>{escape(name)}</title></polyline>'
        )
    parts.append("</svg>")
    legend = "".join(
        # A class per series, not style="": the Content-Security-Policy allows no inline style.
        f'<li><span class="chart__swatch chart__swatch--{n % len(COLOURS)}"></span>'
        f"{escape(name)}</li>"
        for n, name in enumerate(series)
    )
    return Markup("".join(parts) + f'<ul class="chart__legend">{legend}</ul>')
