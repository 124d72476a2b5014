"""Workflow thumbnails (512x384 JPEG) drawn with PIL: the pack's name, the workflow's title and
subtitle, and a schematic before/after illustration (inpaint or outpaint); no external assets."""
from __future__ import annotations

from pathlib import Path

from devtools.workflows.catalog import PACK_DISPLAY_NAME


def _font(size, bold=False):
    from PIL import ImageFont
    names = (["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"] if bold else ["DejaVuSans.ttf",
                                                                              "LiberationSans-Regular.ttf"])
    for name in names:
        for folder in ("", "/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/truetype/liberation/"):
            try:
                return ImageFont.truetype(folder + name, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _scene(draw, box, variant: int):
    """A simple landscape (sky, sun, hills, lake) inside box."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    for i in range(h):  # sky gradient
        t = i / max(h - 1, 1)
        draw.line([(x0, y0 + i), (x1, y0 + i)], fill=(int(90 + 120 * t), int(150 + 70 * t), int(230 - 30 * t)))
    w = x1 - x0
    draw.ellipse([x0 + w * 0.68, y0 + h * 0.12, x0 + w * 0.84, y0 + h * 0.12 + w * 0.16], fill=(255, 214, 90))
    draw.polygon([(x0, y0 + h * 0.62), (x0 + w * 0.3, y0 + h * 0.32), (x0 + w * 0.55, y0 + h * 0.58),
                  (x0 + w * 0.78, y0 + h * 0.4), (x1, y0 + h * 0.6), (x1, y1), (x0, y1)], fill=(70, 120, 80))
    draw.rectangle([x0, y0 + h * 0.72, x1, y1], fill=(60, 110, 170) if variant else (60, 105, 160))


def _hatch(draw, box, color=(200, 60, 200)):
    x0, y0, x1, y1 = [int(v) for v in box]
    draw.rectangle(box, fill=(40, 40, 46))
    for k in range(x0 - (y1 - y0), x1, 10):
        a, b = (max(k, x0), y0 + max(0, x0 - k)), (min(k + (y1 - y0), x1), y0 + min(y1 - y0, x1 - k))
        draw.line([a, b], fill=color, width=2)
    draw.rectangle(box, outline=color, width=3)


def _house(draw, box):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle([x0 + w * 0.2, y0 + h * 0.45, x0 + w * 0.8, y0 + h * 0.9], fill=(200, 70, 60))
    draw.polygon([(x0 + w * 0.1, y0 + h * 0.47), (x0 + w * 0.5, y0 + h * 0.12), (x0 + w * 0.9, y0 + h * 0.47)],
                 fill=(120, 60, 50))
    draw.rectangle([x0 + w * 0.44, y0 + h * 0.65, x0 + w * 0.58, y0 + h * 0.9], fill=(80, 50, 40))


def _dashed_rect(draw, box, color=(255, 255, 255), dash=8):
    x0, y0, x1, y1 = [int(v) for v in box]
    for x in range(x0, x1, dash * 2):
        draw.line([(x, y0), (min(x + dash, x1), y0)], fill=color, width=2)
        draw.line([(x, y1), (min(x + dash, x1), y1)], fill=color, width=2)
    for y in range(y0, y1, dash * 2):
        draw.line([(x0, y), (x0, min(y + dash, y1))], fill=color, width=2)
        draw.line([(x1, y), (x1, min(y + dash, y1))], fill=color, width=2)


def draw_thumbnail(path: Path, title: str, subtitle: str, kind: str, size=(512, 384)):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", size, (28, 30, 38))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, size[0], 70], fill=(52, 52, 92))
    d.text((18, 10), PACK_DISPLAY_NAME, font=_font(16, bold=True), fill=(190, 190, 255))
    d.text((18, 30), title, font=_font(28, bold=True), fill=(255, 255, 255))
    d.text((18, 350), subtitle, font=_font(17), fill=(200, 200, 210))
    panel_w, panel_h, top = 200, 230, 100
    before, after = (24, top, 24 + panel_w, top + panel_h), (288, top, 288 + panel_w, top + panel_h)
    if kind == "outpaint":
        inner_w = int(panel_w * 0.6)
        _scene(d, (before[0], before[1], before[0] + inner_w, before[3]), 0)
        _hatch(d, (before[0] + inner_w, before[1], before[2], before[3]))
        _scene(d, after, 1)
        _dashed_rect(d, (after[0] + inner_w, after[1] + 2, after[2] - 2, after[3] - 2))
    else:
        hole = (before[0] + 60, before[1] + 100, before[0] + 150, before[1] + 185)
        _scene(d, before, 0)
        _hatch(d, hole)
        _scene(d, after, 0)
        ah = (after[0] + 60, after[1] + 100, after[0] + 150, after[1] + 185)
        _house(d, ah)
        _dashed_rect(d, ah)
    label = _font(15, bold=True)
    d.text((before[0], top - 22), "before (mask)", font=label, fill=(230, 230, 230))
    d.text((after[0], top - 22), "after", font=label, fill=(230, 230, 230))
    ay = top + panel_h // 2
    d.line([(before[2] + 14, ay), (after[0] - 16, ay)], fill=(255, 214, 90), width=5)
    d.polygon([(after[0] - 8, ay), (after[0] - 22, ay - 10), (after[0] - 22, ay + 10)], fill=(255, 214, 90))
    img.save(path, "JPEG", quality=88)
