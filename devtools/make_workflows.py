"""Generate the pack's example workflows (UI format) and their thumbnails into workflows/.

    python -m devtools.make_workflows            # from the repo root, once per host (see below)
    python -m devtools.make_workflows [--object-info FILE_OR_URL --host-version V] [--out DIR] [--check]

``WORKFLOWS`` below is the table of bundled workflows: each names a model family (one record per
family in devtools/workflows/families.py: loaders, sampler settings, guidance, shift, note) and
what its graph does (source, sampler, note text); devtools/workflows/builder.py is the one builder,
graph.py the layout engine, thumbnails.py the thumbnails. A new family is a ``Family`` record and
a line here.

Each workflow declares the oldest host whose nodes it needs (``WORKFLOWS[name].host``, its family's,
the one place the tests read it from). It is generated against that host's schemas -- stock node
schemas grow between hosts (0.33.0's SaveImage gained an output), so a file generated on a newer
host would differ -- and newer hosts only validate and run it. Run the generator under each host's
venv (``COMFYUI_PATH=... python -m devtools.make_workflows``); it writes the workflows of that host.

Node schemas come from the real host in-process (ComfyUI core + comfy_extras + this pack, see
workflow_api.host_object_info) or from a saved /object_info JSON / a running server's URL. Every
workflow must pass workflow_api.validate_workflow and layout_problems before it is written.
``--check`` writes nothing and fails if a file on disk differs from what would be generated.
Thumbnails (thumbnails.py) show the workflow's own output where the pack runs it as shipped (the
demos: one real server run each, devtools/demo.shipped_output), otherwise a diagram of the graph.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from devtools import workflow_api as wa
from devtools.lanpaint_pack import REPO_ROOT
from devtools.workflows import families as fam
from devtools.workflows.builder import NEGATIVE, POSITIVE, Workflow, build
from devtools.workflows.catalog import EXAMPLE_VIDEO, WORKFLOW_CROP_PADDING  # noqa: F401
from devtools.workflows.thumbnails import draw_thumbnail

OUT_DIR = REPO_ROOT / "workflows"
OUTPAINT_POSITIVE = "a wide landscape photo, mountains and a lake, golden hour"
OUTPAINT_ABOUT = f"""
Pad for Outpainting grows the canvas (here 256 px to the right) and returns the mask of the new
area (with a soft edge into the original, *feathering*). LanPaint fills it so it continues the
picture; Mask Blend pastes the original back. Outpainting is a large hole: 10 thinking steps.
With crop_padding {WORKFLOW_CROP_PADDING} LanPaint samples only the new strip and the
{WORKFLOW_CROP_PADDING} pixels of the picture next to it, however large the picture is."""
VIDEO_POSITIVE = "a red vintage bicycle, smooth camera motion, detailed video"
VIDEO_NEGATIVE = NEGATIVE + ", flicker"
VIDEO_NOTE = "Needs a ComfyUI with Wan 2.2 and the video nodes (tested on 0.33.0)."
VIDEO_ABOUT = """
Repaints a region of a video that may move from frame to frame, painted in **LanPaint FLD Video Mask**:
run the workflow once (or only that node: select it and press ▶, *Execute to selected output nodes*,
in the toolbar that appears above it) so its editor gets the frames, click *Open mask editor*, paint
the region on a few keyframes (brush, eraser, box, ellipse) and Save; the frames between keyframes
morph from one mask to the next, and the editor shows them as the node will make them. The
keyframes are saved with the workflow. ComfyUI spreads the per-frame mask over the model's latent
frames; LanPaint keeps everything outside it."""

WORKFLOWS = {
    "lanpaint_demo_model": Workflow(fam.DEMO, "Demo: stock vs LanPaint", "the pack's own model, no download",
                                    kind="demo", sampler="compare", positive="", negative="",
                                    heading="LanPaint · demo: stock KSampler vs LanPaint FLD KSampler"),
    "lanpaint_demo_video": Workflow(fam.DEMO_VIDEO, "Demo video: stock vs LanPaint", "the pack's own video model, no "
                                    "download", kind="demo_video", sampler="compare", positive="", negative="",
                                    heading="LanPaint · video demo: stock KSampler vs LanPaint FLD KSampler"),
    "lanpaint_sdxl_inpaint": Workflow(fam.SDXL, "SD XL inpainting", "LanPaint FLD KSampler + Mask Blend"),
    "lanpaint_sd35_inpaint": Workflow(fam.SD35, "SD 3.5 Large inpainting", "Checkpoint + Triple CLIP"),
    "lanpaint_flux_dev_inpaint": Workflow(fam.FLUX_DEV, "FLUX.1 dev inpainting", "Flux Guidance 3.5, cfg 1",
                                          heading="LanPaint · FLUX.1 [dev] inpainting"),
    "lanpaint_hidream_inpaint": Workflow(fam.HIDREAM, "HiDream-I1 Dev inpainting", "Quadruple CLIP, shift 6"),
    "lanpaint_sdxl_big_picture_inpaint": Workflow(
        fam.SDXL, "SD XL inpainting, big picture", "crop_padding: sample around the mask",
        heading="LanPaint · SD XL inpainting in a big picture", crop_padding=WORKFLOW_CROP_PADDING, about=f"""
For a small repair in a large photo (2048 × 2048 and up): **crop_padding** {WORKFLOW_CROP_PADDING}
makes LanPaint sample only the box around the mask, grown by {WORKFLOW_CROP_PADDING} pixels of
context, and paste it back, so it costs about what the box costs instead of the whole picture.
Everything outside the mask is kept exactly. Set crop_padding to -1 to sample the whole picture."""),
    "lanpaint_sdxl_detail_inpaint": Workflow(
        fam.SDXL, "SD XL detail at native size", "Crop -> LanPaint at 1024 -> Stitch", kind="detail",
        heading="LanPaint · SD XL detail at native size", note="SD 1.5 checkpoints: set target_size to 512.",
        about=f"""
For faces, hands and small objects in a large picture. **LanPaint FLD Crop** cuts every region of the
mask out with {WORKFLOW_CROP_PADDING} pixels of context and resizes it to **target_size** (1024, SD XL's
native size), so a small region gets the model's full detail; LanPaint samples the crops, and
**LanPaint FLD Stitch** pastes them back at their size with a feathered edge inside the mask.
Everything outside the mask stays exactly as it was.

Several separate regions give several crops: crops of one size run as one batch, crops of different
sizes one after the other (the nodes between Crop and Stitch run once per size)."""),
    "lanpaint_sdxl_outpaint": Workflow(
        fam.SDXL, "SD XL outpainting", "Pad for Outpainting + LanPaint", kind="outpaint", note="",
        positive=OUTPAINT_POSITIVE, thinking_steps=10, crop_padding=WORKFLOW_CROP_PADDING, about=OUTPAINT_ABOUT),
    "lanpaint_sampler_custom_advanced": Workflow(
        fam.SDXL, "LanPaint FLD Sampler", "SamplerCustomAdvanced", sampler="custom", note="",
        heading="LanPaint FLD Sampler + SamplerCustomAdvanced", about="""
**LanPaint FLD Sampler** is a SAMPLER: plug it into SamplerCustom / SamplerCustomAdvanced and it inpaints
with LanPaint whenever the latent has a noise mask, driving the sampler you pick (euler is the
method's reference). It exposes every knob of the method: lambda_ (BiG strength, 4-16), step_size
(halve it if results look noisy), friction, beta, early_stop, inner_scheme (sho recommended) and
big_cfg (-101 = auto)."""),
    "lanpaint_apply_with_ksampler": Workflow(
        fam.SDXL, "Apply LanPaint FLD", "stock KSampler", sampler="apply", note="",
        heading="Apply LanPaint FLD + the stock KSampler", about="""
**Apply LanPaint FLD** patches a copy of the MODEL: the stock KSampler, KSampler (Advanced),
SamplerCustom and SamplerCustomAdvanced then inpaint with LanPaint whenever the latent has a noise
mask (and sample as usual when it has none). Handy to add LanPaint to an existing workflow: put the
node between the model and the sampler."""),
    "lanpaint_zimage_inpaint": Workflow(fam.ZIMAGE, "Z-Image Turbo inpainting", "shift 3, cfg 1, 9 steps"),
    "lanpaint_qwen_image_edit_inpaint": Workflow(fam.QWEN_IMAGE_EDIT, "Qwen-Image-Edit inpainting",
                                                 "reference image + instruction", positive="put " + POSITIVE,
                                                 negative=""),
    "lanpaint_flux2_inpaint": Workflow(fam.FLUX2_DEV, "FLUX.2 dev inpainting", "Flux Guidance 4, cfg 1",
                                       heading="LanPaint · FLUX.2 [dev] inpainting"),
    "lanpaint_wan22_video_inpaint": Workflow(
        fam.WAN22_T2V, "Wan 2.2 video inpainting", "keyframe mask editor, LanPaint FLD Sampler", kind="video",
        sampler="custom", heading="LanPaint · Wan 2.2 video inpainting (keyframe mask editor)",
        positive=VIDEO_POSITIVE, negative=VIDEO_NEGATIVE, note=VIDEO_NOTE,
        about=VIDEO_ABOUT + """ Wan 2.2 T2V 14B low-noise model,
shift 8, through **LanPaint FLD Sampler** + SamplerCustomAdvanced. Use 4k + 1 frames (e.g. 33 or 81)."""),
    # ---- families added as data (each: a Family record in devtools/workflows/families.py and a line here)
    "lanpaint_sd15_inpaint": Workflow(fam.SD15, "SD 1.5 inpainting", "any SD 1.5 checkpoint, no inpainting model"),
    "lanpaint_qwen_image_inpaint": Workflow(fam.QWEN_IMAGE, "Qwen-Image inpainting", "shift 3.1, cfg 2.5"),
    "lanpaint_qwen_image_outpaint": Workflow(
        fam.QWEN_IMAGE, "Qwen-Image outpainting", "Pad for Outpainting + LanPaint", kind="outpaint",
        positive=OUTPAINT_POSITIVE, thinking_steps=10, crop_padding=WORKFLOW_CROP_PADDING, about=OUTPAINT_ABOUT),
    "lanpaint_chroma_inpaint": Workflow(fam.CHROMA, "Chroma1-HD inpainting", "T5-XXL, cfg 4, real negative"),
    "lanpaint_hunyuan_image_inpaint": Workflow(fam.HUNYUAN_IMAGE, "HunyuanImage 2.1 inpainting",
                                               "Qwen2.5-VL + ByT5, 32x VAE"),
    "lanpaint_wan22_image_inpaint": Workflow(fam.WAN22_T2V, "Wan 2.2 text-to-image inpainting",
                                             "one frame, LanPaint FLD KSampler",
                                             heading="LanPaint · Wan 2.2 text-to-image inpainting"),
    "lanpaint_wan22_ti2v_video_inpaint": Workflow(
        fam.WAN22_TI2V, "Wan 2.2 TI2V 5B video inpainting", "keyframe mask editor, LanPaint FLD Sampler", kind="video",
        sampler="custom", positive=VIDEO_POSITIVE, negative=VIDEO_NEGATIVE, note=VIDEO_NOTE,
        about=VIDEO_ABOUT + """ Wan 2.2 TI2V 5B (a 5 B model with its own 16x VAE; it fits
consumer GPUs), shift 8, through **LanPaint FLD Sampler** + SamplerCustomAdvanced. Use 4k + 1 frames, sides a
multiple of 32."""),
    "lanpaint_flux2_klein_inpaint": Workflow(fam.FLUX2_KLEIN, "FLUX.2 klein inpainting", "4B distilled: 4 steps, cfg 1",
                                             heading="LanPaint · FLUX.2 [klein] inpainting"),
    "lanpaint_krea2_inpaint": Workflow(fam.KREA2, "Krea 2 Turbo inpainting", "8 steps, cfg 1"),
    "lanpaint_kandinsky5_image_inpaint": Workflow(fam.KANDINSKY5_IMAGE, "Kandinsky 5 Image inpainting",
                                                  "Qwen2.5-VL + CLIP-L, shift 3"),
    "lanpaint_chroma_radiance_inpaint": Workflow(fam.CHROMA_RADIANCE, "Chroma Radiance inpainting",
                                                 "pixel space, no VAE file"),
    "lanpaint_hidream_o1_inpaint": Workflow(fam.HIDREAM_O1, "HiDream-O1 inpainting", "pixel space, one checkpoint"),
    "lanpaint_ideogram4_inpaint": Workflow(fam.IDEOGRAM4, "Ideogram 4 inpainting",
                                           "a second model for the unconditional pass", sampler="custom"),
    "lanpaint_minimax_h3_video_inpaint": Workflow(
        fam.MINIMAX_H3, "MiniMax H3 video inpainting", "video with its sound, keyframe mask editor",
        kind="audio_video", positive=VIDEO_POSITIVE + ", the street's own sound", negative="",
        about=VIDEO_ABOUT + "\n\n" + fam.MINIMAX_H3.about),
}


def _version(v: str) -> tuple:
    from devtools.host.compat import version_tuple
    return version_tuple(v)


def available(host_version: str) -> list[str]:
    """The workflows whose nodes a host of this version has (its declared minimum is not newer)."""
    return [n for n, w in WORKFLOWS.items() if _version(w.host) <= _version(host_version)]


def generated_on(host_version: str) -> list[str]:
    """The workflows generated against this host version (it is their declared minimum)."""
    return [n for n, w in WORKFLOWS.items() if _version(w.host) == _version(host_version)]


def build_all(object_info: dict, host_version: str) -> dict[str, dict]:
    """name -> UI-format workflow for every workflow this host has the nodes of; raises if any fails
    validation or layout checks."""
    out, problems = {}, []
    for name in available(host_version):
        wf = build(name, WORKFLOWS[name], object_info).to_json(WORKFLOWS[name].host)
        problems += ["%s: %s" % (name, p) for p in wa.validate_workflow(wf, object_info)]
        problems += ["%s: %s" % (name, p) for p in wa.layout_problems(wf)]
        wa.ui_to_api(wf, object_info)  # must convert
        out[name] = wf
    if problems:
        raise ValueError("generated workflows have problems:\n  " + "\n  ".join(problems))
    return out


def own_output(name: str, workflow: dict):
    """The picture a workflow makes, where the pack can run it as shipped (the demos, on their own models;
    a real server run; a clip's middle frame), for its thumbnail; None for the others (their thumbnail is
    a diagram)."""
    if WORKFLOWS[name].kind not in ("demo", "demo_video"):
        return None
    from devtools.demo import shipped_output
    return shipped_output(workflow)


# ----------------------------------------------------------------------------- main
def load_object_info(source: str | None) -> dict:
    if not source:
        return wa.host_object_info()
    if source.startswith(("http://", "https://")):
        import urllib.request
        with urllib.request.urlopen(source.rstrip("/") + ("" if source.endswith("object_info") else
                                                           "/object_info"), timeout=60) as r:
            return json.loads(r.read().decode())
    return json.loads(Path(source).read_text())


def dumps(workflow: dict) -> str:
    return json.dumps(workflow, indent=2, ensure_ascii=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--object-info", help="a saved /object_info JSON file or a server URL (default: in-process)")
    ap.add_argument("--out", default=str(OUT_DIR), help="output folder (default: workflows/)")
    ap.add_argument("--check", action="store_true", help="write nothing; fail if workflows/ is out of date")
    ap.add_argument("--host-version", help="version of the host the object_info comes from (default: the "
                                           "in-process host's)")
    args = ap.parse_args(argv)
    info = load_object_info(args.object_info)
    if args.host_version:
        version = args.host_version
    else:
        from devtools.host.compat import host_version
        version = host_version()
    # each workflow is written from the host it declares as its minimum (run this on each host)
    built = {n: wf for n, wf in build_all(info, version).items() if n in generated_on(version)}
    print("ComfyUI %s: generating %s" % (version, ", ".join(built) or "nothing (no workflow declares this host)"))
    out = Path(args.out)
    stale = []
    if not args.check:
        out.mkdir(parents=True, exist_ok=True)
    for name, wf in built.items():
        path = out / (name + ".json")
        text = dumps(wf)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
            continue
        path.write_text(text)
        w = WORKFLOWS[name]
        draw_thumbnail(out / (name + ".jpg"), w.title, w.subtitle, wf, info, picture=own_output(name, wf))
        print("wrote", path, "and", path.with_suffix(".jpg").name)
    if stale:
        print("out of date (run python -m devtools.make_workflows):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
