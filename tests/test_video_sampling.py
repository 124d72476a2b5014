"""Video latents through LanPaint: per-frame masks on 5-D latents, and kept frames the model treats itself.

Per-frame masks (tiny Wan 2.1/2.2 T2V and TI2V 5B): SetLatentNoiseMask on a video gives
[frames, 1, H, W]; comfy.utils.reshape_mask reads dim 0 as frames for a 5-D latent and resamples it
over time (Wan: latent T = (frames - 1) / 4 + 1), for every video of the batch; a 5-D mask
[videos, 1, frames, H, W] holds one mask per video.

Kept frames (Wan 2.2 TI2V 5B, the host's WAN22 BaseModel): WAN22 labels kept tokens timestep 0
(process_timestep, from the mask in the conditioning) and its scale_latent_inpaint returns the clean
latent, so the stock sampler gives the model the clean kept frames. LanPaint must give the model the
same. Measured with an exact Gaussian denoiser mounted in the host's WAN22 class
(devtools.host.video_models.analytic_wan22_model).
"""
import importlib
import math

import pytest
import torch

from devtools.host import analytic_models as am
from devtools.host import model_calls as mc
from devtools.host import video_models as vm
from devtools.lanpaint_pack import load_pack
from tests.call_counts import expected_model_calls
from tests.node_runner import NODE_PATHS, counting_clone, latent_mask, run, run_stock

FRAMES = 9        # pixel frames; Wan's VAE gives T = 3 latent frames
STEPS, THINKING = 3, 2
C, T, H, W = 4, 3, 2, 2          # the analytic WAN22 latent [1, 4, 3, 2, 2]: d = 48, a full covariance


@pytest.fixture(scope="module")
def wan(comfy):
    return {family: build(0) for family, build in vm.WAN_BUILDERS.items()}


def _latent(family, batch=1, seed=0):
    shape = vm.wan_latent_shape(family, batch)
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def _per_frame_mask(h, w):
    """[frames, 1, H, W]: right half regenerated, and the whole last third of the clip."""
    mask = torch.zeros(FRAMES, 1, h * 8, w * 8)
    mask[..., w * 4:] = 1
    mask[2 * FRAMES // 3:] = 1
    return mask


def _check(model, latent, mask, path, sampler="euler"):
    counted, calls = counting_clone(model)
    out = run(path, counted, {"samples": latent, "noise_mask": mask}, conds=vm.wan_conds(), steps=STEPS,
              thinking=THINKING, sampler=sampler)
    keep = ~latent_mask(mask, latent.shape)
    assert keep.any() and (~keep).any()
    expected = mc.host_roundtrip(model, latent)
    assert torch.isfinite(out).all()
    assert torch.equal(out[keep], expected[keep]), (out[keep] - expected[keep]).abs().max()
    assert (out[~keep] - latent[~keep]).abs().max() > 1e-3
    return out, calls


@pytest.mark.parametrize("family", list(vm.WAN_BUILDERS))
@pytest.mark.parametrize("path", NODE_PATHS)
def test_per_frame_mask_on_a_video(wan, family, path):
    latent = _latent(family)
    mask = _per_frame_mask(*latent.shape[-2:])
    out, calls = _check(wan[family], latent, mask, path)
    assert len(calls) == expected_model_calls(STEPS, THINKING)
    # the last latent frame is regenerated whole, the first keeps its left half
    assert (out[:, :, -1] - latent[:, :, -1]).abs().amin() > 0
    assert torch.equal(out[:, :, 0, :, :4], mc.host_roundtrip(wan[family], latent)[:, :, 0, :, :4])


@pytest.mark.parametrize("path", NODE_PATHS)
def test_one_frame_mask_broadcasts_over_time(wan, path):
    latent = _latent("wan22_t2v")
    h, w = latent.shape[-2:]
    mask = torch.zeros(1, h * 8, w * 8)
    mask[..., : h * 4, :] = 1
    out, calls = _check(wan["wan22_t2v"], latent, mask, path, sampler="dpmpp_2m")
    assert len(calls) == expected_model_calls(STEPS, THINKING)


@pytest.mark.parametrize("path", NODE_PATHS)
def test_batch_of_videos(wan, path):
    latent = _latent("wan22_t2v", batch=2, seed=3)
    h, w = latent.shape[-2:]
    # one video's frames, used for both videos
    _check(wan["wan22_t2v"], latent, _per_frame_mask(h, w), path)
    # one mask per video: [videos, 1, frames, H, W]
    per_video = torch.zeros(2, 1, FRAMES, h * 8, w * 8)
    per_video[0, ..., w * 4:] = 1
    per_video[1, :, : FRAMES // 2] = 1
    _check(wan["wan22_t2v"], latent, per_video, path, sampler="euler_ancestral")


# The KSampler nodes see the LATENT's own mask. Apply LanPaint and LanPaint Sampler see it only as
# the host hands it on (resized already on newer hosts) and keep what that resized mask keeps.
@pytest.mark.parametrize("path", ("ksampler", "advanced"))
def test_video_mask_that_does_not_fit_is_a_clear_error(wan, path):
    latent = _latent("wan22_t2v", batch=2)
    h, w = latent.shape[-2:]
    counted, calls = counting_clone(wan["wan22_t2v"])
    for mask, message in ((torch.ones(3, 1, FRAMES, h * 8, w * 8), r"noise mask of shape \(3, 1, 9, 64, 64\)"),
                          (torch.ones(FRAMES, 1, h * 8, w * 4), r"noise mask of shape \(9, 1, 64, 32\)")):
        with pytest.raises(ValueError, match=message + ".*videos, 1, frames"):
            run(path, counted, {"samples": latent, "noise_mask": mask}, conds=vm.wan_conds())
    assert calls == []


# ----------------------------------------------------------------------------- kept frames (WAN22)
@pytest.fixture(scope="module")
def analytic(comfy):
    g = torch.Generator().manual_seed(0)
    mean = 0.5 * torch.randn(C, T, H, W, generator=g)
    cov = am.correlated_covariance((C, T * H, W), std=0.8, length_scale=1.5)  # frames correlated
    model = vm.analytic_wan22_model(mean, cov)
    y = model.model.diffusion_model.data.sample(1, generator=g).float()
    return model, y


def _first_frame_kept(batch=1):
    """What Wan22ImageToVideoLatent does for TI2V: the first latent frame kept, the rest generated."""
    mask = torch.ones(batch, 1, T, H * 8, W * 8)
    mask[:, :, 0] = 0
    return mask


def _inputs_seen(model, fn):
    net = model.model.diffusion_model
    net.log.clear()
    net.record = True
    try:
        out = fn()
    finally:
        net.record = False
    return out, list(net.log)


@pytest.mark.parametrize("path", NODE_PATHS)
def test_kept_frames_get_what_the_host_gives_them(analytic, path):
    model, y = analytic
    latent = {"samples": y, "noise_mask": _first_frame_kept()}
    conds = vm.analytic_video_conds()
    _, stock = _inputs_seen(model, lambda: run_stock(path, model, latent, conds=conds, steps=STEPS, cfg=1.0))
    out, seen = _inputs_seen(model, lambda: run(path, model, latent, conds=conds, steps=STEPS, thinking=THINKING,
                                                cfg=1.0))
    assert len(seen) == expected_model_calls(STEPS, THINKING)
    for x, frame_t in stock + seen:
        assert torch.equal(x[:, :, 0], y[:, :, 0])       # the clean kept frame ...
        assert (frame_t[:, 0] == 0).all()                 # ... labelled timestep 0
        assert (frame_t[:, 1:] > 0).all()
    assert torch.equal(out[:, :, 0], y[:, :, 0]) and (out[:, :, 1:] - y[:, :, 1:]).abs().max() > 1e-3


def test_the_regenerated_frames_follow_the_exact_conditional(analytic):
    """Given clean kept frames, the model's score is that of p(x | y): LanPaint samples it."""
    model, y = analytic
    n = 256
    latent = {"samples": y.expand(n, -1, -1, -1, -1).clone(), "noise_mask": _first_frame_kept()}
    out = run("ksampler", model, latent, conds=vm.analytic_video_conds(), steps=20, thinking=5, cfg=1.0,
              scheduler="simple")
    regen = torch.ones(C, T, H, W, dtype=torch.bool)
    regen[:, 0] = False
    exact = model.model.diffusion_model.data.exact_conditional(y[0], regen.double())
    stats = am.gaussian_fit_stats(out[:, regen], exact.mean[regen], exact.std[regen])
    print("WAN22 analytic, 20 steps x 5 thinking, first frame kept:", stats)
    assert stats["ok_mean"], stats
    # 20 Euler steps at shift 8 lose a little spread, never gain any beyond the sampling noise of n samples
    noise = 4 * math.sqrt(1 / (2 * n * int(regen.sum())))
    assert 0.9 < stats["std_ratio_mean"] < 1 + noise, stats
    assert torch.equal(out[:, :, 0], latent["samples"][:, :, 0])


def test_the_host_decides_which_models_get_their_own_kept_input(comfy, analytic):
    """Models whose scale_latent_inpaint is BaseModel's keep LanPaint's state in the kept region."""
    host_model = importlib.import_module(f"{load_pack().__name__}.nodes.host_model")

    def decided(model, latent):
        noise = torch.randn(latent.shape, generator=torch.Generator().manual_seed(1))
        sigma = torch.tensor(0.8)
        x = model.model.model_sampling.noise_scaling(sigma, noise, latent)
        return host_model.host_kept_input(model.model, x, sigma, noise, latent, torch.ones_like(latent))

    video = torch.randn(1, 16, 3, 8, 8)
    assert decided(vm.tiny_wan22_t2v(0), video) is None                        # WAN21: BaseModel's
    assert decided(am.analytic_gaussian_model(torch.zeros(4, 4, 4), 1.0, flow=True), torch.randn(1, 4, 4, 4)) is None
    assert decided(vm.tiny_wan22_ti2v(0), torch.randn(1, 48, 3, 8, 8)) is not None   # WAN22 overrides it
    model, y = analytic
    kept = decided(model, y)
    assert kept is not None and torch.equal(kept(y + 1, torch.tensor([0.5]), None), y)
