"""Smoke tests of the in-process ComfyUI harness (tests/host): tiny real archs and analytic
Gaussian models sampled by stock ``nodes.common_ksampler``."""
import math

import pytest
import torch

from devtools.host import analytic_models as am
from devtools.host import model_calls as mc
from devtools.host import tiny_families as fam

SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m", "heun"]
ANALYTIC_KINDS = ["eps", "v", "flow"]
SHAPE = (4, 4, 4)   # analytic latent [C,H,W]
N = 512             # samples per distribution test


@pytest.fixture(scope="module")
def tiny(comfy):
    return {name: build(seed=0) for name, build in fam.TINY_BUILDERS.items()}


# ------------------------------------------------------------------ tiny real architectures
def test_load_comfy_is_idempotent_and_on_cpu(comfy):
    from devtools.host.comfy_env import load_comfy
    assert load_comfy() is comfy
    assert comfy.cli_args.args.cpu is True
    assert comfy.device.type == "cpu"
    assert comfy.path.is_dir()


def test_tiny_model_types(comfy, tiny):
    ms = comfy.model_sampling
    assert isinstance(tiny["sdxl"].model.model_sampling, ms.EPS)
    assert not isinstance(tiny["sdxl"].model.model_sampling, ms.V_PREDICTION)
    assert isinstance(tiny["sdxl_vpred"].model.model_sampling, ms.V_PREDICTION)
    for name in ("sd3", "flux", "hidream"):
        assert isinstance(tiny[name].model.model_sampling, ms.CONST), name
    assert isinstance(tiny["flux"].model.model_sampling, ms.ModelSamplingFlux)
    assert tiny["flux"].model.diffusion_model.params.guidance_embed


@pytest.mark.parametrize("name", list(fam.TINY_BUILDERS))
def test_tiny_model_prediction_is_nontrivial(comfy, tiny, name):
    model = tiny[name]
    pos, neg = fam.conds_for(name)
    g = torch.Generator().manual_seed(11)
    shape = fam.latent_shape_for(name)
    sigma = 1.0 if "sdxl" in name else 0.5
    x1, x2 = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    d1 = mc.predict_denoised(model, x1, sigma, pos)
    d2 = mc.predict_denoised(model, x2, sigma, pos)
    d1n = mc.predict_denoised(model, x1, sigma, neg)
    assert d1.shape == x1.shape and torch.isfinite(d1).all()
    assert d1.std() > 0.05
    assert (d1 - d2).abs().mean() > 0.05, "prediction ignores the input"
    assert (d1 - d1n).abs().mean() > 1e-3, "prediction ignores the conditioning"
    # same seed -> same weights, other seed -> other weights
    again = fam.TINY_BUILDERS[name](seed=0)
    other = fam.TINY_BUILDERS[name](seed=1)
    assert torch.equal(mc.predict_denoised(again, x1, sigma, pos), d1)
    assert not torch.equal(mc.predict_denoised(other, x1, sigma, pos), d1)


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("name", list(fam.TINY_BUILDERS))
def test_tiny_model_masked_ksampler(comfy, tiny, name, sampler):
    model = tiny[name]
    pos, neg = fam.conds_for(name)
    shape = fam.latent_shape_for(name)
    lat = torch.randn(shape, generator=torch.Generator().manual_seed(5))
    mask = fam.half_mask(shape[2], shape[3])
    (out,) = comfy.nodes.common_ksampler(model, 123, 4, 2.0, sampler, "normal", pos, neg,
                                         {"samples": lat.clone(), "noise_mask": mask})
    s = out["samples"]
    assert s.shape == lat.shape and s.dtype == torch.float32
    assert torch.isfinite(s).all()
    keep = mask.expand_as(s) == 0
    _assert_kept(comfy, model, sampler, s, lat, keep)
    assert (s[~keep] - lat[~keep]).abs().mean() > 0.05


def _assert_kept(comfy, model, sampler, s, lat, keep):
    """Stock samplers keep the unmasked region up to float rounding. Where the last step returns
    the denoised value (euler_ancestral, dpmpp_2m) the output there is bit-exactly
    process_latent_out(process_latent_in(input)) (which is itself ~1 ulp off the input for
    scaled latent formats); euler / heun end with x + (x - L)/sigma * (0 - sigma), a few ulp off."""
    err = (s[keep] - lat[keep]).abs().max().item()
    assert err <= 8 * torch.finfo(torch.float32).eps * max(1.0, lat.abs().max().item()), err
    if sampler in ("euler_ancestral", "dpmpp_2m"):
        assert torch.equal(s[keep], mc.host_roundtrip(model, lat)[keep])


# ------------------------------------------------------------------ analytic Gaussian models
def _data_params(seed=0):
    g = torch.Generator().manual_seed(seed)
    mean = torch.randn(SHAPE, generator=g) * 0.3
    std = 0.4 + 0.8 * torch.rand(SHAPE, generator=g)
    return mean, std


def _analytic(kind, mean, std=None, cov=None):
    return am.analytic_gaussian_model(mean, std, flow=(kind == "flow"), v_pred=(kind == "v"), cov=cov)


def _sched(kind):
    return "karras"


def _sample(comfy, model, n, steps, sampler, scheduler, seed=0, latent=None, mask=None):
    pos, neg = am.analytic_conds()
    lat = torch.zeros((n,) + SHAPE) if latent is None else latent
    d = {"samples": lat}
    if mask is not None:
        d["noise_mask"] = mask
    (out,) = comfy.nodes.common_ksampler(model, seed, steps, 1.0, sampler, scheduler, pos, neg, d)
    return out["samples"]


@pytest.mark.parametrize("kind", ANALYTIC_KINDS)
def test_analytic_model_types(comfy, kind):
    mean, std = _data_params()
    model = _analytic(kind, mean, std)
    ms = model.model.model_sampling
    cls = {"eps": comfy.model_sampling.EPS, "v": comfy.model_sampling.V_PREDICTION,
           "flow": comfy.model_sampling.CONST}[kind]
    assert isinstance(ms, cls)
    if kind == "flow":
        assert isinstance(ms, comfy.model_sampling.ModelSamplingDiscreteFlow) and ms.shift == 3.0
    else:
        assert isinstance(ms, comfy.model_sampling.ModelSamplingDiscrete)
        assert not isinstance(ms, comfy.model_sampling.V_PREDICTION) or kind == "v"


@pytest.mark.parametrize("kind", ANALYTIC_KINDS)
def test_analytic_prediction_matches_posterior_mean(comfy, kind):
    """Host round trip (calculate_input -> net -> calculate_denoised) returns E[x0|x_t]."""
    mean, std = _data_params()
    model = _analytic(kind, mean, std)
    data = am.analytic_data(model)
    g = torch.Generator().manual_seed(2)
    for sigma in (0.05, 0.5, 0.9) if kind == "flow" else (0.05, 1.0, 10.0):
        x0 = data.sample(4, generator=g)
        n = torch.randn(x0.shape, generator=g, dtype=torch.float64)
        alpha, s = (1 - sigma, sigma) if kind == "flow" else (1.0, sigma)
        xt = (alpha * x0 + s * n).float()
        den = mc.predict_denoised(model, xt, sigma, am.analytic_conds()[0]).double()
        var = std.double() ** 2
        ref = mean + alpha * var / (alpha ** 2 * var + s ** 2) * (xt.double() - alpha * mean)
        torch.testing.assert_close(den, ref, rtol=1e-4, atol=1e-5 * max(1.0, sigma))


@pytest.mark.parametrize("kind", ANALYTIC_KINDS)
def test_analytic_euler_matches_reference_trajectory(comfy, kind):
    """Deterministic: common_ksampler euler == float64 replica on the same noise."""
    mean, std = _data_params()
    model = _analytic(kind, mean, std)
    lat = torch.zeros((8,) + SHAPE)
    out = _sample(comfy, model, 8, 12, "euler", "karras", seed=5, latent=lat)
    noise = comfy.sample.prepare_noise(lat, 5)
    ref = am.analytic_euler_reference(model, noise, mc.sigmas_for(model, "karras", 12))
    torch.testing.assert_close(out, ref.float(), rtol=1e-5, atol=1e-5)
    # and a different data std gives a measurably different trajectory
    other = _analytic(kind, mean, std * 1.1)
    ref2 = am.analytic_euler_reference(other, noise, mc.sigmas_for(other, "karras", 12))
    assert (ref2 - ref).abs().max() > 1e-2


@pytest.mark.parametrize("kind", ANALYTIC_KINDS)
def test_analytic_sampling_reproduces_data_distribution(comfy, kind):
    mean, std = _data_params()
    model = _analytic(kind, mean, std)
    s = _sample(comfy, model, N, 30, "heun", _sched(kind))
    assert torch.isfinite(s).all()
    st = am.gaussian_fit_stats(s, mean, std)
    assert st["ok_mean"], st
    assert st["ok_std"], st


def test_gaussian_fit_stats_rejects_wrong_distribution(comfy):
    """Negative controls: the same check fails for a model with the wrong std or mean,
    and for euler with 30 steps (its ~5% std bias is a real discretisation error)."""
    mean, std = _data_params()
    wrong_std = _sample(comfy, _analytic("eps", mean, std * 1.15), N, 30, "heun", "karras")
    st = am.gaussian_fit_stats(wrong_std, mean, std)
    assert not st["ok_std"] and st["std_ratio_mean"] > 1.1, st
    wrong_mean = _sample(comfy, _analytic("flow", mean + 0.3 * std, std), N, 30, "heun", "karras")
    st = am.gaussian_fit_stats(wrong_mean, mean, std)
    assert not st["ok_mean"], st
    coarse = _sample(comfy, _analytic("eps", mean, std), N, 30, "euler", "karras")
    st = am.gaussian_fit_stats(coarse, mean, std)
    assert not st["ok_std"] and st["std_ratio_mean"] < 0.97, st


def _whitened(samples, data):
    s = samples.double().reshape(samples.shape[0], -1)
    L = torch.linalg.cholesky(data.cov)
    return torch.linalg.solve_triangular(L, (s - data.mean.flatten()).T, upper=False).T


@pytest.mark.parametrize("kind", ["eps", "flow"])
def test_correlated_analytic_sampling_reproduces_covariance(comfy, kind):
    mean, _ = _data_params()
    cov = am.correlated_covariance(SHAPE, std=0.8, length_scale=1.5, channel_corr=0.5)
    model = _analytic(kind, mean, cov=cov)
    data = am.analytic_data(model)
    s = _sample(comfy, model, N, 30, "heun", "karras")
    z = _whitened(s, data)
    d = z.shape[1]
    cz = z.T @ z / N
    off = cz - torch.diag(torch.diagonal(cz))
    off_rms = (off.pow(2).sum() / (d * (d - 1))).sqrt().item() * math.sqrt(N)
    zmean_rms = z.mean(0).pow(2).mean().sqrt().item() * math.sqrt(N)
    assert abs(torch.diagonal(cz).mean().item() - 1) < 0.05
    assert off_rms < 1.3, off_rms       # ~1 when correlations are right
    assert zmean_rms < 1.6, zmean_rms   # ~1 (+ EPS max-denoise mean bias)
    # an independent model with the same marginals is clearly rejected by the same check
    indep = _analytic(kind, mean, std=data.std.float())
    z2 = _whitened(_sample(comfy, indep, N, 30, "heun", "karras"), data)
    cz2 = z2.T @ z2 / N
    off2 = cz2 - torch.diag(torch.diagonal(cz2))
    assert (off2.pow(2).sum() / (d * (d - 1))).sqrt().item() * math.sqrt(N) > 3


def test_exact_conditional_matches_precision_form(comfy):
    mean, _ = _data_params()
    cov = am.correlated_covariance(SHAPE, std=0.8, length_scale=1.5, channel_corr=0.5)
    data = am.GaussianData(mean, cov=cov)
    known = data.sample(1, generator=torch.Generator().manual_seed(3))[0]
    mask = fam.half_mask(SHAPE[1], SHAPE[2])[0]
    c = data.exact_conditional(known, mask)
    P = torch.linalg.inv(data.cov)
    u = c.idx
    k = torch.tensor([i for i in range(data.d) if i not in set(u.tolist())])
    cov_ref = torch.linalg.inv(P[u][:, u])
    mean_ref = data.mean.flatten()[u] - cov_ref @ P[u][:, k] @ (known.flatten()[k] - data.mean.flatten()[k])
    torch.testing.assert_close(c.cov, cov_ref, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(c.mean.flatten()[u], mean_ref, rtol=1e-6, atol=1e-8)
    assert torch.equal(c.mean.flatten()[k], known.flatten()[k])
    assert u.numel() == data.d // 2 and (c.std.flatten()[k] == 0).all()
    # independent data: the conditional is the marginal
    ind = am.GaussianData(mean, std=0.7)
    ci = ind.exact_conditional(known, mask)
    torch.testing.assert_close(ci.mean.flatten()[u], ind.mean.flatten()[u].double())
    torch.testing.assert_close(ci.std.flatten()[u], torch.full((u.numel(),), 0.7, dtype=torch.float64))


@pytest.mark.parametrize("kind", ["eps", "flow"])
def test_stock_masked_sampling_on_analytic_model(comfy, kind):
    """Stock inpainting keeps the known region and, for *independent* data, samples the
    exact conditional (= marginal). For correlated data it is far from the exact conditional
    (the baseline LanPaint is meant to beat) -- the harness detects that."""
    mean, std = _data_params()
    cov = am.correlated_covariance(SHAPE, std=0.8, length_scale=1.5, channel_corr=0.5)
    corr = am.analytic_data(_analytic(kind, mean, cov=cov))
    known = corr.sample(1, generator=torch.Generator().manual_seed(3))[0].float()
    mask = fam.half_mask(SHAPE[1], SHAPE[2])
    lat = known.expand((N,) + SHAPE).clone()

    indep = _analytic(kind, mean, std)
    s = _sample(comfy, indep, N, 30, "heun", "karras", latent=lat, mask=mask)
    keep = mask.expand_as(s) == 0
    _assert_kept(comfy, indep, "heun", s, lat, keep)
    u = mask.expand((1,) + SHAPE)[0].bool()
    st = am.gaussian_fit_stats(s[:, u], mean[u], std[u])
    assert st["ok"], st

    model = _analytic(kind, mean, cov=cov)
    s = _sample(comfy, model, N, 30, "heun", "karras", latent=lat, mask=mask)
    _assert_kept(comfy, model, "heun", s, lat, keep)
    c = am.analytic_data(model).exact_conditional(known, mask[0])
    st = am.gaussian_fit_stats(s.reshape(N, -1)[:, c.idx], c.mean.flatten()[c.idx], c.std.flatten()[c.idx])
    assert not st["ok_mean"] and st["mean_z2"] > 20, st
