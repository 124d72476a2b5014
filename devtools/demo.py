"""The main job: inpaint a held-out scene with the project's trained model on a real ComfyUI server.

    python -m devtools.demo [--out DIR] [--workflow NAME]   (from the repository root)

Starts ComfyUI with this pack, converts workflows/<NAME>.json to API format with the server's
/object_info, puts the test pack's LanPaintDemoModelLoader (the committed weights of the small
trained model, devtools/demo_model.py; nothing is downloaded or trained) in place of its checkpoint
loader, sets both prompts to the model's PROMPT (it is unconditional), feeds it a held-out scene with
a transparent hole and runs it twice: as bundled (LanPaint KSampler) and with the stock KSampler on
the same masked latent (SetLatentNoiseMask), same seed. Writes original.png, mask.png (white =
repaint), stock.png, lanpaint.png and side_by_side.png (the four, enlarged, labelled).
"""
import argparse
import copy
import json
import shutil
import sys
from pathlib import Path

import torch
from PIL import Image, ImageDraw

from devtools import demo_model, scenes
from devtools.comfy_server import PACK_SOURCES, REPO_ROOT, ServerError, running_server
from devtools.workflow_api import ui_to_api

DEMO_MASK = "box"
DEMO_FEATHER = 2            # Mask Blend feather in pixels, for a 64-pixel picture
PANEL = 256                 # side of one enlarged panel in side_by_side.png
LABEL_H = 22


def demo_seed() -> int:
    """The first held-out scene with a brick wall (a structure whose continuation is easy to judge) and
    no tree (an object the hole could hide entirely, which no method can recover)."""
    seed = scenes.HELD_OUT_SEED
    while scenes.layout(seed).structure != "brick" or scenes.layout(seed).tree is not None:
        seed += 1
    return seed


def _to_pil(image: torch.Tensor) -> Image.Image:
    return Image.fromarray((image[0].clamp(0, 1) * 255).round().byte().numpy())


def make_picture(seed: int):
    """(RGBA picture with the hole transparent, ComfyUI MASK) of the held-out scene ``seed``."""
    image = demo_model.scene(seed)
    mask = scenes.masks(DEMO_MASK, seed, demo_model.SIZE)
    rgba = _to_pil(image).convert("RGBA")
    rgba.putalpha(Image.fromarray(((1 - mask[0]) * 255).byte().numpy()))  # LoadImage: alpha 0 -> mask 1
    return image, mask, rgba


def demo_prompts(workflow: dict, object_info: dict, image_name: str):
    """(LanPaint prompt, stock prompt): the bundled workflow on the demo model, and the same graph
    with the stock KSampler in place of LanPaint's."""
    prompt = ui_to_api(workflow, object_info)
    for node_id, node in prompt.items():
        kind = node["class_type"]
        if kind in ("CheckpointLoaderSimple", "CheckpointLoader"):
            prompt[node_id] = {"class_type": "LanPaintDemoModelLoader", "inputs": {},
                               "_meta": {"title": "LanPaint Demo Model Loader (trained)"}}
        elif kind == "CLIPTextEncode":
            node["inputs"]["text"] = demo_model.PROMPT
        elif kind == "LoadImage":
            node["inputs"]["image"] = image_name
        elif kind == "LanPaintMaskBlend":
            node["inputs"]["feather"] = DEMO_FEATHER
    stock = copy.deepcopy(prompt)
    for node in stock.values():
        if node["class_type"] == "LanPaintKSampler":
            node["class_type"] = "KSampler"
            for name in ("thinking_steps", "prompt_mode"):
                node["inputs"].pop(name, None)
        elif node["class_type"] == "SaveImage":
            node["inputs"]["filename_prefix"] = "demo_stock"
    for node in prompt.values():
        if node["class_type"] == "SaveImage":
            node["inputs"]["filename_prefix"] = "demo_lanpaint"
    return prompt, stock


def _run_prompt(server, prompt, base: Path, dest: Path):
    status, answer = server.request("/prompt", {"prompt": prompt})
    if status != 200:
        raise ServerError(f"the server refused the workflow ({status}): {json.dumps(answer)[:2000]}")
    entry = server.wait_history(answer["prompt_id"], timeout=600)
    if entry["status"].get("status_str") != "success":
        raise ServerError(f"the workflow failed: {json.dumps(entry['status'])[:2000]}\n{server.log_tail()}")
    images = [img for node_out in entry["outputs"].values() for img in node_out.get("images", [])]
    shutil.copy2(base / "output" / images[0]["subfolder"] / images[0]["filename"], dest)


def side_by_side(panels: dict, dest: Path):
    """The panels (name -> PIL image) enlarged without smoothing, in a row, each with its label."""
    sheet = Image.new("RGB", (PANEL * len(panels), PANEL + LABEL_H), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (label, img) in enumerate(panels.items()):
        sheet.paste(img.convert("RGB").resize((PANEL, PANEL), Image.NEAREST), (i * PANEL, LABEL_H))
        draw.text((i * PANEL + 6, 5), label, fill="black")
    sheet.save(dest)


def run(out: Path, workflow_name: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    base = out / "comfyui"
    (base / "input").mkdir(parents=True, exist_ok=True)
    seed = demo_seed()
    image, mask, picture = make_picture(seed)
    picture.save(base / "input" / "lanpaint_demo.png")
    paths = {name: out / f"{name}.png" for name in ("original", "mask", "stock", "lanpaint", "side_by_side")}
    _to_pil(image).save(paths["original"])
    Image.fromarray((mask[0] * 255).byte().numpy()).save(paths["mask"])
    workflow = json.loads((REPO_ROOT / "workflows" / f"{workflow_name}.json").read_text())
    with running_server(base) as server:
        status, object_info = server.request("/object_info")
        lanpaint, stock = demo_prompts(workflow, object_info, "lanpaint_demo.png")
        _run_prompt(server, stock, base, paths["stock"])
        _run_prompt(server, lanpaint, base, paths["lanpaint"])
    hole = Image.open(paths["original"]).convert("RGB")
    hole.paste((0, 0, 0), mask=Image.open(paths["mask"]))
    side_by_side({"original": Image.open(paths["original"]), "hole": hole,
                  "stock KSampler": Image.open(paths["stock"]),
                  "LanPaint KSampler": Image.open(paths["lanpaint"])}, paths["side_by_side"])
    print(f"Held-out scene {seed} ({demo_model.SIZE} px), {DEMO_MASK} hole; trained model from "
          f"{demo_model.WEIGHTS_DIR.relative_to(REPO_ROOT)}.")
    return paths


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
    print(f"Ran workflows/{args.workflow}.json on a real ComfyUI server with the small trained model.")
    for name, path in paths.items():
        print(f"  {name:12s} {path}")
    print("\nFor real work, install the pack into your ComfyUI (ComfyUI-Manager: search LanPaint FLD), or:\n"
          "  git clone <this repository> /path/to/ComfyUI/custom_nodes/lanpaint-fld\n"
          f"  (or copy {', '.join(n for n in PACK_SOURCES if n != 'pyproject.toml')} from {REPO_ROOT} there)\n"
          "then start ComfyUI, open http://127.0.0.1:8188 and load a LanPaint FLD template from\n"
          "Workflow > Browse Templates (or drag a file from workflows/ onto the canvas).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
