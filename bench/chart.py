"""bench/results/ratios.png: each ratio of a run against its target."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bench.report_mail import mail_chart_rows
from bench.targets import HTTP_TARGETS


def chart(r: dict, path: Path) -> None:
    """Bars of each ratio against its target (a tick): pages as % of the baseline,
    the newsletter as % of raw smtplib, and how many times faster than a task per email."""
    rows = []
    if "http" in r:
        rows += [
            (
                f"{page}, {visitor}: %",
                r["http"][f"{page}: {visitor}"]["percent_of_baseline"],
                want,
                100,
            )
            for visitor, pages in HTTP_TARGETS.items()
            for page, want in pages.items()
        ]
    if "mail" in r:
        rows += mail_chart_rows(r)
    _draw(rows, path)


def _draw(rows: list, path: Path) -> None:
    font = ImageFont.load_default()
    label_w, bar_w, row_h, top = 260, 420, 34, 40
    image = Image.new("RGB", (label_w + bar_w + 90, top + row_h * len(rows) + 20), "white")
    draw = ImageDraw.Draw(image)
    title = "SimplyJnJ benchmark: ratios (bar) against targets (red tick)"
    draw.text((10, 12), title, "black", font)
    for i, (label, value, target, scale) in enumerate(rows):
        y = top + i * row_h
        lower_is_better = "lower" in label
        ok = value <= target if lower_is_better else value >= target
        draw.text((10, y + 8), label, "black", font)
        width = int(bar_w * min(value, scale) / scale)
        colour = "#3a7d44" if ok else "#c0504d"
        draw.rectangle((label_w, y + 4, label_w + width, y + row_h - 8), colour)
        tick = label_w + int(bar_w * target / scale)
        draw.line((tick, y, tick, y + row_h - 4), "red", 3)
        draw.text((label_w + bar_w + 8, y + 8), f"{value:g}", "black", font)
    image.save(path)
