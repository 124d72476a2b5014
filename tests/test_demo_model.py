"""The project's small trained model (devtools/demo_model.py) on the real host: its scenes, its
committed weights, seeded LanPaint inpainting on it, and the main job's workflow on the real server."""
import json

import pytest
import torch
from safetensors.torch import load_file

from devtools import demo_model, scenes

HELD_OUT = scenes.HELD_OUT_SEED


@pytest.fixture(scope="module")
def demo(comfy):
    return demo_model.load()


def _latent_mask(mask, latent):
    """The host's latent-resolution mask of a pixel mask (as its samplers prepare it)."""
    return torch.nn.functional.interpolate(mask[:, None], size=latent.shape[-2:], mode="bilinear")


def test_scene_is_a_deterministic_comfy_image():
    a, b = demo_model.scene(HELD_OUT + 3), demo_model.scene(HELD_OUT + 3)
    assert a.shape == (1, demo_model.SIZE, demo_model.SIZE, 3) and a.dtype == torch.float32
    assert torch.equal(a, b)
    assert 0.0 <= a.min().item() and a.max().item() <= 1.0
    assert not torch.equal(a, demo_model.scene(HELD_OUT + 4))
    assert demo_model.scene(HELD_OUT, size=32).shape == (1, 32, 32, 3)
    assert demo_model.PROMPT == ""


def test_load_gives_the_committed_weights_as_host_objects(comfy, demo):
    import comfy.sd
    model, clip, vae = demo
    assert isinstance(model, comfy.model_patcher.ModelPatcher)
    assert isinstance(model.model, comfy.model_base.SDXL)
    assert isinstance(clip, comfy.sd.CLIP) and isinstance(vae, comfy.sd.VAE)
    on_disk = load_file(str(demo_model.UNET_FILE))
    loaded = model.model.diffusion_model.state_dict()
    assert on_disk.keys() == loaded.keys()
    assert all(torch.equal(on_disk[k], loaded[k]) for k in on_disk)
    vae_disk = load_file(str(demo_model.VAE_FILE))
    vae_loaded = vae.first_stage_model.state_dict()
    assert all(torch.equal(vae_disk[k], vae_loaded[k]) for k in vae_disk)
    sizes = sum(p.stat().st_size for p in (demo_model.UNET_FILE, demo_model.VAE_FILE))
    assert sizes <= 25 * 2 ** 20
    record = json.loads((demo_model.WEIGHTS_DIR / "training.json").read_text())
    assert record["seed"] == 0 and record["unet"]["loss_last_100"] < record["unet"]["loss_first_100"]


def test_vae_has_learned_the_scenes(comfy, demo):
    """Held-out scenes survive the VAE round trip (committed VAE: 0.108; freshly initialised: 0.225)."""
    _, _, vae = demo
    images = torch.cat([demo_model.scene(HELD_OUT + i) for i in range(4)])
    latents = vae.encode(images)
    assert latents.shape == (4, 4, demo_model.SIZE // 8, demo_model.SIZE // 8)
    # SD XL's latent format maps the VAE's latents to roughly unit scale
    assert 0.5 < (latents * 0.13025).std().item() < 2.0
    assert (vae.decode(latents) - images).abs().mean().item() < 0.15


def test_prompt_has_no_effect(comfy, demo):
    """Unconditional by construction: two different prompts give the very same prediction."""
    from devtools.host.tiny_models import predict_denoised
    model, clip, _ = demo
    (a,) = comfy.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    (b,) = comfy.nodes.CLIPTextEncode().encode(clip, "a red bicycle")
    assert not torch.equal(a[0][0], b[0][0])
    x = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(0))
    sigma = torch.tensor([3.0, 3.0])
    assert torch.equal(predict_denoised(model, x, sigma, a), predict_denoised(model, x, sigma, b))


def _lanpaint_inpaint(comfy, demo, seed, kind="box", steps=8, thinking=2):
    from devtools.lanpaint_pack import load_pack
    model, clip, vae = demo
    (cond,) = comfy.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    images = torch.cat([demo_model.scene(HELD_OUT + i) for i in range(2)])
    mask = torch.cat([scenes.masks(kind, HELD_OUT + i, demo_model.SIZE) for i in range(2)])
    latents = vae.encode(images)
    latent = {"samples": latents, "noise_mask": mask[:, None]}
    node = load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    (out,) = node.sample(model, seed, steps, 1.0, "euler", "normal", cond, cond, latent, 1.0, thinking, "Image First")
    return latents, mask, out["samples"]


def test_seeded_lanpaint_inpaint_reproduces_bit_for_bit_and_keeps_the_rest(comfy, demo):
    from devtools.host.tiny_models import host_roundtrip
    latents, mask, first = _lanpaint_inpaint(comfy, demo, seed=7)
    _, _, again = _lanpaint_inpaint(comfy, demo, seed=7)
    _, _, other = _lanpaint_inpaint(comfy, demo, seed=8)
    assert torch.equal(first, again)
    keep = (_latent_mask(mask, latents) == 0).expand_as(latents)
    assert keep.any() and (~keep).any()
    assert torch.equal(first[keep], host_roundtrip(demo[0], latents)[keep])
    assert not torch.equal(first[~keep], other[~keep])
    assert not torch.equal(first[~keep], latents[~keep])


def test_main_job_workflow_runs_on_the_real_server(comfy_server, tmp_path):
    """The main job's two prompts (bundled workflow with LanPaint, and with the stock KSampler) on the
    real server with the trained model: both finish, and Mask Blend keeps every pixel outside the hole."""
    from PIL import Image
    import numpy as np
    from devtools import demo
    from devtools.comfy_server import REPO_ROOT
    workflow = json.loads((REPO_ROOT / "workflows" / "lanpaint_sdxl_inpaint.json").read_text())
    seed = demo.demo_seed()
    image, mask, picture = demo.make_picture(seed)
    (comfy_server.base / "input").mkdir(parents=True, exist_ok=True)
    picture.save(comfy_server.base / "input" / "lanpaint_demo_test.png")
    with comfy_server.explain():
        status, object_info = comfy_server.request("/object_info")
        lanpaint, stock = demo.demo_prompts(workflow, object_info, "lanpaint_demo_test.png")
        for prompt in (lanpaint, stock):
            for node in prompt.values():
                if node["class_type"] in ("LanPaintKSampler", "KSampler"):
                    node["inputs"]["steps"] = 6
            dest = tmp_path / "out.png"
            demo._run_prompt(comfy_server, prompt, comfy_server.base, dest)
            result = np.asarray(Image.open(dest).convert("RGB"))
            original = np.asarray(Image.open(comfy_server.base / "input" / "lanpaint_demo_test.png").convert("RGB"))
            assert result.shape == original.shape == (demo_model.SIZE, demo_model.SIZE, 3)
            keep = mask[0].numpy() == 0
            # Mask Blend's feather reaches DEMO_FEATHER pixels outside the hole; beyond that, exact
            far = torch.nn.functional.max_pool2d(mask[None], 2 * demo.DEMO_FEATHER + 3, 1,
                                                 demo.DEMO_FEATHER + 1)[0, 0].numpy() == 0
            assert keep.any() and far.any()
            assert (result[far] == original[far]).all()
            assert (result[~keep] != original[~keep]).any()
