"""Vector charts for the PDF brief: plain SVG drawn from a few rows, no JavaScript.

Chromium prints SVG as vector paths and its text with the embedded CJK font, so the charts stay
crisp at any zoom. Every bar carries its figure as text and the categories differ in lightness
and pattern as well as in hue, so the brief reads the same on a black-and-white printer.
Data text (project names) is escaped; a long name is shortened with the full name in <title>.
"""

from __future__ import annotations

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Source Han Sans SC, sans-serif"
WIDTH = 680  # px at 96 dpi: the content width of A4 portrait with 15 mm margins is ~680 px
INK = "#222"

# Execution bands: dark, hatched mid-grey and light fills (red / yellow / green on screen).
BAND_FILLS = {"red": "#8b1a1a", "yellow": "url(#hatch)", "green": "#9fcf9f", None: "#bbbbbb"}
BAND_SHORT = {"red": "红色预警", "yellow": "黄色关注", "green": "正常", None: ""}
RATING_FILLS = {"优": "#1f4e1f", "良": "#4f7fae", "中": "url(#hatch)", "差": "#8b1a1a"}
STATUS_FILLS = {"达标": "#2f6f2f", "未达标": "url(#cross)", "其他": "#d9d9d9"}

_DEFS = (
    '<defs>'
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#f2d479"/><line x1="0" y1="0" x2="0" y2="6" stroke="#555" '
    'stroke-width="2"/></pattern>'
    '<pattern id="cross" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#e8a0a0"/><path d="M0,0 L6,6 M6,0 L0,6" stroke="#333" '
    'stroke-width="1"/></pattern>'
    '</defs>'
)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters (CJK count one each), with … when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(height: int, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">' + _DEFS + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12, weight: str = "normal",
          title: str | None = None) -> str:
    inner = escape(text)
    tip = f"<title>{escape(title)}</title>" if title and title != text else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}">{tip}{inner}</text>')


def execution_bars(rows: list[dict]) -> Markup:
    """One horizontal bar per record: {label, rate (fraction), band}; 0–100% scale (longer bars
    beyond 100% run to the edge), the rate and band written at the bar's end."""
    label_w, right_w, row_h = 230, 120, 24
    plot_w = WIDTH - label_w - right_w
    top = 22
    height = top + row_h * len(rows) + 22
    body = [_text(label_w, 14, "0%", "middle", 10), _text(label_w + plot_w / 2, 14, "50%", "middle", 10),
            _text(label_w + plot_w, 14, "100%", "middle", 10)]
    for x in (0, 0.5, 1):
        body.append(f'<line x1="{label_w + plot_w * x:.1f}" y1="18" x2="{label_w + plot_w * x:.1f}" '
                    f'y2="{height - 18}" stroke="#999" stroke-width="0.6" stroke-dasharray="3,2"/>')
    for i, row in enumerate(rows):
        y = top + i * row_h
        rate = row.get("rate")
        band = row.get("band")
        body.append(_text(label_w - 6, y + 16, shorten(row["label"], 17), "end", title=row["label"]))
        if rate is None:
            body.append(_text(label_w + 4, y + 16, "—"))
            continue
        w = plot_w * max(0.0, min(float(rate), 1.25))
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                    f'fill="{BAND_FILLS.get(band, "#bbb")}" stroke="{INK}" stroke-width="0.6"/>')
        body.append(_text(min(label_w + w, label_w + plot_w) + 6 if w <= plot_w else label_w + plot_w + 6,
                          y + 16, f"{float(rate) * 100:.2f}% {BAND_SHORT.get(band, '')}".strip()))
    return _svg(height, body, "执行率")


def rating_bars(counts: list[tuple[str, int]]) -> Markup:
    """Projects per rating (优 / 良 / 中 / 差), vertical bars with the count above each."""
    height, base, top = 190, 160, 24
    most = max([n for _, n in counts] + [1])
    slot = WIDTH / 2 / max(1, len(counts))  # the chart takes the left half; a legend-free layout
    body = [f'<line x1="20" y1="{base}" x2="{20 + slot * len(counts)}" y2="{base}" stroke="{INK}"/>']
    for i, (rating, n) in enumerate(counts):
        h = (base - top) * n / most
        x = 20 + slot * i + slot * 0.2
        body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
                    f'fill="{RATING_FILLS.get(rating, "#bbb")}" stroke="{INK}" stroke-width="0.6"/>')
        body.append(_text(x + slot * 0.3, base - h - 5, f"{n:,}", "middle", 12, "bold"))
        body.append(_text(x + slot * 0.3, base + 18, rating, "middle", 13))
    return _svg(height, body, "自评等级分布")


def status_bars(rows: list[dict]) -> Markup:
    """Indicators per 一级指标, one stacked bar each: {level1, 达标, 未达标, 其他}; the counts are
    written in the segments and, whole, after the bar."""
    label_w, right_w, row_h, top = 110, 150, 30, 30
    plot_w = WIDTH - label_w - right_w
    height = top + row_h * len(rows) + 10
    body = []
    x = label_w
    for name in STATUS_FILLS:  # legend
        body.append(f'<rect x="{x}" y="6" width="14" height="12" fill="{STATUS_FILLS[name]}" '
                    f'stroke="{INK}" stroke-width="0.6"/>')
        body.append(_text(x + 18, 16, name, size=11))
        x += 80
    most = max([sum(r[s] for s in STATUS_FILLS) for r in rows] + [1])
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 6, y + 19, row["level1"], "end"))
        x = label_w
        for name, fill in STATUS_FILLS.items():
            n = row[name]
            if not n:
                continue
            w = plot_w * n / most
            body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" fill="{fill}" '
                        f'stroke="{INK}" stroke-width="0.6"/>')
            if w >= 22:
                color = "#fff" if name == "达标" else INK
                body.append(f'<text x="{x + w / 2:.1f}" y="{y + 19}" text-anchor="middle" font-size="11" '
                            f'fill="{color}">{n:,}</text>')
            x += w
        total = sum(row[s] for s in STATUS_FILLS)
        body.append(_text(x + 6, y + 19, f"共 {total:,} 项，达标 {row['达标']:,}，未达标 {row['未达标']:,}",
                          size=11))
    return _svg(height, body, "指标完成情况")
