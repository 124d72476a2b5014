"""The pack's demo model (lanpaint_demo/) on the real host: its scenes, its shipped weights, its VAE's
round trip, seeded LanPaint inpainting on it, and the nodes that serve it and the demo video model
(tests/test_demo_video_model.py: that model itself)."""
import json

import pytest
import torch

from devtools import demo_model
from lanpaint_demo import model as shipped
from lanpaint_demo import video_model as shipped_video
from lanpaint_demo import scenes

HELD_OUT = scenes.HELD_OUT_SEED
ROUND_TRIP_TARGET = 0.03      # whole-picture MAE in [0, 1] pixels the VAE was built to stay under


@pytest.fixture(scope="module")
def demo(comfy):
    return demo_model.load()


def test_scene_is_a_deterministic_comfy_image_with_one_sun():
    a, b = demo_model.scene(HELD_OUT + 3), demo_model.scene(HELD_OUT + 3)
    assert a.shape == (1, demo_model.SIZE, demo_model.SIZE, 3) and a.dtype == torch.float32
    assert torch.equal(a, b)
    assert 0.0 <= a.min().item() and a.max().item() <= 1.0
    assert not torch.equal(a, demo_model.scene(HELD_OUT + 4))
    assert demo_model.scene(HELD_OUT, size=32).shape == (1, 32, 32, 3)
    assert demo_model.PROMPT == ""
    for seed in range(HELD_OUT, HELD_OUT + 24):
        assert demo_model.count_suns(demo_model.scene(seed)[0], scenes.layout(seed)) == 1, seed


def test_ghost_suns_are_counted():
    """A second sun painted into the sky is counted; the structure's yellow is not a sun."""
    lay = scenes.layout(HELD_OUT)
    image = demo_model.scene(HELD_OUT)[0].clone()
    cx = lay.sun[0]
    x = 8 if cx > 0.5 else demo_model.SIZE - 12
    image[4:8, x:x + 4] = torch.tensor([1.0, 0.85, 0.3])
    assert demo_model.count_suns(image, lay) == 2
    image[-6:, :] = torch.tensor([1.0, 0.85, 0.3])      # below the hill line: not sky
    assert demo_model.count_suns(image, lay) == 2


def test_mask_kinds_are_holes_of_the_picture():
    for kind in scenes.MASK_KINDS:
        m = scenes.masks(kind, HELD_OUT, demo_model.SIZE)
        assert m.shape == (1, demo_model.SIZE, demo_model.SIZE)
        assert 0.05 < m.mean().item() < 0.6, kind
    with pytest.raises(ValueError, match="mask kind must be one of"):
        scenes.masks("triangle", HELD_OUT, demo_model.SIZE)


def test_load_gives_the_shipped_weights_as_host_objects(comfy, demo):
    import comfy.sd
    model, clip, vae = demo
    assert isinstance(model, comfy.model_patcher.ModelPatcher)
    assert isinstance(model.model, comfy.model_base.SD3)
    assert isinstance(model.model.model_sampling, comfy.model_sampling.CONST)
    assert isinstance(clip, comfy.sd.CLIP) and isinstance(vae, comfy.sd.VAE)
    on_disk = shipped.read_weights(shipped.DIFFUSION_FILE)
    loaded = model.model.diffusion_model.state_dict()
    assert on_disk.keys() == loaded.keys()
    assert all(torch.equal(on_disk[k], loaded[k]) for k in on_disk)
    vae_disk = shipped.read_weights(shipped.VAE_FILE)
    vae_loaded = vae.first_stage_model.state_dict()
    assert all(torch.equal(vae_disk[k], vae_loaded[k]) for k in vae_disk)
    sizes = sum(p.stat().st_size for p in (shipped.DIFFUSION_FILE, shipped.VAE_FILE))
    assert sizes <= 25 * 2 ** 20
    record = json.loads((shipped.WEIGHTS_DIR / "training.json").read_text())
    assert record["version"] == shipped.VERSION and record["seed"] == 0
    curve = [loss for _, loss in record["mmdit"]["loss_per_100_steps"]]
    assert curve[-1] < curve[0]


def test_weights_of_another_version_are_refused(comfy, tmp_path):
    from safetensors.torch import save_file
    stale = tmp_path / "demo_vae.safetensors"
    save_file({"w": torch.zeros(1)}, str(stale), metadata={shipped.VERSION_KEY: "0"})
    with pytest.raises(ValueError, match="version '0'.*version %r" % shipped.VERSION):
        shipped.read_weights(stale)
    with pytest.raises(FileNotFoundError, match="weights missing"):
        shipped.read_weights(tmp_path / "nothing.safetensors")


def test_vae_round_trip_keeps_the_scenes(comfy, demo):
    """Held-out scenes survive the VAE round trip well under the target (a measured property of the
    shipped weights; a freshly initialised VAE gives about 0.23)."""
    _, _, vae = demo
    images = torch.cat([demo_model.scene(HELD_OUT + 40 + i) for i in range(8)])
    latents = vae.encode(images)
    side = demo_model.SIZE // shipped.DOWNSCALE
    assert latents.shape == (8, shipped.LATENT_CHANNELS, side, side)
    model_space = demo[0].model.latent_format.process_in(latents)
    assert 0.5 < model_space.std().item() < 2.0 and model_space.mean().abs().item() < 0.5
    assert (vae.decode(latents) - images).abs().mean().item() < 0.8 * ROUND_TRIP_TARGET


def test_prompt_has_no_effect(comfy, demo):
    """Unconditional by construction: any text conditioning gives the very same prediction."""
    from devtools.host.model_calls import predict_denoised
    model, clip, _ = demo
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, "a red bicycle")
    g = torch.Generator().manual_seed(0)
    other = [[torch.randn(cond[0][0].shape, generator=g),
              {"pooled_output": torch.randn(cond[0][1]["pooled_output"].shape, generator=g)}]]
    x = torch.randn(2, shipped.LATENT_CHANNELS, 8, 8, generator=g)
    sigma = torch.tensor([0.6, 0.6])
    assert torch.equal(predict_denoised(model, x, sigma, cond), predict_denoised(model, x, sigma, other))


def _lanpaint_inpaint(comfy, demo, seed, kind="box", steps=8, thinking=2):
    from devtools.lanpaint_pack import load_pack
    model, clip, vae = demo
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    images = torch.cat([demo_model.scene(HELD_OUT + i) for i in range(2)])
    mask = torch.cat([scenes.masks(kind, HELD_OUT + i, demo_model.SIZE) for i in range(2)])
    latents = vae.encode(images)
    latent = {"samples": latents, "noise_mask": mask[:, None]}
    node = load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    (out,) = node.sample(model, seed, steps, 1.0, "euler", "simple", cond, cond, latent, 1.0, thinking, "Image First")
    return latents, mask, out["samples"]


def test_seeded_lanpaint_inpaint_reproduces_bit_for_bit_and_keeps_the_rest(comfy, demo):
    from devtools.host.model_calls import host_roundtrip
    latents, mask, first = _lanpaint_inpaint(comfy, demo, seed=7)
    _, _, again = _lanpaint_inpaint(comfy, demo, seed=7)
    _, _, other = _lanpaint_inpaint(comfy, demo, seed=8)
    assert torch.equal(first, again)
    keep = (torch.nn.functional.interpolate(mask[:, None], size=latents.shape[-2:], mode="bilinear") == 0)
    keep = keep.expand_as(latents)
    assert keep.any() and (~keep).any()
    assert torch.equal(first[keep], host_roundtrip(demo[0], latents)[keep])
    assert not torch.equal(first[~keep], other[~keep])
    assert not torch.equal(first[~keep], latents[~keep])


def test_demo_nodes_serve_the_model_and_the_scenes(comfy):
    from devtools.lanpaint_pack import load_pack
    mappings = load_pack().NODE_CLASS_MAPPINGS
    model, clip, vae = mappings["LanPaintDemoModelLoader"]().load()
    assert isinstance(model.model, comfy.model_base.SD3)
    image, mask = mappings["LanPaintDemoScene"]().make(HELD_OUT + 5, "half", 48)
    assert torch.equal(image, scenes.render(scenes.layout(HELD_OUT + 5), 48))
    assert torch.equal(mask, scenes.masks("half", HELD_OUT + 5, 48))
    inputs = mappings["LanPaintDemoScene"].INPUT_TYPES()["required"]
    assert list(inputs["hole"][0]) == list(scenes.MASK_KINDS)
    assert all("tooltip" in spec[1] for spec in inputs.values())


def test_demo_video_nodes_serve_the_video_model_and_the_clips(comfy):
    from devtools.lanpaint_pack import load_pack
    from lanpaint_demo import clips
    mappings = load_pack().NODE_CLASS_MAPPINGS
    model, clip, vae = mappings["LanPaintDemoVideoModelLoader"]().load()
    assert isinstance(model.model, comfy.model_base.WAN21) and vae.latent_dim == 3
    images, mask = mappings["LanPaintDemoClip"]().make(HELD_OUT + 5, "stripe", 5, 48)
    assert torch.equal(images, clips.render_clip(HELD_OUT + 5, 5, 48))
    assert torch.equal(mask, clips.clip_masks("stripe", HELD_OUT + 5, 5, 48))
    inputs = mappings["LanPaintDemoClip"].INPUT_TYPES()["required"]
    assert list(inputs["hole"][0]) == list(clips.HOLE_KINDS)
    assert all("tooltip" in spec[1] for spec in inputs.values())
    frames = inputs["frames"][1]      # the widget's steps land on the lengths the VAE takes: 1 + 4k
    assert list(range(frames["min"], frames["max"] + 1, frames["step"])) == \
        shipped_video.valid_frame_counts(frames["max"])


@pytest.mark.parametrize("frames, valid", [(8, (5, 9)), (2, (1, 5)), (0, (1, 5))])
def test_demo_clip_refuses_a_length_the_video_vae_cannot_take(comfy, frames, valid):
    from devtools.lanpaint_pack import load_pack
    node = load_pack().NODE_CLASS_MAPPINGS["LanPaintDemoClip"]()
    with pytest.raises(ValueError, match=r"LanPaint FLD Demo Clip: 'frames'.*got %d: use %d or %d$" % (frames, *valid)):
        node.make(HELD_OUT, "moving_box", frames, 32)
    assert node.make(HELD_OUT, "moving_box", valid[1], 32)[0].shape[0] == valid[1]


def test_the_demo_model_samples_the_largest_scene_its_node_offers(comfy, demo):
    from devtools.host.model_calls import predict_denoised
    from devtools.lanpaint_pack import load_pack
    model, clip, vae = demo
    largest = load_pack().NODE_CLASS_MAPPINGS["LanPaintDemoScene"].INPUT_TYPES()["required"]["size"][1]["max"]
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    latent = vae.encode(demo_model.scene(HELD_OUT, size=largest))
    x0 = predict_denoised(model, latent, torch.tensor([0.5]), cond)
    assert x0.shape == latent.shape and torch.isfinite(x0).all()


def test_the_video_model_samples_the_longest_clip_and_every_side_the_clip_node_offers(comfy):
    """The largest clip (frames and size at their max) and a side whose latent is odd (20 px: 5 latent
    pixels, under the transformer's 2 x 2 patches) encode and give a prediction of the latent's shape."""
    from devtools.host.model_calls import predict_denoised
    from devtools.lanpaint_pack import load_pack
    from lanpaint_demo import clips
    inputs = load_pack().NODE_CLASS_MAPPINGS["LanPaintDemoClip"].INPUT_TYPES()["required"]
    frames, size = inputs["frames"][1], inputs["size"][1]
    model, clip, vae = shipped_video.load()
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, shipped_video.PROMPT)
    for n, side in ((frames["max"], size["max"]), (frames["default"], size["min"] + size["step"])):
        latent = vae.encode(clips.render_clip(HELD_OUT, n, side))
        side_latent = side // shipped_video.DOWNSCALE
        assert latent.shape == (1, shipped_video.LATENT_CHANNELS, n, side_latent, side_latent), latent.shape
        x0 = predict_denoised(model, latent, torch.tensor([0.5]), cond)
        assert x0.shape == latent.shape and torch.isfinite(x0).all()


def test_demo_workflow_samples_stock_and_lanpaint_on_the_server(comfy_server):
    """The bundled demo workflow as the browser queues it: both samplers' pictures come back, differ
    inside the hole, and keep the scene outside it (up to the VAE round trip)."""
    import numpy as np
    from PIL import Image
    from devtools import demo, workflow_api
    workflow = json.loads((demo.REPO_ROOT / "workflows" / (demo.WORKFLOW + ".json")).read_text())
    with comfy_server.explain():
        _, object_info = comfy_server.request("/object_info")
        prompt = demo.prompt_for(workflow_api.ui_to_api(workflow, object_info), HELD_OUT + 2, "half")
        for node in prompt.values():
            if "steps" in node["inputs"]:
                node["inputs"]["steps"] = 6
        saved = demo.run_prompt(comfy_server, prompt, comfy_server.base)
    assert set(saved) == {"stock", "lanpaint", "side_by_side"}     # devtools.demo.prompt_for adds the first two
    stock, lanpaint = (np.asarray(Image.open(saved[k]).convert("RGB")).astype(float) / 255 for k in ("stock", "lanpaint"))
    truth = demo_model.scene(HELD_OUT + 2)[0].numpy()
    hole = scenes.masks("half", HELD_OUT + 2, demo_model.SIZE)[0].numpy() > 0.5
    assert stock.shape == lanpaint.shape == truth.shape
    assert np.abs(stock - lanpaint)[hole].mean() > 0.01
    for image in (stock, lanpaint):      # outside the hole: the scene, up to the decoder's round trip
        assert np.abs(image - truth)[~hole].mean() < 2 * ROUND_TRIP_TARGET


GUARD_SEED = HELD_OUT + 3000   # scenes neither the budget study's validation nor its test range uses


def _widget_default(spec, name):
    section = "required" if name in spec["required"] else "optional"
    entry = spec[section][name]
    return entry[1]["default"] if "default" in entry[1] else entry[0][0]  # a combo's default is its first entry


def test_lanpaint_at_its_defaults_is_clearly_closer_to_the_scene_than_stock(comfy, demo):
    """LanPaint FLD KSampler with every widget at its default (steps, sampler, scheduler, thinking) against
    the stock KSampler with the same steps, sampler and seed, on a few held-out scenes with a box and a
    half hole: its error in the hole must be clearly lower (measured: about half of stock's)."""
    from benchmarks.trained import region_mae
    from devtools.lanpaint_pack import load_pack
    model, clip, vae = demo
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    node = load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"]
    spec = node.INPUT_TYPES()
    steps, sampler, scheduler = (_widget_default(spec, k) for k in ("steps", "sampler_name", "scheduler"))
    seeds = range(GUARD_SEED, GUARD_SEED + 6)
    images = torch.cat([demo_model.scene(s) for s in seeds])
    latents = vae.encode(images)
    errors = {"stock": [], "lanpaint": []}
    for kind in ("box", "half"):
        mask = torch.cat([scenes.masks(kind, s, demo_model.SIZE) for s in seeds])
        latent = {"samples": latents, "noise_mask": mask[:, None]}
        stock = comfy.nodes.common_ksampler(model, 0, steps, 1.0, sampler, scheduler, cond, cond, latent)[0]
        (lanpaint,) = node().sample(model, 0, steps, 1.0, sampler, scheduler, cond, cond, latent, 1.0,
                                    _widget_default(spec, "thinking_steps"), _widget_default(spec, "prompt_mode"))
        for name, out in (("stock", stock), ("lanpaint", lanpaint)):
            errors[name].append(region_mae(vae.decode(out["samples"]), images, mask).mean().item())
    stock_mae, lanpaint_mae = (sum(v) / len(v) for v in (errors["stock"], errors["lanpaint"]))
    print(f"MAE in the hole at the defaults: LanPaint FLD {lanpaint_mae:.4f}, stock {stock_mae:.4f}")
    assert lanpaint_mae < 0.75 * stock_mae, (lanpaint_mae, stock_mae)
