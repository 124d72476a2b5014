"""The bundled example workflows (workflows/*.json) on a real ComfyUI server.

Each workflow declares the oldest host whose nodes it needs (devtools.make_workflows.WORKFLOWS[name]
.host, the one place): on an older host its checks are skipped with that reason; it is compared with
the generator's output on that host, and validated, run and browser-loaded on it and newer ones.

One headless server (devtools/comfy_server.py) runs with the LanPaint pack (workflows included) and
the tiny test pack. Then: every workflow validates against the server's /object_info
(devtools/workflow_api.validate_workflow) and matches what devtools/make_workflows.py generates;
GET /workflow_templates lists them under the pack's folder name and serves them with thumbnails;
each one is converted to API format (ui_to_api, as the browser does), its loaders are swapped for
tiny stand-ins (devtools/tiny_loaders.swap_loaders: same output slots, no model files), steps are
lowered in the API prompt (the shipped workflow keeps real defaults), an RGBA input image with a
transparent hole is put in the server's input folder under the workflow's file name, and the prompt
must run to a saved image that equals the input outside the mask (LanPaint Mask Blend) and differs
inside it (a video workflow gets a video file, and keyframes written into its Video Mask node as the
mask editor writes them); two SaveLatent nodes added to the prompt give the masked latent going into the sampler and
the sampled one coming out: in the kept region (the mask as the host resizes it to the latent, < 0.5)
the sampled latent is bit-exactly the host's own latent round trip of the input (computed here with
the same tiny model), and it changed in the masked region. The demos run as shipped on the pack's own
demo models (their thumbnails are their own output; the video demo's mask travels with its clip). Validation must also catch broken
workflows, and agree with the server's own checks.
"""
import copy
import importlib
import json
import re

import numpy as np
import pytest
import torch
from PIL import Image

from devtools import make_workflows as mw
from devtools import workflow_api as wa
from devtools.workflows import thumbnails
from devtools.comfy_server import PACK_NAME, REPO_ROOT
from devtools.lanpaint_pack import load_pack
from devtools.host import compat
from devtools.host import model_calls as mc
from devtools.host import tiny_families as fam
from devtools.host.comfy_env import load_comfy
from devtools.tiny_loaders import infer_family, swap_loaders
from tests.node_runner import latent_mask
from tests.workflow_runs import (HOLE, OUTPAINT_RIGHT, SIZE, check_inpainted, input_image, saved_image,
                                 tiny_prompt)
from tests.video_files import read_video, tones, write_video

WORKFLOW_DIR = REPO_ROOT / "workflows"
NAMES = sorted(mw.WORKFLOWS)
HOST = compat.host_version()
AVAILABLE = sorted(mw.available(HOST))


def needs_host(name):
    """pytest mark: skip on a host older than the workflow's declared minimum."""
    host = mw.WORKFLOWS[name].host
    return compat.requires_host(compat.host_at_least(host), "the nodes of workflow %s (ComfyUI >= %s)"
                                % (name, host))


def per_workflow(names=NAMES):
    return [pytest.param(name, marks=needs_host(name), id=name) for name in names]


RUN_TIMEOUT_S = 90
LATENT_IN, LATENT_OUT = "lanpaint_test_latent_in", "lanpaint_test_latent_out"   # SaveLatent node ids


@pytest.fixture(scope="module")
def server(comfy_server):
    return comfy_server


@pytest.fixture(scope="module")
def object_info(server):
    status, info = server.request("/object_info")
    assert status == 200, status
    return info


def _load(name):
    return json.loads((WORKFLOW_DIR / (name + ".json")).read_text())


FRAMES = 5                 # video workflows: 4k + 1 frames (Wan's VAE: latent frames k + 1), 17k + 5 (MiniMax H3's)
VIDEO_KINDS = ("video", "audio_video")
SOUND_RATE = 32000         # the soundtrack of an audio+video workflow's video (MiniMax H3's audio VAE's rate)


def _video_inputs():
    """(frames [F,S,S,3], the Video Mask node's keyframes JSON, per-frame boolean holes [F,S,S]): the
    pattern drifts; the hole is painted on the first and last frames, 32 px apart, and the node moves
    it 8 px right per frame in between (nodes/mask_keyframes.py computes the expected holes)."""
    mk = importlib.import_module(load_pack().__name__ + ".nodes.mask_keyframes")
    rgb = input_image()[..., :3]
    frames = np.stack([np.roll(rgb, 4 * i, axis=1) for i in range(FRAMES)])
    painted = {}
    for i in (0, FRAMES - 1):
        painted[i] = torch.zeros(SIZE, SIZE, dtype=torch.bool)
        painted[i][HOLE[0]:HOLE[1], HOLE[0] - 16 + 8 * i:HOLE[1] - 16 + 8 * i] = True
    keyframes = json.dumps({"version": 1, "width": SIZE, "height": SIZE,
                            "keyframes": [{"frame": f, "mask": mk.rle_encode(m)} for f, m in painted.items()]})
    return frames, keyframes, mk.interpolate(painted, FRAMES).numpy()


AV_PARTS = ("video", "audio")     # the parts of an audio+video latent, in its order


def _latent_savers(node_id, samples, kind):
    """SaveLatent nodes for a latent; an audio+video latent is split first (SaveLatent takes one tensor)."""
    if kind != "audio_video":
        return {node_id: {"class_type": "SaveLatent", "inputs": {"samples": samples,
                                                                 "filename_prefix": "latents/" + node_id}}}
    split = node_id + "_parts"
    nodes = {split: {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": samples}}}
    for slot, part in enumerate(AV_PARTS):
        nodes.update(_latent_savers("%s_%s" % (node_id, part), [split, slot], "video"))
    return nodes


def _test_prompt(name, object_info):
    """The shipped workflow as the browser would queue it, on tiny models with few steps, saving the
    latent that goes into the sampler and the one that comes out (SaveLatent nodes)."""
    kind = mw.WORKFLOWS[name].kind
    api = tiny_prompt(wa.ui_to_api(_load(name), object_info), mw.WORKFLOWS[name].family.tiny)
    (decode,) = [n for n in api.values() if n["class_type"] == "VAEDecode"]
    sampled = decode["inputs"]["samples"]
    into_sampler = api[sampled[0]]["inputs"]["latent_image"]
    for node_id, samples in ((LATENT_IN, into_sampler), (LATENT_OUT, sampled)):
        api.update(_latent_savers(node_id, samples, kind))
    return api, kind


def _saved_latents(server, entry, node_id, kind):
    """The latent a SaveLatent node wrote, as a list of its parts (video and audio of an audio+video one)."""
    from safetensors.torch import load_file
    ids = [node_id] if kind != "audio_video" else ["%s_%s" % (node_id, part) for part in AV_PARTS]
    files = [entry["outputs"][i]["latents"] for i in ids]
    return [load_file(str(server.base / "output" / f["subfolder"] / f["filename"]))["latent_tensor"]
            for (f,) in files]


def _check_kept_latent(server, name, entry, masks):
    """The sampled latent equals the host's round trip of the input latent where the masks (one per part
    of the latent) keep it, and it changed where they do not."""
    kind = mw.WORKFLOWS[name].kind
    lats, outs = _saved_latents(server, entry, LATENT_IN, kind), _saved_latents(server, entry, LATENT_OUT, kind)
    model = fam.builder_for(mw.WORKFLOWS[name].family.tiny)(seed=0)
    if kind == "audio_video":      # the model scales the audio part: its round trip is of both parts together
        expected = mc.host_roundtrip(model, load_comfy().comfy.nested_tensor.NestedTensor(lats)).unbind()
    else:  # Qwen-Image's 3-D latent format: the host samples a 4-D latent as [B,C,1,H,W] and hands that back
        expected = [mc.host_roundtrip(model, lats[0].reshape(outs[0].shape))]
    regenerated = False
    for lat, out, exp, mask in zip(lats, outs, expected, masks, strict=True):
        assert out.numel() == lat.numel(), (out.shape, lat.shape)
        out, exp = out.reshape(lat.shape), exp.reshape(lat.shape)
        keep = ~latent_mask(mask, lat.shape).expand(lat.shape)
        assert keep.any(), "the test mask keeps nothing of the latent"
        assert torch.equal(out[keep], exp[keep]), "kept latent changed by up to %g" % (
            (out[keep] - exp[keep]).abs().max())
        if not keep.all():
            assert (out[~keep] - lat[~keep]).abs().max() > 1e-3, "the masked latent was not regenerated"
            regenerated = True
    assert regenerated, "the test mask keeps all of the latent"


def _host_masks(api, kind, rgba, holes):
    """The masks SetLatentNoiseMask receives, one per part of the latent: LoadImage's (1 - alpha), Pad for
    Outpainting's, or the Video Mask node's frames (and the Solid Mask on an audio+video latent's sound)."""
    if kind == "video":
        return [torch.from_numpy(holes).float()[:, None]]
    if kind == "audio_video":
        (solid,) = [n["inputs"] for n in api.values() if n["class_type"] == "SolidMask"]
        sound = torch.full((1, solid["height"], solid["width"]), float(solid["value"]))
        return [torch.from_numpy(holes).float()[:, None], sound]
    mask = torch.from_numpy(1.0 - rgba[..., 3] / 255.0).float()[None]
    if kind == "outpaint":
        (pad,) = [n["inputs"] for n in api.values() if n["class_type"] == "ImagePadForOutpaint"]
        image = torch.from_numpy(rgba[..., :3] / 255.0).float()[None]
        _, mask = load_comfy().nodes.ImagePadForOutpaint().expand_image(
            image, pad["left"], pad["top"], pad["right"], pad["bottom"], pad["feathering"])
    return [mask[:, None]]


# ----------------------------------------------------------------------------- static checks
def test_every_workflow_has_json_and_thumbnail():
    shipped = sorted(p.stem for p in WORKFLOW_DIR.glob("*.json"))
    assert shipped == NAMES, "workflows/ holds %s, the generator makes %s" % (shipped, NAMES)
    for name in NAMES:
        with Image.open(WORKFLOW_DIR / (name + ".jpg")) as im:
            assert im.format == "JPEG" and im.size == (512, 384), (name, im.format, im.size)
        wf = _load(name)
        assert wf["version"] == 0.4 and wf["nodes"] and wf["links"], name
        assert any(n["type"] in ("MarkdownNote", "Note") for n in wf["nodes"]), "%s has no note" % name


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _node_names(object_info) -> dict:
    """{normalised name: node type} for every node type's id and display name (also without a
    trailing parenthesis: "LanPaint FLD Video Mask (keyframe editor)" -> "LanPaint FLD Video Mask")."""
    names = {}
    for kind, spec in object_info.items():
        for name in (kind, spec.get("display_name") or kind):
            names[_norm(name)] = kind
            names[_norm(re.sub(r"\s*\(.*\)$", "", name))] = kind
    return names


def note_problems(workflow: dict, object_info: dict) -> list[str]:
    """What a workflow's note says about nodes it does not hold: a node named in bold, or as "the X
    node", that the graph lacks (by type, display name or title), and a bold "LanPaint ..." name that
    is no node at all."""
    known = _node_names(object_info)
    nodes = [n for n in workflow["nodes"] if n["type"] not in ("MarkdownNote", "Note")]
    here = {_norm(n["type"]) for n in nodes} | {_norm(n.get("title", "")) for n in nodes}
    here |= {_norm(object_info[n["type"]].get("display_name") or "") for n in nodes}
    here |= {_norm(name) for name, kind in known.items() if kind in {n["type"] for n in nodes}}
    widgets = {name for n in nodes for _, name, _ in wa.ordered_inputs(object_info[n["type"]])}
    problems = []
    (text,) = [n["widgets_values"][0] for n in workflow["nodes"] if n["type"] in ("MarkdownNote", "Note")]
    bold = [b.split(" · ")[0] for b in re.findall(r"\*\*([^*]+)\*\*", text)]
    spoken = re.findall(r"\bthe \**([A-Z][\w .()-]*?)\** node\b", text)
    for name in dict.fromkeys(bold + spoken):
        if _norm(name) in here or name in widgets:
            continue
        if _norm(name) in known or name in spoken:
            problems.append("names the node %r, which the workflow does not have" % name)
        elif name.startswith("LanPaint"):
            problems.append("names %r, which is no node of the pack" % name)
    return problems


@pytest.mark.parametrize("name", per_workflow())
def test_notes_name_only_nodes_their_workflow_has(object_info, name):
    problems = note_problems(_load(name), object_info)
    assert not problems, "%s's note: %s" % (name, "; ".join(problems))


def test_note_check_catches_a_node_the_workflow_lacks(object_info):
    """The check above can fail: a note that sends the reader to a Load Image node the demo lacks,
    or names a LanPaint node that does not exist."""
    demo = copy.deepcopy(_load("lanpaint_demo_model"))
    note = [n for n in demo["nodes"] if n["type"] == "MarkdownNote"][0]
    note["widgets_values"][0] += "\nDraw the mask on the **Load Image** node. Then **LanPaint Sampler**."
    problems = note_problems(demo, object_info)
    assert len(problems) == 2 and "'Load Image'" in problems[0] and "'LanPaint Sampler'" in problems[1], problems
    note["widgets_values"][0] += " And **LanPaint FLD Blender**."
    assert "'LanPaint FLD Blender', which is no node of the pack" in note_problems(demo, object_info)[-1]


def test_thumbnail_titles_and_subtitles_fit():
    """Each title and subtitle fits the thumbnail's width at a readable size (thumbnails.fitting_font
    raises where none fits)."""
    for name, wf in mw.WORKFLOWS.items():
        assert thumbnails.title_font(wf.title).size >= min(thumbnails.TITLE_SIZES), name
        assert thumbnails.subtitle_font(wf.subtitle).size >= min(thumbnails.SUBTITLE_SIZES), name
    with pytest.raises(ValueError, match="does not fit"):
        thumbnails.title_font("SD XL inpainting with a title far too long for any thumbnail")


def test_bundled_workflows_validate_against_the_server(object_info):
    assert AVAILABLE, "no bundled workflow declares a host as old as %s" % HOST
    problems = []
    for name in AVAILABLE:
        wf = _load(name)
        problems += ["%s: %s" % (name, p) for p in wa.validate_workflow(wf, object_info)]
        problems += ["%s: %s" % (name, p) for p in wa.layout_problems(wf)]
    assert not problems, "\n".join(problems)


def test_bundled_workflows_are_generator_output(object_info):
    """workflows/*.json is exactly what `python -m devtools.make_workflows` writes on the host each
    workflow declares as its minimum (this one: the workflows of mw.generated_on(HOST))."""
    built = mw.build_all(object_info, HOST)
    mine = mw.generated_on(HOST)
    stale = [name for name in mine if (WORKFLOW_DIR / (name + ".json")).read_text() != mw.dumps(built[name])]
    assert not stale, "out of date, rerun python -m devtools.make_workflows on ComfyUI %s: %s" % (HOST, stale)
    assert set(built) == set(AVAILABLE)


def test_tiny_family_rule_reads_each_workflows_family(object_info):
    """tiny_loaders.infer_family finds, from the loaders' file names alone, the tiny family each
    workflow declares (so swap_loaders without a family runs any bundled workflow right)."""
    swapped = [name for name in AVAILABLE if mw.WORKFLOWS[name].family.tiny]   # not the demo: nothing to swap
    found = {name: infer_family(wa.ui_to_api(_load(name), object_info)) for name in swapped}
    assert found == {name: mw.WORKFLOWS[name].family.tiny for name in swapped}


def test_workflow_templates_lists_and_serves_the_bundled_workflows(server):
    with server.explain():
        status, listing = server.request("/workflow_templates")
        assert status == 200, (status, listing)
        assert sorted(listing.get(PACK_NAME, [])) == NAMES, listing
        for name in NAMES:
            status, body = server.request("/api/workflow_templates/%s/%s.json" % (PACK_NAME, name))
            assert status == 200 and body == _load(name), (name, status)
            status, jpg = server.request("/api/workflow_templates/%s/%s.jpg" % (PACK_NAME, name))
            assert status == 200 and isinstance(jpg, bytes) and jpg[:3] == b"\xff\xd8\xff", (name, status)


# ----------------------------------------------------------------------------- real runs
DEMOS = [n for n in NAMES if mw.WORKFLOWS[n].kind in ("demo", "demo_video")]


@pytest.mark.parametrize("name", per_workflow(DEMOS))
def test_demo_thumbnail_is_the_demos_own_output(server, object_info, tmp_path, name):
    """A demo's thumbnail shows what the shipped demo workflow makes (run here as shipped, on the
    demo model; the video demo's middle frame): drawn again from this run's side-by-side picture it
    comes out the same, and drawn from the same picture with the stock and LanPaint FLD panels swapped
    it does not (so the check can tell the results apart)."""
    from devtools.demo import middle_frame, run_prompt
    wf = mw.WORKFLOWS[name]
    with server.explain():
        saved = run_prompt(server, wa.ui_to_api(_load(name), object_info), server.base)
    sheet = middle_frame(saved["side_by_side"])
    assert sheet.width >= 3 * 256, sheet.size
    third = sheet.width // 3
    swapped = sheet.copy()
    swapped.paste(sheet.crop((third, 0, 2 * third, sheet.height)), (2 * third, 0))
    swapped.paste(sheet.crop((2 * third, 0, 3 * third, sheet.height)), (third, 0))
    box = thumbnails.picture_box(*sheet.size)
    with Image.open(WORKFLOW_DIR / (name + ".jpg")) as im:
        shipped = np.asarray(im.convert("RGB").crop(box), dtype=float)

    def off(picture):
        """The share of the picture's pixels that differ by more than 24 levels from the shipped one."""
        thumbnails.draw_thumbnail(tmp_path / "again.jpg", wf.title, wf.subtitle, _load(name), object_info, picture)
        with Image.open(tmp_path / "again.jpg") as im:
            return (np.abs(shipped - np.asarray(im.convert("RGB").crop(box), dtype=float)).max(-1) > 24).mean()
    same, other = off(sheet), off(swapped)
    print("%s thumbnail: %.4f of its picture's pixels off drawn again, %.4f with the panels swapped"
          % (name, same, other))
    assert same < 0.005 < 0.02 < other, (same, other)


DEMO_VIDEO = "lanpaint_demo_video"


def _saved_files(server, entry, node_id, key="images"):
    """The paths of the files a node's output lists under ``key``."""
    return [server.base / f["type"] / f["subfolder"] / f["filename"] for f in entry["outputs"][node_id][key]]


@pytest.mark.parametrize("name", per_workflow([DEMO_VIDEO]))
def test_demo_video_workflow_samples_stock_and_lanpaint_on_the_server(server, object_info, name):
    """The video demo as shipped (its own model, 20 steps), with SaveLatent nodes added on the masked
    latent and on each sampler's result: the Video Mask's pre-painted keyframes give the clip's moving
    box (clip_masks) on every frame, up to one column where the morph rounds the other way, so the hole
    travels; each sampler keeps the latent outside the mask (LanPaint FLD bit-exactly the host's round
    trip where the host's resized mask is below 0.5; the stock sampler where it is 0, up to float
    rounding: it blends in the model's latent space) and regenerates it inside, where the two differ;
    the saved animation has one side-by-side picture per frame."""
    from lanpaint_demo import clips, video_model
    from PIL import ImageSequence
    from devtools.workflows import builder
    api = wa.ui_to_api(_load(name), object_info)
    ids = {n["class_type"]: i for i, n in api.items()}
    api.update(_latent_savers(LATENT_IN, api[ids["KSampler"]]["inputs"]["latent_image"], "video"))
    for sampler in ("KSampler", "LanPaintKSampler"):
        api.update(_latent_savers(sampler, [ids[sampler], 0], "video"))
    with server.explain():
        status, body = server.request("/prompt", {"prompt": api, "client_id": "lanpaint-workflow-test"})
        assert status == 200 and not body.get("node_errors"), body
        entry = server.wait_history(body["prompt_id"], timeout=RUN_TIMEOUT_S)
        assert entry["status"].get("status_str") == "success", entry["status"]
    masks = torch.stack([torch.from_numpy(np.asarray(Image.open(p).convert("L")) > 127)
                         for p in _saved_files(server, entry, ids["LanPaintVideoMask"], "lanpaint_masks")])
    clip = api[ids["LanPaintDemoClip"]]["inputs"]
    boxes = clips.clip_masks(builder.DEMO_CLIP_HOLE, clip["seed"], clip["frames"], clip["size"]) > 0.5
    assert masks.shape == boxes.shape == (video_model.FRAMES, video_model.SIZE, video_model.SIZE), masks.shape
    assert torch.equal(masks[0], boxes[0]) and torch.equal(masks[-1], boxes[-1])
    assert not torch.equal(masks[0], masks[-1])
    for f in range(len(masks)):
        assert (masks[f] ^ boxes[f]).sum() <= video_model.SIZE // 2, "frame %d: the mask is not the moving box" % f
    (lat,) = _saved_latents(server, entry, LATENT_IN, "video")
    (stock,) = _saved_latents(server, entry, "KSampler", "video")
    (lanpaint,) = _saved_latents(server, entry, "LanPaintKSampler", "video")
    kept = mc.host_roundtrip(video_model.load_model(), lat)
    soft = load_comfy().utils.reshape_mask(masks.float()[:, None], lat.shape).expand(lat.shape)
    hole = latent_mask(masks.float()[:, None], lat.shape).expand(lat.shape)
    for sampler, out, keep, tolerance in (("stock", stock, soft == 0, 1e-5), ("LanPaint FLD", lanpaint, ~hole, 0)):
        assert out.shape == lat.shape and keep.any() and (~keep).any()
        off = (out[keep] - kept[keep]).abs().max()
        assert off <= tolerance, "%s changed the kept latent by up to %g" % (sampler, off)
        assert (out[hole] - lat[hole]).abs().mean() > 0.1, "the hole was not regenerated"
    assert (stock[hole] - lanpaint[hole]).abs().mean() > 0.1, "stock and LanPaint FLD filled the hole alike"
    (animation,) = _saved_files(server, entry, ids["SaveAnimatedWEBP"])
    with Image.open(animation) as im:
        sheets = [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(im)]
    assert len(sheets) == video_model.FRAMES and sheets[0].shape[1] >= 3 * 256, (len(sheets), sheets[0].shape)


@pytest.mark.parametrize("name", per_workflow([n for n in NAMES if mw.WORKFLOWS[n].family.tiny]))
def test_workflow_runs_on_tiny_models(server, object_info, name):
    """(The demo workflows run the pack's own demo models: tests/test_demo_model.py and
    test_demo_video_workflow_samples_stock_and_lanpaint_on_the_server.)"""
    with server.explain():
        api, kind = _test_prompt(name, object_info)
        (server.base / "input").mkdir(exist_ok=True)
        loads = [n["inputs"]["image"] for n in api.values() if n["class_type"] == "LoadImage"]
        videos = [n["inputs"]["file"] for n in api.values() if n["class_type"] == "LoadVideo"]
        assert loads or videos, "%s loads no image or video" % name
        rgba = input_image()
        holes = None
        for file_name in loads:
            Image.fromarray(rgba, "RGBA").save(server.base / "input" / file_name)
        if kind in VIDEO_KINDS:
            assert videos == [mw.EXAMPLE_VIDEO], videos
            frames, keyframes, holes = _video_inputs()
            (editor,) = [n for n in api.values() if n["class_type"] == "LanPaintVideoMask"]
            editor["inputs"]["keyframes"] = keyframes       # what the mask editor writes
            fps = mw.WORKFLOWS[name].family.fps
            sound = tones(FRAMES / fps, SOUND_RATE) if kind == "audio_video" else None
            write_video(server.base / "input" / mw.EXAMPLE_VIDEO, frames, fps, sound)
            source = read_video(server.base / "input" / mw.EXAMPLE_VIDEO)   # what LoadVideo gives
        status, body = server.request("/prompt", {"prompt": api, "client_id": "lanpaint-workflow-test"})
        assert status == 200 and not body.get("node_errors"), body
        entry = server.wait_history(body["prompt_id"], timeout=RUN_TIMEOUT_S)
        st = entry["status"]
        assert st.get("status_str") == "success" and st.get("completed") is True, st
        if kind != "detail":     # the detail workflow samples crops: its latent is the crop's
            _check_kept_latent(server, name, entry, _host_masks(api, kind, rgba, holes))
        if kind in VIDEO_KINDS:
            _check_video_output(server, api, entry, source, holes)
            if kind == "audio_video":
                _check_soundtrack(server, name, api, entry)
            return
        saves = [i for i, n in api.items() if n["class_type"] == "SaveImage"]
        assert saves
        for node_id in saves:
            out = saved_image(server, entry, node_id)
            if kind != "outpaint":
                check_inpainted(out, rgba)
                continue
            rgb = rgba[..., :3].astype(int)
            assert out.shape == (SIZE, SIZE + OUTPAINT_RIGHT, 3), out.shape
            keep = np.abs(out[:, :SIZE - 16] - rgb[:, :SIZE - 16])
            new = out[:, SIZE:]
            # the padded area came from the model, not ImagePadForOutpaint's flat 0.5 gray
            assert np.abs(new - 127.5).mean() > 1.0, "outpainted area is still the gray padding"
            # Mask Blend pastes the original back outside the mask (8-bit PNG round trip: +-1)
            assert keep.max() <= 1, "pixels outside the mask changed by up to %d" % keep.max()


DETAIL_WORKFLOW = "lanpaint_sdxl_detail_inpaint"
TWO_HOLES = ((16, 40, 16, 40), (80, 104, 60, 120))   # crops of two sizes: two runs of the sampler


@pytest.mark.parametrize("name", per_workflow([DETAIL_WORKFLOW]))
def test_detail_workflow_repaints_two_regions_of_different_sizes(server, object_info, name):
    """LanPaint FLD Crop gives a list of two crop batches: the host runs VAE Encode, the sampler and
    VAE Decode once per crop size and LanPaint FLD Stitch gets both."""
    with server.explain():
        api, _ = _test_prompt(name, object_info)
        rgba = input_image(TWO_HOLES)
        (load,) = [n for n in api.values() if n["class_type"] == "LoadImage"]
        load["inputs"]["image"] = "two_holes.png"
        (server.base / "input").mkdir(exist_ok=True)
        Image.fromarray(rgba, "RGBA").save(server.base / "input" / "two_holes.png")
        status, body = server.request("/prompt", {"prompt": api, "client_id": "lanpaint-workflow-test"})
        assert status == 200 and not body.get("node_errors"), body
        entry = server.wait_history(body["prompt_id"], timeout=RUN_TIMEOUT_S)
        assert entry["status"].get("status_str") == "success", entry["status"]
        (save_id,) = [i for i, n in api.items() if n["class_type"] == "SaveImage"]
        check_inpainted(saved_image(server, entry, save_id), rgba, TWO_HOLES)  # both crops came back


def _check_video_output(server, api, entry, source, holes):
    """Every frame equals the source outside its own (moving) hole, and differs inside it."""
    from PIL import ImageSequence
    (node_id,) = [i for i, n in api.items() if n["class_type"] == "SaveAnimatedWEBP"]
    (f,) = entry["outputs"][node_id]["images"]
    with Image.open(server.base / "output" / f["subfolder"] / f["filename"]) as im:
        out = np.stack([np.asarray(fr.convert("RGB")).astype(int) for fr in ImageSequence.Iterator(im)])
    assert out.shape == source.shape == (FRAMES, SIZE, SIZE, 3), (out.shape, source.shape)
    for i in range(FRAMES):
        ys, xs = np.nonzero(holes[i])
        far = np.ones((SIZE, SIZE), bool)        # farther than the feather (9 px) from this frame's hole
        far[max(ys.min() - 12, 0):ys.max() + 13, max(xs.min() - 12, 0):xs.max() + 13] = False
        keep = np.abs(out[i][far] - source[i][far].astype(int))
        # +-2: ComfyUI decodes video to float planes and SaveAnimatedWEBP truncates x*255 (two 8-bit
        # roundings); a region that was not kept differs by far more
        assert keep.max() <= 2, "frame %d: pixels outside its mask changed by up to %d" % (i, keep.max())
        inside = np.abs(out[i][holes[i]] - source[i][holes[i]].astype(int))
        assert inside.mean() > 2.0, "frame %d: the masked area was not repainted (%.2f)" % (i, inside.mean())


def _check_soundtrack(server, name, api, entry):
    """The soundtrack in the player is the sampled latent's: stereo, the audio VAE's hop (samples per
    latent frame) for each of the sampled latent's audio frames."""
    import av
    from devtools.host import stand_ins
    (node_id,) = [i for i, n in api.items() if n["class_type"] == "PreviewAudio"]
    (f,) = entry["outputs"][node_id]["audio"]
    with av.open(str(server.base / f["type"] / f["subfolder"] / f["filename"])) as container:
        channels = container.streams.audio[0].channels
        samples = sum(frame.samples for frame in container.decode(audio=0))
    sound = _saved_latents(server, entry, LATENT_OUT, "audio_video")[1]
    hop = stand_ins.tiny_audio_vae(mw.WORKFLOWS[name].family.tiny).first_stage_model.hop_length
    assert (channels, samples) == (2, hop * sound.shape[-1]), (channels, samples, hop, sound.shape)


# ----------------------------------------------------------------------------- validation catches breakage
def _node(wf, kind):
    (node,) = [n for n in wf["nodes"] if n["type"] == kind]
    return node


def test_validation_catches_broken_workflows(object_info):
    base = _load("lanpaint_sdxl_inpaint")
    assert wa.validate_workflow(base, object_info) == []

    def problems(mutate):
        wf = copy.deepcopy(base)
        mutate(wf)
        return wa.validate_workflow(wf, object_info)

    def widget(kind, name, value):
        def mutate(wf):
            node = _node(wf, kind)
            names = [w.name for w in wa.widget_layout(object_info[kind])]
            node["widgets_values"][names.index(name)] = value
        return mutate

    found = problems(widget("LanPaintKSampler", "thinking_steps", 1000))
    assert any("thinking_steps" in p and "above max" in p for p in found), found
    found = problems(widget("LanPaintKSampler", "sampler_name", "not_a_sampler"))
    assert any("sampler_name" in p and "choices" in p for p in found), found
    found = problems(widget("LanPaintKSampler", "steps", 2.5))
    assert any("'steps'" in p and "integer" in p for p in found), found
    found = problems(widget("LanPaintKSampler", "control_after_generate", "sometimes"))
    assert any("control_after_generate" in p for p in found), found
    found = problems(widget("LanPaintMaskBlend", "feather", -1))
    assert any("feather" in p and "below min" in p for p in found), found
    # loader file names: any plain model file name passes, anything else does not
    assert problems(widget("CheckpointLoaderSimple", "ckpt_name", "my_model.ckpt")) == []
    found = problems(widget("CheckpointLoaderSimple", "ckpt_name", "notes.txt"))
    assert any("ckpt_name" in p for p in found), found
    found = problems(widget("LoadImage", "image", "../../secret.png"))
    assert any("'image'" in p for p in found), found

    def drop_control(wf):  # widgets saved without the seed's control_after_generate value
        _node(wf, "LanPaintKSampler")["widgets_values"].pop(1)
    found = problems(drop_control)
    assert any("widget values" in p for p in found), found

    def unknown(wf):
        _node(wf, "LanPaintMaskBlend")["type"] = "LanPaintNoSuchNode"
    found = problems(unknown)
    assert any("unknown node type 'LanPaintNoSuchNode'" in p for p in found), found

    def mismatched(wf):  # VAE Decode's vae input fed by Load Image's IMAGE output
        dec, load = _node(wf, "VAEDecode"), _node(wf, "LoadImage")
        (vae_in,) = [i for i in dec["inputs"] if i["name"] == "vae"]
        link = next(lk for lk in wf["links"] if lk[0] == vae_in["link"])
        for out in wf["nodes"]:
            for o in out.get("outputs") or []:
                if link[0] in (o.get("links") or []):
                    o["links"].remove(link[0])
        link[1], link[2], link[5] = load["id"], 0, "IMAGE"
        load["outputs"][0]["links"].append(link[0])
    found = problems(mismatched)
    assert any("cannot connect" in p and "IMAGE" in p and "VAE" in p for p in found), found

    def dangling(wf):
        wf["links"] = [lk for lk in wf["links"] if lk[3] != _node(wf, "SaveImage")["id"]]
    found = problems(dangling)
    assert any("missing link" in p for p in found), found
    assert any("required input 'images'" in p for p in found), found

    def no_output(wf):
        _node(wf, "SaveImage")["mode"] = wa.MODE_NEVER
    assert any("no active output node" in p for p in problems(no_output))


def test_validation_agrees_with_the_server(server, object_info):
    """What validate_workflow flags, the server's own /prompt validation rejects too."""
    with server.explain():
        wf = _load("lanpaint_sdxl_inpaint")
        ks = _node(wf, "LanPaintKSampler")
        names = [w.name for w in wa.widget_layout(object_info["LanPaintKSampler"])]
        ks["widgets_values"][names.index("thinking_steps")] = 1000
        assert any("thinking_steps" in p for p in wa.validate_workflow(wf, object_info))
        api = swap_loaders(wa.ui_to_api(wf, object_info), "sdxl")
        status, body = server.request("/prompt", {"prompt": api})
        assert status == 400, (status, body)
        errs = body["node_errors"][str(ks["id"])]["errors"]
        assert any(e.get("extra_info", {}).get("input_name") == "thinking_steps" for e in errs), errs


# ----------------------------------------------------------------------------- ui_to_api details
def test_ui_to_api_follows_the_frontend_rules(object_info):
    wf = _load("lanpaint_sdxl_inpaint")
    api = wa.ui_to_api(wf, object_info)
    ks_node = _node(wf, "LanPaintKSampler")
    ks = api[str(ks_node["id"])]
    # the seed's control_after_generate value is skipped: every other widget keeps its place
    assert ks["inputs"]["seed"] == ks_node["widgets_values"][0]
    assert ks["inputs"]["steps"] == ks_node["widgets_values"][2]
    assert ks["inputs"]["prompt_mode"] == ks_node["widgets_values"][-3]
    assert ks["inputs"]["crop_padding"] == ks_node["widgets_values"][-2]  # appended
    assert ks["inputs"]["think_every"] == ks_node["widgets_values"][-1]   # appended last
    assert "control_after_generate" not in ks["inputs"]
    assert api[str(_node(wf, "LoadImage")["id"])]["inputs"] == {"image": "example.png"}  # no "upload"
    assert not any(n["class_type"] in ("MarkdownNote", "Note") for n in api.values())
    assert ks["inputs"]["latent_image"] == [str(_node(wf, "SetLatentNoiseMask")["id"]), 0]

    # a widget converted to an input and fed by a PrimitiveNode; a Reroute; a bypassed node
    wf = copy.deepcopy(wf)
    ks_node = _node(wf, "LanPaintKSampler")
    nid, lid = wf["last_node_id"], wf["last_link_id"]
    prim = {"id": nid + 1, "type": "PrimitiveNode", "mode": 0, "inputs": [],
            "outputs": [{"name": "INT", "type": "INT", "links": [lid + 1]}], "widgets_values": [77, "fixed"]}
    ks_node["inputs"].append({"name": "thinking_steps", "type": "INT", "link": lid + 1,
                              "widget": {"name": "thinking_steps"}})
    wf["nodes"].append(prim)
    wf["links"].append([lid + 1, nid + 1, 0, ks_node["id"], len(ks_node["inputs"]) - 1, "INT"])
    blend = _node(wf, "LanPaintMaskBlend")
    blend["mode"] = wa.MODE_BYPASS   # passes its first IMAGE input (the original) through
    (in_link,) = [i["link"] for i in blend["inputs"] if i["name"] == "original"]
    src = next(lk for lk in wf["links"] if lk[0] == in_link)
    wf["last_node_id"], wf["last_link_id"] = nid + 1, lid + 1
    api = wa.ui_to_api(wf, object_info)
    assert api[str(ks_node["id"])]["inputs"]["thinking_steps"] == 77
    assert str(blend["id"]) not in api
    save = api[str(_node(wf, "SaveImage")["id"])]
    assert save["inputs"]["images"] == [str(src[1]), src[2]]
