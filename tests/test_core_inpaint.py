import pytest
import torch

import lanpaint_core as lp
from benchmarks.analytic import correlated_gaussian, gaussian_kl
from lanpaint_core.params import LM_MAX_STEP, RANGES, SCHEMES
from tests.schedules import flow_times, karras_sigmas

GAUSS = correlated_gaussian(rho=0.9)
Y_OBS = 1.5


def gaussian_problem(n: int):
    latent = torch.zeros(n, 2)
    latent[:, 1] = Y_OBS
    return latent, torch.tensor([[1.0, 0.0]])


@pytest.mark.parametrize("flow", [False, True])
def test_reaches_exact_conditional_of_2d_gaussian(flow):
    latent, mask = gaussian_problem(20_000)
    sigmas = flow_times(20) if flow else karras_sigmas(20)
    out = lp.inpaint(GAUSS.denoiser(flow), latent, mask, sigmas, flow=flow, thinking_steps=5,
                     generator=torch.Generator().manual_seed(0))
    target = GAUSS.conditional([1], torch.tensor([Y_OBS]))
    kl = gaussian_kl(out[:, :1], target.means[0], target.covs[0])
    replace = lp.inpaint(GAUSS.denoiser(flow), latent, mask, sigmas, flow=flow, thinking_steps=0,
                         generator=torch.Generator().manual_seed(0))
    kl_replace = gaussian_kl(replace[:, :1], target.means[0], target.covs[0])
    assert kl < 0.01, kl
    assert kl_replace > 10 * kl, (kl_replace, kl)


def test_kept_region_exact_and_dtype_preserved():
    g = torch.Generator().manual_seed(1)
    latent = torch.randn(3, 4, 8, 8, generator=g)
    mask = torch.zeros(3, 1, 8, 8)
    mask[:, :, 2:6, 3:7] = 1
    mask[1, :, 0, 0] = 0.7  # soft values >= 0.5 regenerate
    denoise = lambda x, s: 0.5 * x / (1 + s.reshape(-1, 1, 1, 1) ** 2)  # noqa: E731
    for dtype in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
        lat = latent.to(dtype)
        out = lp.inpaint(denoise, lat, mask, karras_sigmas(6), thinking_steps=2,
                         generator=torch.Generator().manual_seed(0))
        assert out.dtype == dtype
        keep = (mask < 0.5).expand_as(lat)
        assert torch.equal(out[keep], lat[keep])
        assert torch.isfinite(out.float()).all()
        assert not torch.equal(out[~keep], lat[~keep])


def test_low_precision_latents_match_float32_closely():
    latent, mask = gaussian_problem(4000)
    outs = {}
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        outs[dtype] = lp.inpaint(GAUSS.denoiser(False), latent.to(dtype), mask, karras_sigmas(10),
                                 thinking_steps=2, generator=torch.Generator().manual_seed(0)).float()
    # same noise, dynamics in float32: only the model-input rounding differs
    assert (outs[torch.float16] - outs[torch.float32]).abs().max() < 0.05
    assert (outs[torch.bfloat16] - outs[torch.float32]).abs().max() < 0.3


@pytest.mark.parametrize("scheme", SCHEMES)
def test_deterministic_under_fixed_generator(scheme):
    latent, mask = gaussian_problem(100)
    run = lambda seed: lp.inpaint(GAUSS.denoiser(False), latent, mask, karras_sigmas(8),  # noqa: E731
                                  thinking_steps=3, generator=torch.Generator().manual_seed(seed), scheme=scheme)
    assert torch.equal(run(5), run(5))
    assert not torch.equal(run(5), run(6))


def test_model_calls_per_step_is_inner_plus_one():
    calls = []

    def denoise(x, sigma):
        calls.append(sigma[0].item())
        return torch.zeros_like(x)

    latent, mask = gaussian_problem(4)
    lp.inpaint(denoise, latent, mask, karras_sigmas(7), thinking_steps=4, early_stop=2,
               generator=torch.Generator().manual_seed(0))
    assert len(calls) == 5 * 5 + 2 * 1


def test_pair_denoiser_drives_known_region_with_big_estimate():
    """x0_big only enters the known-region pull: changing it changes the result, and with
    x0_big == x0 the pair form equals the single form."""
    latent, mask = gaussian_problem(200)
    den = GAUSS.denoiser(False)
    single = lp.inpaint(den, latent, mask, karras_sigmas(8), thinking_steps=3,
                        generator=torch.Generator().manual_seed(0))
    same = lp.inpaint(lambda x, s: (den(x, s), den(x, s)), latent, mask, karras_sigmas(8), thinking_steps=3,
                      generator=torch.Generator().manual_seed(0))
    other = lp.inpaint(lambda x, s: (den(x, s), -den(x, s)), latent, mask, karras_sigmas(8), thinking_steps=3,
                       generator=torch.Generator().manual_seed(0))
    assert torch.equal(single, same)
    assert not torch.equal(single, other)


def test_five_d_latent_and_broadcast_mask():
    g = torch.Generator().manual_seed(0)
    latent = torch.randn(2, 4, 3, 6, 6, generator=g)
    mask = torch.zeros(1, 1, 1, 6, 6)
    mask[..., :3] = 1
    out = lp.inpaint(lambda x, s: 0.8 * x / (1 + s.reshape(-1, 1, 1, 1, 1) ** 2), latent, mask,
                     karras_sigmas(5), thinking_steps=2, generator=torch.Generator().manual_seed(0))
    assert out.shape == latent.shape
    assert torch.equal(out[..., 3:], latent[..., 3:])


def test_empty_mask_returns_input_without_model_calls():
    def denoise(x, sigma):
        raise AssertionError("no model call expected")

    latent = torch.randn(2, 4, 4, 4)
    out = lp.inpaint(denoise, latent, torch.zeros(1, 1, 4, 4), karras_sigmas(5))
    assert torch.equal(out, latent) and out is not latent


@pytest.mark.parametrize("flow", [False, True])
def test_parameters_at_range_ends_stay_finite(flow):
    latent, mask = gaussian_problem(64)
    sigmas = flow_times(6) if flow else karras_sigmas(6)
    names = ["lam", "step_size", "friction", "beta"]
    lm_top = 0.995 * LM_MAX_STEP  # the lm scheme's own upper end of step_size

    def ends(name, scheme):
        low, high = RANGES[name]
        return (low, lm_top) if scheme == "lm" and name == "step_size" else (low, high)

    for scheme in SCHEMES:
        for name in names:
            for end in ends(name, scheme):
                out = lp.inpaint(GAUSS.denoiser(flow), latent, mask, sigmas, flow=flow, thinking_steps=3,
                                 generator=torch.Generator().manual_seed(0), scheme=scheme, **{name: end})
                assert torch.isfinite(out).all(), (name, end, scheme)
        lo = {n: ends(n, scheme)[0] for n in names}
        hi = {n: ends(n, scheme)[1] for n in names}
        for combo in (lo, hi, {**lo, "lam": hi["lam"]}, {**hi, "friction": lo["friction"]}):
            out = lp.inpaint(GAUSS.denoiser(flow), latent, mask, sigmas, flow=flow, thinking_steps=3,
                             generator=torch.Generator().manual_seed(0), scheme=scheme, **combo)
            assert torch.isfinite(out).all(), (scheme, combo)


@pytest.mark.parametrize("kwargs,match", [
    ({"lam": -2.0}, "lam"), ({"step_size": 0.0}, "step_size"), ({"friction": float("nan")}, "friction"),
    ({"beta": 1e9}, "beta"), ({"early_stop": 1.5}, "early_stop"), ({"scheme": "leapfrog"}, "scheme"),
    ({"scheme": "lm", "step_size": 2.0}, "step_size"),
    ({"thinking_steps": -1}, "thinking_steps"), ({"thinking_steps": 101}, "thinking_steps"),
    ({"bogus": 1}, "bogus"),
])
def test_bad_parameters_are_rejected_clearly(kwargs, match):
    latent, mask = gaussian_problem(4)
    with pytest.raises((ValueError, TypeError), match=match):
        lp.inpaint(GAUSS.denoiser(False), latent, mask, karras_sigmas(4), **kwargs)


def test_bad_inputs_are_rejected_clearly():
    latent, mask = gaussian_problem(4)
    den = GAUSS.denoiser(False)
    with pytest.raises(ValueError, match="NaN"):
        lp.inpaint(den, torch.full_like(latent, float("nan")), mask, karras_sigmas(4))
    with pytest.raises(ValueError, match="mask contains NaN"):
        lp.inpaint(den, latent, torch.full_like(mask, float("nan")), karras_sigmas(4))
    with pytest.raises(ValueError, match="mask of shape"):
        lp.inpaint(den, latent, torch.ones(3, 2), karras_sigmas(4))
    with pytest.raises(ValueError, match="ending with 0"):
        lp.inpaint(den, latent, mask, karras_sigmas(4)[:-1])
    with pytest.raises(ValueError, match="descending"):
        lp.inpaint(den, latent, mask, torch.tensor([1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="flow times"):
        lp.inpaint(den, latent, mask, karras_sigmas(4), flow=True)


def test_inputs_are_not_mutated():
    latent, mask = gaussian_problem(16)
    noise = torch.randn(latent.shape, generator=torch.Generator().manual_seed(0))
    copies = [t.clone() for t in (latent, mask, noise)]
    lp.inpaint(GAUSS.denoiser(False), latent, mask, karras_sigmas(5), thinking_steps=2, noise=noise)
    for t, c in zip((latent, mask, noise), copies):
        assert torch.equal(t, c)
