"""Models that treat the kept region specially: Wan 2.2 TI2V 5B (the host's WAN22 BaseModel).

WAN22 labels kept tokens timestep 0 (process_timestep, from the mask in the conditioning) and its
scale_latent_inpaint returns the clean latent, so the stock sampler gives the model the clean kept
frames. LanPaint must give the model the same. Measured with an exact Gaussian denoiser mounted in
the host's WAN22 class (devtools.host.video_models.analytic_wan22_model).
"""
import importlib

import pytest
import torch

from devtools.host import analytic_models as am
from devtools.host import video_models as vm
from devtools.lanpaint_pack import load_pack
from tests.call_counts import expected_model_calls
from tests.node_runner import NODE_PATHS, run, run_stock

C, T, H, W = 4, 3, 2, 2          # latent [1, 4, 3, 2, 2]: d = 48, a full covariance
STEPS, THINKING = 3, 2


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
    assert stats["std_ratio_mean"] > 0.9, stats   # 20 Euler steps at shift 8 lose a little spread
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
