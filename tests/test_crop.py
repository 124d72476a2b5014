"""crop_padding: LanPaint samples only the box around the mask, on tiny real models through every node."""
import importlib
import logging

import pytest
import torch

from devtools.host import model_calls as mc
from devtools.host import tiny_families as fam
from devtools.host import tiny_models as tm
from devtools.host.compat import has_model_class, requires_host
from tests.call_counts import expected_model_calls
from tests.crop_runs import H, W, box_mask, cond_recorder, hint_recorder, latent_for, shape_recorder
from tests.node_runner import NODE_PATHS, cancelling_clone, run


@pytest.mark.parametrize("path", NODE_PATHS)
def test_crop_keeps_everything_outside_the_box_and_calls_the_model_on_the_box(sdxl, path):
    model, conds = sdxl
    latent = latent_for("sdxl", box_mask())
    whole = run(path, model, latent, conds=conds)
    recording, sizes = shape_recorder(model)
    cropped = run(path, recording, latent, conds=conds, crop_padding=16)  # 2 latent pixels
    assert set(sizes) == {(5 + 4, 7 + 4)}, sizes
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    inside = ~outside
    assert (cropped[..., inside] - whole[..., inside]).abs().max() > 1e-3  # the model saw less context
    assert torch.isfinite(cropped).all()


@pytest.mark.parametrize("path", NODE_PATHS)
def test_crop_covering_the_latent_is_the_whole_latent_run(sdxl, path):
    model, conds = sdxl
    latent = latent_for("sdxl", box_mask())
    whole = run(path, model, latent, conds=conds)
    assert torch.equal(run(path, model, latent, conds=conds, crop_padding=16384), whole)
    assert torch.equal(run(path, model, latent, conds=conds, crop_padding=0),
                       run(path, model, latent, conds=conds, crop_padding=0))  # same seed, same output


def test_flux_box_snaps_to_its_2x2_patches(comfy):
    model, conds = tm.tiny_flux(0), fam.conds_for("flux")
    latent = latent_for("flux", box_mask())
    whole = run("ksampler", model, latent, conds=conds)
    recording, sizes = shape_recorder(model)
    cropped = run("ksampler", recording, latent, conds=conds, crop_padding=16)
    assert set(sizes) == {(12 - 2, 22 - 10)}, sizes  # rows 3..12 -> 2..12, columns 10..21 -> 10..22
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[2:12, 10:22] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert not torch.equal(cropped, whole)


@pytest.mark.parametrize("value", (-2, 16385, 1.5, True, "8"))
def test_bad_crop_padding_is_a_clear_error(sdxl, value):
    model, conds = sdxl
    latent = latent_for("sdxl", box_mask())
    for path in NODE_PATHS:
        with pytest.raises(ValueError, match="crop_padding"):
            run(path, model, latent, conds=conds, crop_padding=value)


def test_returning_with_leftover_noise_keeps_the_noised_latent_outside_the_box(sdxl):
    from tests.node_runner import method_defaults, node
    model, (pos, neg) = sdxl
    latent = latent_for("sdxl", box_mask())

    def first_stage(crop_padding):
        return node("LanPaintKSamplerAdvanced").sample(
            model, "enable", 1, 6, 3.0, "euler", "normal", pos, neg, latent, 0, 3, "enable", 2, "Image First",
            **method_defaults(), crop_padding=crop_padding)[0]["samples"]
    whole, cropped = first_stage(-1), first_stage(8)
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[4:11, 11:20] = False
    assert not torch.equal(whole[..., outside], latent["samples"][..., outside])  # noised
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert not torch.equal(cropped, whole)


def test_previews_get_the_whole_picture(sdxl, comfy):
    model, (pos, neg) = sdxl
    from tests.node_runner import method_defaults, node
    lp = node("LanPaintSampler").get_sampler("euler", 2, "Image First", **method_defaults(), crop_padding=8)[0]
    latent = latent_for("sdxl", box_mask())
    lat = latent["samples"]
    sigmas = mc.sigmas_for(model, "normal", 3)
    noise = torch.randn(lat.shape, generator=torch.Generator().manual_seed(3))
    mask = comfy.utils.reshape_mask(latent["noise_mask"], lat.shape)
    seen = []
    out = comfy.sample.sample_custom(model, noise, 3.0, lp, sigmas, pos, neg, lat, noise_mask=mask,
                                     callback=lambda step, x0, x, total: seen.append((step, x0.clone(), total)),
                                     disable_pbar=True, seed=1)
    assert len(seen) == expected_model_calls(3, 2) and seen[-1][2] == expected_model_calls(3, 2)
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[4:11, 11:20] = False
    latent_in = model.model.process_latent_in(lat)
    for step, x0, _ in seen:
        assert x0.shape == lat.shape
        assert torch.equal(x0[..., outside], latent_in[..., outside]), step
    assert torch.isfinite(out).all()


def test_area_conditioning_falls_back_to_the_whole_latent_with_one_log_line(sdxl, comfy, caplog):
    model, (pos, neg) = sdxl
    area_pos = comfy.nodes.ConditioningSetArea().append(pos, 64, 64, 0, 0, 1.0)[0]
    latent = latent_for("sdxl", box_mask())
    whole = run("ksampler", model, latent, conds=(area_pos, neg))
    recording, sizes = shape_recorder(model)
    with caplog.at_level(logging.INFO, logger="LanPaint"):
        cropped = run("ksampler", recording, latent, conds=(area_pos, neg), crop_padding=16)
    assert torch.equal(cropped, whole)
    assert all(s[-2:] in ((H, W), (8, 8)) for s in sizes), sizes
    lines = [r.getMessage() for r in caplog.records if "crop_padding" in r.getMessage()]
    assert len(lines) == 1 and "area conditioning" in lines[0], lines


def test_conditioning_mask_is_cropped_with_the_latent(sdxl, comfy):
    model, (pos, neg) = sdxl
    region = torch.zeros(1, H * 8, W * 8)
    region[:, :, 100:] = 1.0  # the prompt applies to the right part only (Conditioning (Set Mask))
    masked_pos = comfy.nodes.ConditioningSetMask().append(pos, region, "default", 1.0)[0]
    masked_pos += pos  # and a plain prompt everywhere
    latent = latent_for("sdxl", box_mask())
    whole = run("ksampler", model, latent, conds=(masked_pos, neg))
    assert not torch.equal(whole, run("ksampler", model, latent, conds=(pos, neg)))
    cropped = run("ksampler", model, latent, conds=(masked_pos, neg), crop_padding=16)
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert torch.isfinite(cropped).all() and not torch.equal(cropped, whole)
    # a prompt masked to the left edge, all outside the box: in the crop it weighs nothing
    left = torch.zeros(1, H * 8, W * 8)
    left[:, :, :64] = 1.0
    left_pos = comfy.nodes.ConditioningSetMask().append(pos, left, "default", 1.0)[0] + pos
    plain = run("ksampler", model, latent, conds=(pos, neg), crop_padding=16)
    torch.testing.assert_close(run("ksampler", model, latent, conds=(left_pos, neg), crop_padding=16), plain,
                               rtol=1e-5, atol=1e-5)


def test_a_cross_attention_patch_falls_back_to_the_whole_latent(sdxl, caplog):
    model, conds = sdxl
    patched = model.clone()
    patched.set_model_attn2_replace(lambda q, k, v, extra_options: q * 0 + v.mean(1, keepdim=True), "output", 3)
    latent = latent_for("sdxl", box_mask())
    whole = run("ksampler", patched, latent, conds=conds)
    with caplog.at_level(logging.INFO, logger="LanPaint"):
        cropped = run("ksampler", patched, latent, conds=conds, crop_padding=16)
    assert torch.equal(cropped, whole)
    lines = [r.getMessage() for r in caplog.records if "crop_padding" in r.getMessage()]
    assert len(lines) == 1 and "cross-attention patch" in lines[0], lines


def test_inpainting_model_concat_is_cropped_with_the_latent(comfy):
    model, conds = tm.tiny_sdxl_inpaint(0), fam.conds_for("sdxl")
    latent = latent_for("sdxl", box_mask())
    whole_model, whole_seen = cond_recorder(model, "c_concat")
    whole = run("ksampler", whole_model, latent, conds=conds)
    crop_model, crop_seen = cond_recorder(model, "c_concat")
    cropped = run("ksampler", crop_model, latent, conds=conds, crop_padding=16)
    assert whole_seen[0].shape[1] == 5 and whole_seen[0].shape[-2:] == (H, W)  # mask + masked latent
    for full, part in zip(whole_seen, crop_seen):
        assert torch.equal(part, full[..., 3:12, 10:21])
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])


def differential_diffusion(comfy, model):
    """Differential Diffusion on `model`, and the masks its function is called with."""
    dd = comfy.nodes_differential_diffusion.DifferentialDiffusion.execute(model).result[0]
    dd_function, masks_seen = dd.model_options["denoise_mask_function"], []

    def spy(sigma, denoise_mask, extra_options):
        masks_seen.append(denoise_mask)
        return dd_function(sigma, denoise_mask, extra_options=extra_options)
    dd.set_model_denoise_mask_function(spy)
    return dd, masks_seen


def issue_repro_latent(side=32):
    """The defect's repro: a 256 px picture, a 32 px box mask at (96, 96): latent rows / columns 12..15."""
    mask = torch.zeros(1, 1, side * 8, side * 8)
    mask[..., 96:128, 96:128] = 1.0
    return latent_for("sdxl", mask, side, side)


def test_differential_diffusion_regenerating_every_pixel_samples_the_whole_latent(sdxl, comfy, caplog):
    """DD's threshold reaches 0 at sigma_min, where normal / karras schedules end: its last step
    regenerates every pixel of the whole latent (the host's own behaviour), so no box can leave the
    rest as the uncropped run leaves it: the crop falls back to the whole latent, saying why."""
    model, conds = sdxl
    dd, _ = differential_diffusion(comfy, model)
    latent = issue_repro_latent()
    for scheduler in ("normal", "karras"):
        whole = run("ksampler", dd, latent, conds=conds, scheduler=scheduler)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="LanPaint"):
            cropped = run("ksampler", dd, latent, conds=conds, scheduler=scheduler, crop_padding=8)
        assert torch.equal(cropped, whole), scheduler
        assert not torch.equal(whole[..., :4, :4], mc.host_roundtrip(model, latent["samples"])[..., :4, :4])
        lines = [r.getMessage() for r in caplog.records if "crop_padding" in r.getMessage()]
        assert len(lines) == 1 and "denoise-mask function" in lines[0], lines


@pytest.mark.parametrize("path", NODE_PATHS)
def test_differential_diffusion_crop_agrees_with_the_whole_latent_outside_the_box(sdxl, comfy, path):
    """With a schedule whose last sigma lies above sigma_min, DD regenerates only inside the mask:
    the crop samples the box and leaves everything outside it as the uncropped run does."""
    model, conds = sdxl
    dd, _ = differential_diffusion(comfy, model)
    latent = issue_repro_latent()
    whole = run(path, dd, latent, conds=conds, scheduler="simple")
    recording, sizes = shape_recorder(dd)
    cropped = run(path, recording, latent, conds=conds, scheduler="simple", crop_padding=8)
    assert set(sizes) == {(6, 6)}, sizes  # rows and columns 12..15, one latent pixel of padding
    outside = torch.ones(32, 32, dtype=torch.bool)
    outside[11:17, 11:17] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert not torch.equal(cropped, whole) and torch.isfinite(cropped).all()


def test_differential_diffusion_sees_the_full_mask_and_the_crop_regenerates_its_part(sdxl, comfy):
    """The mask function is evaluated on the full mask (once per scheduled sigma to find the boxes,
    then at every evaluation) and the crop regenerates the crop of its result."""
    model, conds = sdxl
    dd, masks_seen = differential_diffusion(comfy, model)
    soft = torch.zeros(1, 1, H * 8, W * 8)
    soft[..., 40:80, 96:152] = torch.linspace(0.1, 1, 56)  # a soft mask: DD regenerates it step by step
    latent = latent_for("sdxl", soft)
    whole = run("ksampler", dd, latent, conds=conds, steps=4, scheduler="simple")
    assert len(masks_seen) == 4
    masks_seen.clear()
    cropped = run("ksampler", dd, latent, conds=conds, steps=4, scheduler="simple", crop_padding=16)
    assert len(masks_seen) == 4 + 4 and all(m.shape[-2:] == (H, W) for m in masks_seen)
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert torch.equal(cropped[..., outside], mc.host_roundtrip(model, latent["samples"])[..., outside])
    assert torch.isfinite(cropped).all() and not torch.equal(cropped, whole)


@requires_host(has_model_class("WAN22_T2V"), "the Wan 2.2 model class WAN22_T2V")
def test_video_box_is_the_union_over_frames(comfy):
    from devtools.host import video_models as vm
    model, conds = vm.tiny_wan22_ti2v(0), vm.wan_conds()
    lat = torch.randn(vm.wan_latent_shape("wan22_ti2v", 1, frames=3, h=16, w=16),
                      generator=torch.Generator().manual_seed(0))
    mask = torch.zeros(1, 1, 3, 16, 16)  # at the latent's size
    mask[:, :, 0, 3:5, 3:5] = 1.0
    mask[:, :, 2, 4:7, 5:8] = 1.0  # touches frame 0's region in the union over frames: one region
    latent = {"samples": lat, "noise_mask": mask}
    whole = run("ksampler", model, latent, conds=conds, cfg=1.0)
    recording, sizes = shape_recorder(model)
    cropped = run("ksampler", recording, latent, conds=conds, cfg=1.0, crop_padding=16)  # 1 latent pixel (/16)
    assert set(sizes) == {(8 - 2, 10 - 2)}, sizes  # rows 3..7 -> 2..8, columns 3..8 -> 2..10 (2x2 patches)
    outside = torch.ones(16, 16, dtype=torch.bool)
    outside[2:8, 2:10] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert not torch.equal(cropped, whole) and torch.isfinite(cropped).all()


@requires_host(has_model_class("QwenImage"), "the Qwen-Image model class QwenImage")
def test_reference_latent_of_the_latents_size_is_cropped_with_it(comfy):
    model = tm.tiny_qwen_image(0)
    ref = fam.reference_latent((1, 16, 1, H, W))
    conds = fam.plain_conds(1, reference_latents=[ref])
    latent = latent_for("qwen_image", box_mask())
    whole_model, whole_seen = cond_recorder(model, "ref_latents")
    whole = run("ksampler", whole_model, latent, conds=conds)
    crop_model, crop_seen = cond_recorder(model, "ref_latents")
    cropped = run("ksampler", crop_model, latent, conds=conds, crop_padding=16)
    assert whole_seen[0][0].shape[-2:] == (H, W)
    for full, part in zip(whole_seen, crop_seen):
        assert torch.equal(part[0], full[0][..., 2:12, 10:22])  # 2x2 patches
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[2:12, 10:22] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])


def test_controlnet_hints_are_cropped_with_the_latent(sdxl, comfy):
    model, (pos, neg) = sdxl
    first, second = tm.tiny_sdxl_controlnet(0), tm.tiny_sdxl_controlnet(1)
    image = torch.rand(1, 160, 224, 3, generator=torch.Generator().manual_seed(5))  # not the latent's aspect
    apply = comfy.nodes.ControlNetApplyAdvanced()
    c_pos, c_neg = apply.apply_controlnet(pos, neg, first, image, 1.0, 0.0, 1.0)
    c_pos, c_neg = apply.apply_controlnet(c_pos, c_neg, second, image.flip(1), 0.8, 0.0, 1.0)  # a chain of two
    latent = latent_for("sdxl", box_mask())
    plain = run("ksampler", model, latent, conds=(pos, neg))
    seen, handles = zip(*(hint_recorder(c) for c in (first, second)))
    try:
        whole = run("ksampler", model, latent, conds=(c_pos, c_neg))
        full_hints = [list(s) for s in seen]
        for s in seen:
            s.clear()
        cropped = run("ksampler", model, latent, conds=(c_pos, c_neg), crop_padding=16)
    finally:
        for h in handles:
            h.remove()
    assert not torch.equal(whole, plain)  # the ControlNets act
    for full, part in zip(full_hints, seen):
        assert len(part) == len(full) > 0 and full[0].shape[-2:] == (H * 8, W * 8)
        for f, p in zip(full, part):
            assert torch.equal(p, f[..., 3 * 8:12 * 8, 10 * 8:21 * 8])
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    assert torch.equal(run("ksampler", model, latent, conds=(c_pos, c_neg)), whole)  # the host's chain is untouched


@requires_host(has_model_class("LTXAV"), "audio+video NestedTensor latents (the LTXAV model class)")
def test_audio_video_latent_falls_back_to_the_whole_latent(comfy, caplog):
    from devtools.host import video_models as vm
    g = torch.Generator().manual_seed(0)
    video_shape, audio_shape = (4, 3, 8, 8), (2, 5, 4)
    model = vm.analytic_ltxav_model(torch.randn(video_shape, generator=g), 0.7,
                                    torch.randn(audio_shape, generator=g), 0.5)
    nested = comfy.comfy.nested_tensor.NestedTensor
    video_mask = torch.zeros((1, 1) + video_shape[1:])
    video_mask[..., 2:4, 2:4] = 1
    latent = {"samples": nested([torch.randn((1,) + video_shape, generator=g), torch.randn((1,) + audio_shape,
                                                                                          generator=g)]),
              "noise_mask": nested([video_mask, torch.ones((1,) + audio_shape)])}
    conds = vm.analytic_video_conds()
    whole = run("ksampler", model, latent, conds=conds, cfg=1.0)
    with caplog.at_level(logging.INFO, logger="LanPaint"):
        cropped = run("ksampler", model, latent, conds=conds, cfg=1.0, crop_padding=0)
    assert all(torch.equal(a, b) for a, b in zip(cropped.unbind(), whole.unbind()))
    lines = [r.getMessage() for r in caplog.records if "crop_padding" in r.getMessage()]
    assert len(lines) == 1 and "audio+video" in lines[0], lines


def test_cancel_during_a_cropped_run_with_controlnet_leaves_the_host_clean(sdxl, comfy):
    model, (pos, neg) = sdxl
    control = tm.tiny_sdxl_controlnet(0)
    image = torch.rand(1, H * 8, W * 8, 3, generator=torch.Generator().manual_seed(5))
    c_pos, c_neg = comfy.nodes.ControlNetApplyAdvanced().apply_controlnet(pos, neg, control, image, 1.0, 0.0, 1.0)
    latent = latent_for("sdxl", box_mask())
    cropped = run("ksampler", model, latent, conds=(c_pos, c_neg), crop_padding=16, steps=4)
    interrupting, calls = cancelling_clone(model, 3)  # inside the first diffusion step's thinking iterations
    try:
        with pytest.raises(comfy.model_management.InterruptProcessingException):
            run("ksampler", interrupting, latent, conds=(c_pos, c_neg), crop_padding=16, steps=4, thinking=5)
    finally:
        comfy.model_management.interrupt_current_processing(False)
    assert calls == [(9, 11)] * 3  # stopped at the next thinking step, in the box
    host_chain = c_pos[0][1]["control"]
    assert host_chain.cond_hint_original.shape[-2:] == (H * 8, W * 8)  # the host's hint, not a crop
    assert torch.equal(run("ksampler", model, latent, conds=(c_pos, c_neg), crop_padding=16, steps=4), cropped)


@pytest.mark.parametrize("name, ratio", (("SDXL", 8), ("Flux", 8), ("Wan22", 16), ("Flux2", 16), ("Wan21", 8)))
def test_image_pixels_per_latent_pixel_on_this_host(comfy, name, ratio):
    import types
    from devtools.lanpaint_pack import load_pack
    host_model = importlib.import_module(load_pack().__name__ + ".nodes.host_model")
    fmt = getattr(comfy.latent_formats, name)()
    assert host_model.spatial_downscale(types.SimpleNamespace(latent_format=fmt)) == ratio
    assert host_model.latent_padding(types.SimpleNamespace(latent_format=fmt), 64) == -(-64 // ratio)
