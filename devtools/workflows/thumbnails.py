"""Workflow thumbnails (512x384 JPEG) drawn with PIL: the pack's name, the workflow's title and
subtitle (each at the largest size that fits), and what the workflow really is -- the picture it
made, where the pack can run it (the demos: their own side-by-side output, a clip's middle frame),
otherwise a diagram of its graph: the nodes the picture goes through, left to right (model loaders,
prompts and the VAE / latent plumbing left out), with the pack's nodes that feed one of them drawn
under it.
"""
from __future__ import annotations

import re
from pathlib import Path

from devtools.workflows.catalog import PACK_DISPLAY_NAME, PACK_NODES

SIZE = (512, 384)
MARGIN = 18
TITLE_SIZES = range(28, 17, -1)         # the title's font: the largest of these that fits the width
SUBTITLE_SIZES = range(17, 11, -1)
HEADER_H, SUBTITLE_Y = 70, 350
SOURCES = ("LoadImage", "LoadVideo", "LanPaintDemoScene", "LanPaintDemoClip")
MASKED_LATENT = "SetLatentNoiseMask"
PLUMBING = ("VAEEncode", "SetLatentNoiseMask", "VAEDecode", "GetVideoComponents")
BOX_H, ARROW_W, SIDE_GAP, LABEL_SIZE = 80, 20, 34, 15
PACK_FILL, PACK_EDGE = (58, 46, 110), (150, 130, 235)
NODE_FILL, NODE_EDGE = (52, 54, 64), (120, 124, 140)
TEXT, MUTED, ARROW = (235, 235, 240), (200, 200, 210), (255, 214, 90)


def font(size, bold=False):
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


def text_width(text: str, fnt) -> float:
    return fnt.getlength(text)


def fitting_font(text: str, sizes, width: float, bold=False):
    """The font of the first size in ``sizes`` at which ``text`` fits ``width``; ValueError if none does."""
    for size in sizes:
        fnt = font(size, bold)
        if text_width(text, fnt) <= width:
            return fnt
    raise ValueError("%r does not fit %d px even at %d px type; shorten it" % (text, width, size))


def title_font(title: str):
    return fitting_font(title, TITLE_SIZES, SIZE[0] - 2 * MARGIN, bold=True)


def subtitle_font(subtitle: str):
    return fitting_font(subtitle, SUBTITLE_SIZES, SIZE[0] - 2 * MARGIN)


# ----------------------------------------------------------------------------- the graph's spine
def _longest(start, step, ends, score):
    """The highest-scoring path from ``start`` following ``step`` to a node in ``ends`` (None if none)."""
    best = None
    if start in ends:
        best = [start]
    for nxt in step(start):
        tail = _longest(nxt, step, ends, score)
        if tail is not None and (best is None or score([start] + tail) > score(best)):
            best = [start] + tail
    return best


def spine(workflow: dict) -> tuple[list[dict], dict[int, list[dict]]]:
    """(the nodes the picture goes through from its source to the saved output, without the plumbing;
    {node id: the pack's nodes off that path that feed it})."""
    nodes = {n["id"]: n for n in workflow["nodes"]}
    into, out_of = {i: [] for i in nodes}, {i: [] for i in nodes}
    for _, src, _, dst, _, _ in workflow["links"]:
        into[dst].append(src)
        out_of[src].append(dst)
    sources = {i for i, n in nodes.items() if n["type"] in SOURCES}
    outputs = {i for i, n in nodes.items() if not out_of[i] and n["type"].startswith("Save")}

    def score(path):   # longest first, then the one through more of the pack's nodes
        return len(path), sum(nodes[i]["type"] in PACK_NODES for i in path)

    def through(masked):   # the path from a source through this masked latent to a saved output
        before = _longest(masked, lambda i: into[i], sources, score)
        after = _longest(masked, lambda i: out_of[i], outputs, score)
        return before[::-1] + after[1:] if before and after else []
    # (an audio+video workflow masks its soundtrack too: the picture's path is the one through the pack's mask)
    path = max((through(i) for i, n in nodes.items() if n["type"] == MASKED_LATENT), key=score)
    key = [nodes[i] for i in path if nodes[i]["type"] not in PLUMBING]
    sides = {n["id"]: [nodes[s] for s in into[n["id"]] if s not in path and nodes[s]["type"] in PACK_NODES]
             for n in key}
    return key, sides


def node_label(node: dict, object_info: dict) -> str:
    return node.get("title") or object_info.get(node["type"], {}).get("display_name") or node["type"]


# ----------------------------------------------------------------------------- drawing
def _words(text: str) -> list[str]:
    """The text's words, a long CamelCase word split before its capitals (SamplerCustom-Advanced)."""
    out = []
    for word in text.split():
        parts = re.findall(r"[A-Z]?[a-z0-9.]+|[A-Z]+(?![a-z])|\S", word) if len(word) > 12 else [word]
        out += [p + ("-" if k < len(parts) - 1 else "") for k, p in enumerate(parts)] if len(parts) > 1 else [word]
    return out


def _lines(text: str, fnt, width: float):
    """``text`` wrapped to ``width``, or None where a word is wider."""
    lines, line = [], ""
    for word in _words(text):
        trial = line + word if line.endswith("-") else (line + " " + word).strip()
        if text_width(trial, fnt) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines if all(text_width(t, fnt) <= width for t in lines) else None


def _label_size(labels: list[str], width: float, height: float) -> int:
    """The largest type size (at most LABEL_SIZE) at which every label fits its box."""
    for size in range(LABEL_SIZE, 8, -1):
        fits = [_lines(t, font(size), width - 10) for t in labels]
        if all(f is not None and len(f) * (size + 3) <= height - 8 for f in fits):
            return size
    return 9


def _box(draw, box, label: str, ours: bool, size: int):
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=8, fill=PACK_FILL if ours else NODE_FILL,
                           outline=PACK_EDGE if ours else NODE_EDGE, width=2)
    fnt = font(size)
    lines = _lines(label, fnt, x1 - x0 - 10) or [label]
    top = (y0 + y1) / 2 - len(lines) * (size + 3) / 2
    for k, t in enumerate(lines):
        draw.text(((x0 + x1) / 2 - text_width(t, fnt) / 2, top + k * (size + 3)), t, font=fnt, fill=TEXT)


def _arrow(draw, start, end):
    (x0, y0), (x1, y1) = start, end
    draw.line([start, end], fill=ARROW, width=3)
    if x1 != x0:
        draw.polygon([(x1, y1), (x1 - 8, y1 - 6), (x1 - 8, y1 + 6)], fill=ARROW)
    else:
        draw.polygon([(x1, y1), (x1 - 6, y1 + 8), (x1 + 6, y1 + 8)], fill=ARROW)


def _diagram(draw, workflow: dict, object_info: dict):
    key, sides = spine(workflow)
    n = len(key)
    width = (SIZE[0] - 2 * MARGIN - (n - 1) * ARROW_W) / n
    has_sides = any(sides.values())
    top = HEADER_H + (46 if has_sides else 96)
    labels = [node_label(node, object_info) for node in key + [s for ss in sides.values() for s in ss]]
    size = _label_size(labels, width, BOX_H)
    draw.text((MARGIN, top - 26), "the graph, left to right (loaders, prompts, VAE not shown)", font=font(13),
              fill=MUTED)
    for k, node in enumerate(key):
        x0 = MARGIN + k * (width + ARROW_W)
        _box(draw, (x0, top, x0 + width, top + BOX_H), node_label(node, object_info), node["type"] in PACK_NODES,
             size)
        if k:
            _arrow(draw, (x0 - ARROW_W + 2, top + BOX_H / 2), (x0 - 2, top + BOX_H / 2))
        y = top + BOX_H + SIDE_GAP
        for side in sides[node["id"]]:
            _box(draw, (x0, y, x0 + width, y + BOX_H), node_label(side, object_info), True, size)
            _arrow(draw, (x0 + width / 2, y - 2), (x0 + width / 2, y - SIDE_GAP + 4))
            y += BOX_H + SIDE_GAP


def picture_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where a picture of this size goes: scaled to the width between the margins, under the header."""
    w = SIZE[0] - 2 * MARGIN
    h = round(height * w / width)
    top = HEADER_H + (SUBTITLE_Y - HEADER_H - h) // 2
    return MARGIN, top, MARGIN + w, top + h


def draw_thumbnail(path: Path, title: str, subtitle: str, workflow: dict, object_info: dict, picture=None):
    """Writes the thumbnail; ``picture`` (a PIL image): the workflow's own output, shown (picture_box)
    in place of the diagram."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", SIZE, (28, 30, 38))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, SIZE[0], HEADER_H], fill=(52, 52, 92))
    d.text((MARGIN, 8), PACK_DISPLAY_NAME, font=font(16, bold=True), fill=(190, 190, 255))
    d.text((MARGIN, 30), title, font=title_font(title), fill=(255, 255, 255))
    d.text((MARGIN, SUBTITLE_Y), subtitle, font=subtitle_font(subtitle), fill=MUTED)
    if picture is not None:
        box = picture_box(*picture.size)
        img.paste(picture.convert("RGB").resize((box[2] - box[0], box[3] - box[1]), Image.BOX), box[:2])
    else:
        _diagram(d, workflow, object_info)
    img.save(path, "JPEG", quality=90)
