"""Defects found under adversarial use: shared SIGMAS written by uni_pc, NaN masks, non-finite inputs."""
import logging

import pytest
import torch

from devtools.host import model_calls as mc
from tests.node_runner import NODE_PATHS, counting_clone, latent_mask, masked_latent, method_defaults, node, run


def _sampler_custom(comfy, model, sampler, sigmas, latent, conds, cfg=3.0):
    pos, neg = conds
    return comfy.nodes_custom_sampler.SamplerCustom.execute(model, True, 1, cfg, pos, neg, sampler, sigmas,
                                                            latent).result[0]["samples"]


def test_uni_pc_then_lanpaint_on_one_sigmas_output(sdxl, comfy, caplog):
    """One BasicScheduler output feeding several SamplerCustom nodes, as in a graph."""
    model, conds = sdxl
    latent = masked_latent("sdxl")
    lat = latent["samples"]
    keep = ~latent_mask(latent["noise_mask"], lat.shape)
    expected = mc.host_roundtrip(model, lat)
    sigmas = mc.sigmas_for(model, "normal", 4)
    pristine = sigmas.clone()
    lanpaint = node("LanPaintSampler").get_sampler("euler", 2, "Image First", **method_defaults())[0]
    reference = _sampler_custom(comfy, model, lanpaint, sigmas, latent, conds)

    # LanPaint driving uni_pc, with and without a mask, and a stock uni_pc run on an Apply LanPaint
    # model: the sampler works on LanPaint's copy, the shared tensor stays as it was
    lp_unipc = node("LanPaintSampler").get_sampler("uni_pc", 2, "Image First", **method_defaults())[0]
    _sampler_custom(comfy, model, lp_unipc, sigmas, latent, conds)
    _sampler_custom(comfy, model, lp_unipc, sigmas, {"samples": lat}, conds)
    patched = node("ApplyLanPaint").patch(model, 2, "Image First", **method_defaults())[0]
    _sampler_custom(comfy, patched, comfy.samplers.sampler_object("uni_pc"), sigmas, {"samples": lat}, conds)
    assert torch.equal(sigmas, pristine)
    again = _sampler_custom(comfy, model, lanpaint, sigmas, latent, conds)
    assert torch.equal(again, reference) and torch.equal(again[keep], expected[keep])

    # the host's own uni_pc (no LanPaint anywhere) still writes 0.001 into the shared tensor; the
    # next LanPaint run says why its kept region is noised instead of doing it silently
    _sampler_custom(comfy, model, comfy.samplers.sampler_object("uni_pc"), sigmas, {"samples": lat}, conds)
    assert float(sigmas[-1]) == pytest.approx(0.001), "the host's sample_unipc no longer writes SIGMAS"
    with caplog.at_level(logging.WARNING):
        _sampler_custom(comfy, model, lanpaint, sigmas, latent, conds)
    assert "end at 0.001" in caplog.text and "uni_pc" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):  # a schedule that stops early (leftover noise) is not flagged
        _sampler_custom(comfy, model, lanpaint, pristine[:-1].clone(), latent, conds)
    assert "smallest noise level" not in caplog.text


def _nan_masks(h, w):
    whole = torch.full((1, h, w), float("nan"))
    patch = torch.zeros(1, h, w)
    patch[:, :, w // 2:] = 1
    patch[:, 40:60, 8:40] = float("nan")   # a patch the host's resize carries into the latent mask
    pixel = torch.zeros(1, h, w)
    pixel[:, :, w // 2:] = 1
    pixel[:, 0, 0] = float("nan")          # a single pixel the host's bilinear resize skips
    return {"all-NaN": whole, "NaN patch": patch, "NaN pixel": pixel}


@pytest.mark.parametrize("path", NODE_PATHS)
def test_nan_in_the_mask_is_an_error_naming_the_mask(sdxl, path, comfy):
    model, conds = sdxl
    counted, calls = counting_clone(model)
    lat = masked_latent("sdxl")["samples"]
    for name, mask in _nan_masks(lat.shape[-2] * 8, lat.shape[-1] * 8).items():
        # the single pixel reaches LanPaint only where a node or hook sees the mask before the
        # host resizes it (the KSampler nodes; Apply LanPaint on hosts that resize after OUTER_SAMPLE)
        if name == "NaN pixel" and path in ("sampler", "apply"):
            continue
        with pytest.raises(ValueError, match="noise mask contains NaN"):
            run(path, counted, {"samples": lat, "noise_mask": mask}, conds=conds)
    assert calls == []


FLOAT_INPUTS = {
    "ksampler": ("cfg", "denoise"),
    "advanced": ("cfg", "lambda_", "step_size", "friction", "beta", "big_cfg"),
    "sampler": ("lambda_", "step_size", "friction", "beta", "big_cfg"),
    "apply": ("lambda_", "step_size", "friction", "beta", "big_cfg"),
}


def _run_with(path, model, latent, conds, name, value):
    pos, neg = conds
    if path == "ksampler":
        inputs = {"cfg": 3.0, "denoise": 1.0, name: value}
        return node("LanPaintKSampler").sample(model, 1, 3, inputs["cfg"], "euler", "normal", pos, neg, latent,
                                              inputs["denoise"], 2, "Image First")
    if name == "cfg":
        return run(path, model, latent, conds=conds, cfg=value)
    return run(path, model, latent, conds=conds, **{name: value})


@pytest.mark.parametrize("path", NODE_PATHS)
def test_non_finite_float_inputs_are_errors_naming_the_input(sdxl, path):
    model, conds = sdxl
    counted, calls = counting_clone(model)
    latent = masked_latent("sdxl")
    for name in FLOAT_INPUTS[path]:
        for value in (float("nan"), float("inf"), -float("inf")):
            with pytest.raises(ValueError, match=f"input '{name}' must be a finite number"):
                _run_with(path, counted, latent, conds, name, value)
    # the stock node's cfg reaches LanPaint inside the sampler: still named
    if path in ("sampler", "apply"):
        with pytest.raises(ValueError, match="input 'cfg' must be a finite number"):
            run(path, counted, latent, conds=conds, cfg=float("nan"))
    assert calls == []
