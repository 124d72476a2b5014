"""The main job: the bundled demo workflow on a real ComfyUI server, stock KSampler beside LanPaint FLD.

    python -m devtools.demo [--out DIR] [--scenes N] [--readme]   (from the repository root)

Starts ComfyUI with this pack, converts workflows/lanpaint_demo_model.json (the pack's demo model,
shipped with it: nothing is downloaded or trained) to API format with the server's /object_info and
queues it once per held-out scene and hole: its Demo Scene node makes the picture and the hole, and
the one prompt samples the same masked latent with the stock KSampler and with LanPaint FLD
KSampler, same seed (two Save Image nodes added to the prompt keep each result; the workflow itself
saves the two side by side). The scenes are the first N held-out seeds and every hole kind, fixed
before looking at any result. Writes, per scene and hole, <seed>_<hole>_{original,stock,lanpaint}.png
(the original drawn here by the same scene code), and side_by_side.png: rows of (scene with the
hole, stock, LanPaint FLD) per scene, one column per hole; prints how long each prompt took on this
machine (queued to finished, both samplers). ``--readme`` also copies side_by_side.png to
docs/demo_trained_model.png (the README's picture).

``shipped_output`` runs a demo workflow once as shipped and gives its own output picture (the
template's thumbnail, devtools/make_workflows.py; the middle frame of the video demo's animation).
"""
import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from devtools.comfy_server import PACK_SOURCES, REPO_ROOT, ServerError, running_server
from devtools.workflow_api import ui_to_api
from lanpaint_demo import scenes

WORKFLOW = "lanpaint_demo_model"
README_PICTURE = REPO_ROOT / "docs" / "demo_trained_model.png"
ROWS = ("with the hole", "stock KSampler", "LanPaint FLD KSampler")
PANEL = 128                 # side of one enlarged picture in side_by_side.png
LABEL_W, LABEL_H = 150, 22
HOLE_SHADE = (0, 0, 0)


def scene_seeds(n: int) -> list:
    return list(range(scenes.HELD_OUT_SEED, scenes.HELD_OUT_SEED + n))


def prompt_for(prompt: dict, seed: int, hole: str) -> dict:
    """The demo prompt with its Demo Scene node set to ``seed`` and ``hole``, and a Save Image node on
    each sampler's decoded result (filename prefixes ending in "stock" and "lanpaint")."""
    out = json.loads(json.dumps(prompt))
    for node in list(out.values()):
        if node["class_type"] == "LanPaintDemoScene":
            node["inputs"].update(seed=seed, hole=hole)
        if node["class_type"] == "LanPaintSideBySide":
            for name in ("stock", "lanpaint"):
                out["demo_" + name] = {"class_type": "SaveImage",
                                       "inputs": {"images": node["inputs"][name], "filename_prefix": "demo/" + name}}
    return out


def run_prompt(server, prompt: dict, base: Path) -> dict:
    """Queue ``prompt``; {last part of a SaveImage's filename_prefix: path of its image}."""
    status, answer = server.request("/prompt", {"prompt": prompt})
    if status != 200:
        raise ServerError(f"the server refused the workflow ({status}): {json.dumps(answer)[:2000]}")
    entry = server.wait_history(answer["prompt_id"], timeout=600)
    if entry["status"].get("status_str") != "success":
        raise ServerError(f"the workflow failed: {json.dumps(entry['status'])[:2000]}\n{server.log_tail()}")
    saved = {}
    for node_id, node_out in entry["outputs"].items():
        prefix = prompt[node_id]["inputs"].get("filename_prefix")
        for img in node_out.get("images", []):
            if img.get("type") == "output" and prefix:
                saved[prefix.rsplit("/", 1)[-1]] = base / "output" / img["subfolder"] / img["filename"]
    return saved


def middle_frame(path: Path) -> Image.Image:
    """A saved picture as RGB; of an animation, its middle frame."""
    with Image.open(path) as picture:
        picture.seek(getattr(picture, "n_frames", 1) // 2)
        return picture.convert("RGB")


def shipped_output(workflow: dict) -> Image.Image:
    """A demo workflow (UI format) run once as it is, on a real server: its own output picture (middle_frame)."""
    with tempfile.TemporaryDirectory(prefix="lanpaint-demo-") as tmp, running_server(Path(tmp)) as server:
        _, object_info = server.request("/object_info")
        saved = run_prompt(server, ui_to_api(workflow, object_info), Path(tmp))
        return middle_frame(saved["side_by_side"])


def to_pil(image) -> Image.Image:
    """A ComfyUI IMAGE [1, H, W, 3] as a PIL picture."""
    return Image.fromarray((image[0].clamp(0, 1) * 255).round().byte().numpy())


def with_hole(image: Image.Image, mask) -> Image.Image:
    shaded = image.convert("RGB").copy()
    shaded.paste(HOLE_SHADE, mask=Image.fromarray((mask[0] * 255).byte().numpy()))
    return shaded


def side_by_side(results: dict, seeds: list, holes: tuple, dest: Path):
    """Per scene three rows (with the hole, stock, LanPaint FLD), one column per hole, enlarged
    without smoothing and labelled."""
    sheet = Image.new("RGB", (LABEL_W + PANEL * len(holes), LABEL_H + PANEL * len(ROWS) * len(seeds)), "white")
    draw = ImageDraw.Draw(sheet)
    for c, hole in enumerate(holes):
        draw.text((LABEL_W + c * PANEL + 6, 5), hole, fill="black")
    for s, seed in enumerate(seeds):
        for r, label in enumerate(ROWS):
            y = LABEL_H + (s * len(ROWS) + r) * PANEL
            draw.text((6, y + PANEL // 2 - 12), "scene %d" % seed if r == 0 else "", fill="black")
            draw.text((6, y + PANEL // 2), label, fill="black")
            for c, hole in enumerate(holes):
                panel = results[(seed, hole)][r]
                sheet.paste(panel.resize((PANEL, PANEL), Image.NEAREST), (LABEL_W + c * PANEL, y))
        if s:
            draw.line([(0, LABEL_H + s * len(ROWS) * PANEL), (sheet.width, LABEL_H + s * len(ROWS) * PANEL)],
                      fill="white", width=3)
    sheet.save(dest)


def run(out: Path, n_scenes: int, holes=scenes.MASK_KINDS) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    base = out / "comfyui"
    workflow = json.loads((REPO_ROOT / "workflows" / f"{WORKFLOW}.json").read_text())
    seeds = scene_seeds(n_scenes)
    results = {}
    seconds = []
    with running_server(base) as server:
        _, object_info = server.request("/object_info")
        prompt = ui_to_api(workflow, object_info)
        for seed in seeds:
            for hole in holes:
                t0 = time.monotonic()
                saved = run_prompt(server, prompt_for(prompt, seed, hole), base)
                seconds.append(time.monotonic() - t0)
                stem = out / f"{seed}_{hole}"
                for name in ("stock", "lanpaint"):
                    shutil.copy2(saved[name], f"{stem}_{name}.png")
                size = Image.open(saved["stock"]).width
                original = to_pil(scenes.render(scenes.layout(seed), size))
                original.save(f"{stem}_original.png")
                results[(seed, hole)] = (with_hole(original, scenes.masks(hole, seed, size)),
                                         Image.open(saved["stock"]).convert("RGB"),
                                         Image.open(saved["lanpaint"]).convert("RGB"))
                print(f"  scene {seed}, {hole} hole: {seconds[-1]:.1f} s", flush=True)
    print(f"{len(seconds)} prompts on this machine: median {statistics.median(seconds):.1f} s, "
          f"{min(seconds):.1f}-{max(seconds):.1f} s each (queued to finished, both samplers; the first "
          "includes loading the model)")
    picture = out / "side_by_side.png"
    side_by_side(results, seeds, tuple(holes), picture)
    return picture


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "out" / "demo")
    parser.add_argument("--scenes", type=int, default=3, help="held-out scenes (the first N), each with every hole")
    parser.add_argument("--readme", action="store_true", help="also write docs/demo_trained_model.png")
    args = parser.parse_args(argv)
    print(f"Running workflows/{WORKFLOW}.json on a real ComfyUI server (the pack's demo model, CPU) ...")
    try:
        picture = run(args.out.resolve(), args.scenes)
    except ServerError as e:
        print(f"LanPaint demo failed: {e}", file=sys.stderr)
        return 1
    if args.readme:
        shutil.copy2(picture, README_PICTURE)
    print(f"\nStock KSampler and LanPaint FLD KSampler on the same held-out scenes and holes, same seed:\n"
          f"  {picture}\n  (one file per scene and hole beside it)\n"
          "\nFor real work, install the pack into your ComfyUI (ComfyUI-Manager: search LanPaint FLD), or:\n"
          "  git clone <this repository> /path/to/ComfyUI/custom_nodes/lanpaint-fld\n"
          f"  (or copy {', '.join(n for n in PACK_SOURCES if n != 'pyproject.toml')} from {REPO_ROOT} there)\n"
          "then start ComfyUI, open http://127.0.0.1:8188, click Templates in the left sidebar (or the ComfyUI\n"
          "logo menu > Browse Templates), pick Extensions > lanpaint-fld (the pack's folder name) and\n"
          "lanpaint_demo_model, or drag a file from workflows/ onto the canvas.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
