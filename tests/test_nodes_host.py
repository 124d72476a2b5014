"""LanPaint's nodes on the real ComfyUI host with tiny seeded SDXL, SD3, Flux and HiDream models."""
import copy
import logging

import pytest
import torch

from devtools.host import model_calls as mc
from devtools.host import stand_ins
from devtools.host import tiny_families as fam
from devtools.host import tiny_models as tm
from tests.call_counts import expected_model_calls
from tests.node_runner import (NODE_PATHS, cancelling_clone, counting_clone, latent_mask, masked_latent, node, run,
                               run_stock)

FAMILIES = stand_ins.TINY_FAMILIES
SAMPLERS = ("euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "ddim", "lcm", "heun")


@pytest.fixture(scope="module")
def models(comfy):
    return {f: getattr(tm, "tiny_" + f)(0) for f in FAMILIES}


@pytest.fixture(scope="module")
def conds(comfy):
    return {f: fam.conds_for(f) for f in FAMILIES}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("path", NODE_PATHS)
def test_kept_region_exact_for_every_sampler(models, conds, family, path):
    model = models[family]
    latent = masked_latent(family)
    lat = latent["samples"]
    keep = ~latent_mask(latent["noise_mask"], lat.shape)
    expected = mc.host_roundtrip(model, lat)  # the host's own latent_in/out round trip
    for sampler in SAMPLERS:
        out = run(path, model, latent, sampler=sampler, conds=conds[family])
        assert torch.isfinite(out).all(), sampler
        assert torch.equal(out[keep], expected[keep]), (sampler, (out[keep] - lat[keep]).abs().max())
        assert (out[~keep] - lat[~keep]).abs().max() > 1e-3, sampler


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("path", NODE_PATHS)
def test_without_mask_output_is_bitwise_stock(models, conds, family, path, caplog):
    model = models[family]
    lat = masked_latent(family)["samples"]
    for sampler in ("euler", "dpmpp_2m_sde"):
        with caplog.at_level(logging.INFO):
            out = run(path, model, {"samples": lat}, sampler=sampler, conds=conds[family])
        stock = run_stock(path, model, {"samples": lat}, sampler=sampler, conds=conds[family])
        assert torch.equal(out, stock), (sampler, (out - stock).abs().max())
    assert "no noise mask" in caplog.text


def _snapshot(model):
    return {
        "wrappers": {k: {k1: list(v1) for k1, v1 in v.items()} for k, v in model.wrappers.items()},
        "callbacks": {k: {k1: list(v1) for k1, v1 in v.items()} for k, v in model.callbacks.items()},
        "model_options": repr(model.model_options),
        "attributes": {k: id(v) for k, v in vars(model).items()},
        "model_attributes": {k: id(v) for k, v in vars(model.model).items()},
    }


def _without(snapshot, bookkeeping):
    return {k: ({kk: vv for kk, vv in v.items() if (k, kk) not in bookkeeping} if isinstance(v, dict) else v)
            for k, v in snapshot.items()}


def _host_bookkeeping(model, c):
    """Attributes the host itself rebinds in a stock run (0.33: latent_shapes, device, size ...)."""
    changed = set()
    for _ in range(2):
        before = _snapshot(model)
        run_stock("ksampler", model, masked_latent("sdxl"), conds=c)
        after = _snapshot(model)
        changed |= {(k, kk) for k in ("attributes", "model_attributes")
                    for kk in set(before[k]) | set(after[k]) if before[k].get(kk) != after[k].get(kk)}
    return changed


def test_inputs_are_untouched_and_settings_do_not_leak(models, conds):
    model, c = models["sdxl"], conds["sdxl"]
    latent = masked_latent("sdxl")
    latent_copy = {k: v.clone() for k, v in latent.items()}
    bookkeeping = _host_bookkeeping(model, c)
    before = _snapshot(model)
    alone = {
        "a": run("advanced", model, latent, conds=c, thinking=1, lambda_=2.0, step_size=0.5),
        "b": run("advanced", model, latent, conds=c, thinking=3),
        "apply_a": run("apply", model, latent, conds=c, thinking=1, lambda_=2.0),
        "apply_b": run("apply", model, latent, conds=c, thinking=4, inner_scheme="ou"),
    }
    assert not torch.equal(alone["a"], alone["b"]) and not torch.equal(alone["apply_a"], alone["apply_b"])
    # one graph: both settings on the same model, interleaved, each gives what it gives alone
    pos, neg = c
    patched_a = node("ApplyLanPaint").patch(model, 1, "Image First", **_knobs(lambda_=2.0))[0]
    patched_b = node("ApplyLanPaint").patch(model, 4, "Image First", **_knobs(inner_scheme="ou"))[0]
    from devtools.host.comfy_env import load_comfy
    env = load_comfy()
    for _ in range(2):
        assert torch.equal(run("advanced", model, latent, conds=c, thinking=3), alone["b"])
        assert torch.equal(env.nodes.common_ksampler(patched_b, 1, 3, 3.0, "euler", "normal", pos, neg, latent)[0]["samples"],
                           alone["apply_b"])
        assert torch.equal(run("advanced", model, latent, conds=c, thinking=1, lambda_=2.0, step_size=0.5), alone["a"])
        assert torch.equal(env.nodes.common_ksampler(patched_a, 1, 3, 3.0, "euler", "normal", pos, neg, latent)[0]["samples"],
                           alone["apply_a"])
    # LanPaint KSampler on a model already patched by Apply LanPaint: the node's own settings win
    assert torch.equal(run("ksampler", patched_a, latent, conds=c, thinking=2),
                       run("ksampler", model, latent, conds=c, thinking=2))
    assert _without(_snapshot(model), bookkeeping) == _without(before, bookkeeping)
    for k in latent:
        assert torch.equal(latent[k], latent_copy[k])


def _knobs(**overrides):
    from tests.node_runner import method_defaults
    return method_defaults(**overrides)


def test_interrupt_mid_sampling_leaves_host_clean(models, conds, comfy):
    model, c = models["sdxl"], conds["sdxl"]
    latent = masked_latent("sdxl")
    fresh = run_stock("ksampler", model, latent, conds=c, steps=4)
    interrupting, calls = cancelling_clone(model, 3)  # inside the first diffusion step's thinking iterations
    try:
        with pytest.raises(comfy.model_management.InterruptProcessingException):
            run("ksampler", interrupting, latent, conds=c, steps=4, thinking=5)
    finally:
        comfy.model_management.interrupt_current_processing(False)
    # the run stopped at the next thinking step, not at the end of the diffusion step (6 calls)
    assert len(calls) == 3
    assert torch.equal(run_stock("ksampler", model, latent, conds=c, steps=4), fresh)


def test_progress_counts_model_calls_and_previews_each_thinking_step(models, conds, comfy):
    model, c = models["sd3"], conds["sd3"]
    counted, calls = counting_clone(model)
    seen = []
    comfy.utils.set_progress_bar_enabled(True)
    comfy.utils.set_progress_bar_global_hook(lambda value, total, preview, node_id=None: seen.append((value, total)))
    try:
        run("ksampler", counted, masked_latent("sd3"), conds=c, steps=4, thinking=3, cfg=1.0)
    finally:
        comfy.utils.set_progress_bar_global_hook(None)
        comfy.utils.set_progress_bar_enabled(False)
    calls_expected = expected_model_calls(4, 3)
    assert len(calls) == calls_expected
    assert seen[-1] == (calls_expected, calls_expected) and [v for v, _ in seen] == sorted(v for v, _ in seen)


@pytest.mark.parametrize("family", ("sdxl", "flux"))
def test_model_calls_and_prompt_first_share_the_cfg_batch(models, conds, family):
    model, c = models[family], conds[family]
    latent = masked_latent(family)
    counted, calls = counting_clone(model)
    image_first = run("ksampler", counted, latent, conds=c, steps=3, thinking=2)
    n_image_first = len(calls)
    calls.clear()
    prompt_first = run("ksampler", counted, latent, conds=c, steps=3, thinking=2, prompt_mode="Prompt First")
    assert len(calls) == n_image_first  # the BiG estimate comes from the same batched call
    assert not torch.equal(image_first, prompt_first)
    calls.clear()
    run("ksampler", counted, latent, conds=c, steps=3, thinking=2, cfg=1.0, prompt_mode="Prompt First")
    assert len(calls) == n_image_first  # cfg 1: one scale, still one call per evaluation


def test_batch_with_per_item_masks(models, conds):
    model, c = models["sdxl"], conds["sdxl"]
    shape = fam.latent_shape_for("sdxl", 2)
    mask = torch.cat([fam.half_mask(shape[-2] * 8, shape[-1] * 8, 1, right=True),
                      fam.half_mask(shape[-2] * 8, shape[-1] * 8, 1, right=False)])
    latent = masked_latent("sdxl", batch=2, mask=mask)
    keep = ~latent_mask(mask, shape)
    expected = mc.host_roundtrip(model, latent["samples"])
    for path in NODE_PATHS:
        out = run(path, model, latent, conds=c, sampler="euler_ancestral")
        assert torch.equal(out[keep], expected[keep]), path


def test_partial_denoise_and_start_end_steps(models, conds, comfy):
    model, c = models["sd3"], conds["sd3"]
    latent = masked_latent("sd3")
    lat = latent["samples"]
    keep = ~latent_mask(latent["noise_mask"], lat.shape)
    expected = mc.host_roundtrip(model, lat)
    pos, neg = c
    out = node("LanPaintKSampler").sample(model, 1, 4, 3.0, "euler", "normal", pos, neg, latent, 0.5, 2,
                                         "Image First")[0]["samples"]
    assert torch.equal(out[keep], expected[keep])
    knobs = _knobs()
    first = node("LanPaintKSamplerAdvanced").sample(model, "enable", 1, 6, 3.0, "euler", "normal", pos, neg, latent,
                                                   0, 3, "enable", 2, "Image First", **knobs)[0]
    assert not torch.equal(first["samples"][keep], expected[keep])  # leftover noise in the kept region too
    second = node("LanPaintKSamplerAdvanced").sample(model, "disable", 1, 6, 3.0, "euler", "normal", pos, neg, first,
                                                    3, 10000, "disable", 2, "Image First", **knobs)[0]["samples"]
    assert torch.isfinite(second).all()
    # the chained run pastes the second stage's input latent back in the kept region
    assert torch.equal(second[keep], mc.host_roundtrip(model, first["samples"])[keep])


def test_differential_diffusion_mask_function_is_honoured(models, conds, comfy):
    model, c = models["sdxl"], conds["sdxl"]
    dd = comfy.nodes_differential_diffusion.DifferentialDiffusion.execute(model).result[0]
    masks_seen = []
    dd_function = dd.model_options["denoise_mask_function"]

    def spy(sigma, denoise_mask, extra_options):
        masks_seen.append(dd_function(sigma, denoise_mask, extra_options=extra_options))
        return masks_seen[-1]

    dd.set_model_denoise_mask_function(spy)
    shape = fam.latent_shape_for("sdxl")
    mask = torch.linspace(0, 1, shape[-1] * 8).expand(1, shape[-2] * 8, -1).clone()
    latent = {"samples": masked_latent("sdxl")["samples"], "noise_mask": mask}
    out_dd = run("ksampler", dd, latent, conds=c, steps=4, thinking=2)
    out_plain = run("ksampler", model, latent, conds=c, steps=4, thinking=2)
    assert not torch.equal(out_dd, out_plain)
    assert len(masks_seen) == 4  # once per diffusion step; thinking steps use that step's mask
    regen_sizes = [int((m >= 0.5).sum()) for m in masks_seen]
    assert regen_sizes[0] < regen_sizes[-1]  # the region grows as DD's threshold falls
    keep = masks_seen[-1] < 0.5  # LanPaint keeps what the final step's mask keeps
    expected = mc.host_roundtrip(model, latent["samples"])
    assert torch.equal(out_dd[keep], expected[keep])


def test_empty_mask_returns_input_without_model_calls(models, conds):
    model, c = models["sdxl"], conds["sdxl"]
    counted, calls = counting_clone(model)
    lat = masked_latent("sdxl")["samples"]
    for path in NODE_PATHS:
        out = run(path, counted, {"samples": lat, "noise_mask": torch.zeros(1, 64, 64)}, conds=c)
        assert torch.equal(out, mc.host_roundtrip(model, lat)), path
        # LoadImage's 64x64 zero mask on a non-square image: still empty, not a shape error
        wide = masked_latent("sdxl")["samples"][..., :10]
        out = run(path, counted, {"samples": wide, "noise_mask": torch.zeros(1, 64, 64)}, conds=c)
        assert torch.equal(out, mc.host_roundtrip(model, wide)), path
    assert calls == []


def test_full_mask_is_plain_generation(models, conds):
    model, c = models["flux"], conds["flux"]
    lat = masked_latent("flux")["samples"]
    out = run("ksampler", model, {"samples": lat, "noise_mask": torch.ones(1, 64, 64)}, conds=c)
    assert torch.isfinite(out).all() and (out - lat).abs().min() > 0


def test_mismatched_mask_and_nan_latent_get_clear_errors(models, conds):
    model, c = models["sdxl"], conds["sdxl"]
    counted, calls = counting_clone(model)
    lat = masked_latent("sdxl")["samples"]
    for path in NODE_PATHS:
        bad = lat.clone()
        bad[0, 0, 0, 0] = float("nan")
        with pytest.raises(ValueError, match="NaN"):
            run(path, counted, masked_latent("sdxl") | {"samples": bad}, conds=c)
        if path == "sampler":
            continue  # SamplerCustom resizes the mask before any SAMPLER sees it (documented fallback)
        if path == "apply" and host_resizes_mask_before_outer_sample():
            continue  # newer hosts resize it before OUTER_SAMPLE too: the same fallback
        with pytest.raises(ValueError, match=r"noise mask of shape \(3, 128, 128\).*latent of shape \(1, 4, 16, 16\)"):
            run(path, counted, {"samples": lat, "noise_mask": torch.ones(3, 128, 128)}, conds=c)
        with pytest.raises(ValueError, match=r"noise mask of shape \(1, 128, 32\)"):
            run(path, counted, {"samples": lat, "noise_mask": torch.ones(1, 128, 32)}, conds=c)
    assert calls == []
    # the documented fallback: the host's resize, and LanPaint keeps what that mask keeps
    mask = torch.zeros(1, 128, 32)
    mask[..., 16:] = 1
    out = run("sampler", model, {"samples": lat, "noise_mask": mask}, conds=c)
    keep = ~latent_mask(mask, lat.shape)
    assert torch.equal(out[keep], mc.host_roundtrip(model, lat)[keep])


def host_resizes_mask_before_outer_sample():
    """ComfyUI 0.33 prepares the noise mask in CFGGuider.sample, before the OUTER_SAMPLE wrappers."""
    import inspect
    from devtools.host.comfy_env import load_comfy
    return "prepare_mask" in inspect.getsource(load_comfy().samplers.CFGGuider.sample)


def test_out_of_range_parameters_are_rejected(models, conds):
    model, c = models["sdxl"], conds["sdxl"]
    latent = masked_latent("sdxl")
    for path, kwargs, name in (("advanced", {"lambda_": 500.0}, "lam"), ("sampler", {"step_size": -1.0}, "step_size"),
                               ("apply", {"inner_scheme": "rk4"}, "scheme"), ("advanced", {"thinking": 1000}, "thinking")):
        with pytest.raises(ValueError, match=name):
            run(path, model, latent, conds=c, **kwargs)


def test_v_prediction_model(comfy):
    model = tm.tiny_sdxl_vpred(0)
    latent = masked_latent("sdxl")
    lat = latent["samples"]
    keep = ~latent_mask(latent["noise_mask"], lat.shape)
    for sampler in ("euler", "dpmpp_2m_sde"):
        out = run("ksampler", model, latent, sampler=sampler, conds=fam.conds_for("sdxl"))
        assert torch.equal(out[keep], mc.host_roundtrip(model, lat)[keep])
        assert torch.isfinite(out).all() and (out[~keep] - lat[~keep]).abs().max() > 1e-3
