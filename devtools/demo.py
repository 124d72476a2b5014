"""The main job: run the bundled SD XL inpainting workflow headless on a real ComfyUI server.

    python -m devtools.demo [--out DIR] [--workflow NAME]   (from the repository root)

Starts ComfyUI with this pack, converts workflows/<NAME>.json to API format with the server's
/object_info, swaps its model loaders for the embedded tiny seeded models (no downloads), feeds it
a generated picture with a transparent hole, and writes original.png, mask.png and inpainted.png.
The tiny model is untrained, so the inpainted content is texture, not a bicycle: the point is the
real pipeline (server, nodes, LanPaint sampling, VAE, Mask Blend), with the kept region unchanged.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw

from devtools.comfy_server import PACK_SOURCES, REPO_ROOT, ServerError, running_server
from devtools.tiny_loaders import swap_loaders
from devtools.workflow_api import ui_to_api

SIZE = 256
HOLE = (80, 96, 176, 208)  # left, top, right, bottom of the area to repaint


def make_picture() -> Image.Image:
    """A small synthetic scene (sky, sun, hills, a wall) with a transparent hole to repaint."""
    img = Image.new("RGBA", (SIZE, SIZE))
    draw = ImageDraw.Draw(img)
    for y in range(SIZE):
        t = y / SIZE
        draw.line([(0, y), (SIZE, y)], fill=(int(90 + 120 * t), int(150 + 60 * t), int(230 - 40 * t), 255))
    draw.ellipse((180, 24, 228, 72), fill=(255, 214, 90, 255))
    draw.polygon([(0, 170), (70, 120), (150, 160), (256, 110), (256, 256), (0, 256)], fill=(70, 140, 70, 255))
    draw.rectangle((40, 150, 216, 240), fill=(176, 112, 84, 255))
    for row in range(150, 240, 15):
        draw.line([(40, row), (216, row)], fill=(140, 90, 70, 255), width=2)
    draw.rectangle(HOLE, fill=(0, 0, 0, 0))  # LoadImage: transparent pixels become mask = 1
    return img


def run(out: Path, workflow_name: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    base = out / "comfyui"
    (base / "input").mkdir(parents=True, exist_ok=True)
    picture = make_picture()
    picture.save(base / "input" / "lanpaint_demo.png")
    picture.convert("RGB").save(out / "original.png")
    picture.getchannel("A").point(lambda a: 0 if a > 0 else 255).save(out / "mask.png")  # white = repaint
    workflow = json.loads((REPO_ROOT / "workflows" / f"{workflow_name}.json").read_text())
    with running_server(base) as server:
        status, object_info = server.request("/object_info")
        prompt = swap_loaders(ui_to_api(workflow, object_info))
        for node in prompt.values():
            if node["class_type"] == "LoadImage":
                node["inputs"]["image"] = "lanpaint_demo.png"
        status, answer = server.request("/prompt", {"prompt": prompt})
        if status != 200:
            raise ServerError(f"the server refused the workflow ({status}): {json.dumps(answer)[:2000]}")
        entry = server.wait_history(answer["prompt_id"], timeout=600)
        if entry["status"].get("status_str") != "success":
            raise ServerError(f"the workflow failed: {json.dumps(entry['status'])[:2000]}\n{server.log_tail()}")
        images = [img for node_out in entry["outputs"].values() for img in node_out.get("images", [])]
        saved = base / "output" / images[0]["subfolder"] / images[0]["filename"]
        shutil.copy2(saved, out / "inpainted.png")
    return {"original": out / "original.png", "mask": out / "mask.png", "inpainted": out / "inpainted.png"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "out" / "demo")
    parser.add_argument("--workflow", default="lanpaint_sdxl_inpaint")
    args = parser.parse_args(argv)
    try:
        paths = run(args.out.resolve(), args.workflow)
    except ServerError as e:
        print(f"LanPaint demo failed: {e}", file=sys.stderr)
        return 1
    print(f"Ran workflows/{args.workflow}.json on a real ComfyUI server with the embedded tiny model.")
    for name, path in paths.items():
        print(f"  {name:10s} {path}")
    print("\nFor real work, install the pack into your ComfyUI (ComfyUI-Manager: search LanPaint), or:\n"
          "  git clone <this repository> /path/to/ComfyUI/custom_nodes/LanPaint\n"
          f"  (or copy {', '.join(n for n in PACK_SOURCES if n != 'pyproject.toml')} from {REPO_ROOT} there)\n"
          "then start ComfyUI, open http://127.0.0.1:8188 and load a LanPaint template from\n"
          "Workflow > Browse Templates (or drag a file from workflows/ onto the canvas).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
