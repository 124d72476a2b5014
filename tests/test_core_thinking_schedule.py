"""How many thinking steps each diffusion step gets: think_every, think_from, early_stop and the falling
taper (LanPaintParams.thinking_plan is the one rule)."""
from collections import Counter

import pytest
import torch

import lanpaint_core as lp
from benchmarks.analytic import correlated_gaussian
from tests.schedules import flow_times, karras_sigmas

GAUSS = correlated_gaussian(rho=0.9)


def problem(n: int):
    latent = torch.zeros(n, 2)
    latent[:, 1] = 1.5
    return latent, torch.tensor([[1.0, 0.0]])


def calls_per_step(sigmas, thinking_steps, flow=False, **params):
    """Model calls at each diffusion step (the calls' sigma names the step)."""
    seen = Counter()
    den = GAUSS.denoiser(flow)

    def denoise(x, sigma):
        seen[float(sigma[0])] += 1
        return den(x, sigma)

    latent, mask = problem(256)
    out = lp.inpaint(denoise, latent, mask, sigmas, flow=flow, thinking_steps=thinking_steps,
                     generator=torch.Generator().manual_seed(0), **params)
    assert torch.equal(out[:, 1], latent[:, 1])  # kept region exact
    return [seen[float(s)] for s in sigmas[:-1]], out


@pytest.mark.parametrize("steps", [1, 7, 20])
@pytest.mark.parametrize("thinking_steps", [0, 1, 5, 8])
def test_rule_never_exceeds_the_budget(steps, thinking_steps):
    for params in (lp.LanPaintParams(), lp.LanPaintParams(taper="falling"), lp.LanPaintParams(think_from=0.5),
                   lp.LanPaintParams(taper="falling", think_from=0.3, early_stop=2)):
        counts = params.thinking_plan(thinking_steps, steps)
        assert all(0 <= c <= thinking_steps for c in counts), (params, counts)


def test_falling_taper_and_think_from_counts():
    falling = lp.LanPaintParams(taper="falling")
    counts = falling.thinking_plan(5, 20)
    assert counts[0] == 5 and counts[-1] == 1 and counts == sorted(counts, reverse=True)
    assert sum(counts) == 60
    late = lp.LanPaintParams(think_from=0.5)
    assert late.thinking_plan(5, 20) == [0] * 10 + [5] * 10
    assert lp.LanPaintParams(think_every=2).thinking_plan(3, 6) == [0, 3, 0, 3, 0, 3]


@pytest.mark.parametrize("params", [dict(taper="falling"), dict(think_from=0.4), dict(think_from=0.4, early_stop=3)])
def test_model_calls_follow_the_rule(params):
    sigmas = karras_sigmas(10)
    counts, _ = calls_per_step(sigmas, 4, **params)
    rule = lp.LanPaintParams(**params)
    assert counts == [n + 1 for n in rule.thinking_plan(4, 10)]


def test_schedules_are_deterministic_and_keep_a_batched_kept_region_exact():
    g = torch.Generator().manual_seed(3)
    latent = torch.randn(2, 4, 8, 8, generator=g)
    mask = torch.zeros(2, 1, 8, 8)
    mask[:, :, 2:6, 1:5] = 1
    denoise = lambda x, s: 0.7 * x / (1 + s.reshape(-1, 1, 1, 1) ** 2)  # noqa: E731
    run = lambda: lp.inpaint(denoise, latent, mask, karras_sigmas(8), thinking_steps=4, think_every=2,  # noqa: E731
                             taper="falling", generator=torch.Generator().manual_seed(0))
    out = run()
    keep = (mask < 0.5).expand_as(latent)
    assert torch.equal(out[keep], latent[keep])
    assert torch.equal(out, run())


@pytest.mark.parametrize("kwargs,match", [
    ({"taper": "rising"}, "taper"), ({"think_every": 0}, "think_every"), ({"think_every": 1.5}, "think_every"),
    ({"think_every": True}, "think_every"), ({"think_from": float("nan")}, "think_from"), ({"think_from": 1.5}, "think_from"),
])
def test_bad_schedule_knobs_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lp.LanPaintParams(**kwargs)
