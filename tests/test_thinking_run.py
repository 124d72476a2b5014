"""The sampler runs from one thinking step to the next (nodes/thinking_run.py): multistep samplers
keep LanPaint's quality, every host sampler takes a one-step run, SDE noise is one seeded path."""
import importlib
from types import SimpleNamespace

import pytest
import torch

from benchmarks.analytic import gaussian_kl
from devtools.host import analytic_models as am
from devtools.lanpaint_pack import load_pack
from tests.node_runner import run

SHAPE = (1, 2, 2)  # one latent: 4 correlated elements, the right column regenerated
N_SAMPLES = 4000
KNOWN = torch.tensor([[[1.2, 0.0], [-0.4, 0.0]]])
MASK = torch.tensor([[[0.0, 1.0], [0.0, 1.0]]])


def _thinking_run():
    return importlib.import_module(f"{load_pack().__name__}.nodes.thinking_run")


def _gaussian_model(flow, mean=0.3):
    cov = am.correlated_covariance(SHAPE, std=1.0, length_scale=1.5)
    return am.analytic_gaussian_model(torch.full(SHAPE, mean), flow=flow, cov=cov)


def _kl(model, sampler, flow, steps=10, thinking=3, seed=3):
    """KL of LanPaint FLD Sampler's samples (SamplerCustom, the same sigmas for every sampler) to the exact
    conditional."""
    target = am.analytic_data(model).exact_conditional(KNOWN, MASK)
    latent = {"samples": KNOWN.expand(N_SAMPLES, *SHAPE).clone().float(), "noise_mask": MASK}
    out = run("sampler", model, latent, conds=am.analytic_conds(), seed=seed, steps=steps, cfg=1.0,
              thinking=thinking, scheduler="simple" if flow else "karras", sampler=sampler)
    regen = MASK.expand(SHAPE).flatten().bool()
    assert torch.equal(out[:, ~MASK.expand(SHAPE).bool()], latent["samples"][:, ~MASK.expand(SHAPE).bool()])
    return gaussian_kl(out.reshape(N_SAMPLES, -1)[:, regen], target.mean.flatten()[regen], target.cov)


@pytest.mark.parametrize("flow", [False, True])
def test_multistep_samplers_keep_eulers_quality(comfy, flow):
    """Before the runs were split at the thinking steps, dpmpp_2m read each thinking step's jump as a trend
    of its x0 history (KL 15x euler's), dpmpp_2m_sde likewise, and uni_pc's corrector threw the refined
    state away (KL in the hundreds)."""
    model = _gaussian_model(flow)
    euler = _kl(model, "euler", flow)
    for sampler in ("dpmpp_2m", "dpmpp_2m_sde", "uni_pc"):
        kl = _kl(model, sampler, flow)
        print(f"flow={flow} {sampler}: KL {kl:.4f} (euler {euler:.4f})")
        assert kl <= 1.1 * euler + 0.003, (sampler, kl, euler)


@pytest.mark.parametrize("flow", [False, True])
def test_every_host_sampler_takes_a_one_step_run(comfy, flow):
    """A thinking step at every diffusion step makes every run one step long. A run that only rescales
    the state (sample_unipc on one step evaluates the model and stops) would leave the model's estimate
    out, and a run that goes a step too far would leave the thinking step's noise level behind: the mean
    after the step must move with the data's mean, as the Euler step's does, and the stochastic Adams
    samplers' as far as their SDE kin's."""
    host_sample = importlib.import_module("comfy.sample")
    thinking_run = _thinking_run()
    models = [_gaussian_model(flow, mean) for mean in (2.0, -2.0)]
    model_k = SimpleNamespace(inner_model=SimpleNamespace(model_patcher=models[0]))
    sigmas_all = comfy.samplers.calculate_sigmas(models[0].get_model_object("model_sampling"), "normal", 10).cpu()
    noise = torch.randn((256,) + SHAPE, generator=torch.Generator().manual_seed(0))
    pos, neg = am.analytic_conds()

    def moved(function, options, schedule):
        means = [float(host_sample.sample_custom(model, noise, 1.0, comfy.samplers.KSAMPLER(function, options),
                                                  schedule.clone(), pos, neg, torch.zeros_like(noise), seed=1,
                                                  disable_pbar=True).mean()) for model in models]
        return means[0] - means[1]

    euler = moved(comfy.k_diffusion_sampling.sample_euler, {}, sigmas_all[5:7])
    assert euler > 0.2
    # what it guards: left alone, uni_pc does not move on one step, nor do the stochastic Adams samplers of
    # hosts that return their state one step behind (0.3.75; 0.33.0's do move), which the probe must tell
    assert moved(comfy.samplers.sampler_object("uni_pc").sampler_function, {}, sigmas_all[5:7]) < 0.1 * euler
    behind_on_this_host = {}
    for name in ("sa_solver", "sa_solver_pece"):
        function = comfy.samplers.sampler_object(name).sampler_function
        behind_on_this_host[name] = thinking_run.one_step_behind(function, model_k, sigmas_all)
        assert (moved(function, {}, sigmas_all[5:7]) < 0.1 * euler) == behind_on_this_host[name], name
    moves = {}
    for name in comfy.samplers.SAMPLER_NAMES:
        ksampler = comfy.samplers.sampler_object(name)
        function, schedule, options = thinking_run.run_function(ksampler, model_k, sigmas_all, 5, 6,
                                                                dict(ksampler.extra_options))
        moves[name] = moved(function, options, schedule)
        assert moves[name] > 0.5 * euler, name
    # where they are not behind, the stochastic Adams samplers' one-step run is their predictor step and
    # ends where their SDE kin's does (a run a step too far moves the mean 2.3-2.6x Euler's, the SDE
    # samplers' 1.6-1.7x); where they are, the run a step further ends on their corrector
    for name in ("sa_solver", "sa_solver_pece"):
        if not behind_on_this_host[name]:
            assert abs(moves[name] - moves["dpmpp_2m_sde"]) < 0.05 * euler, (name, moves[name], moves["dpmpp_2m_sde"])


def test_sde_noise_is_seeded_and_one_path(comfy):
    """Same seed, same output; another seed, another output; and the Brownian tree spans the whole
    schedule (a tree per run from one seed would draw the same increment in every run)."""
    model = _gaussian_model(False)
    latent = {"samples": KNOWN.expand(64, *SHAPE).clone().float(), "noise_mask": MASK}

    def sample(seed):
        return run("sampler", model, latent, conds=am.analytic_conds(), seed=seed, steps=6, cfg=1.0, thinking=1,
                   scheduler="karras", sampler="dpmpp_2m_sde")
    first = sample(5)
    assert torch.equal(first, sample(5))
    assert not torch.equal(first, sample(6))
    ksampler = comfy.samplers.sampler_object("dpmpp_2m_sde")
    sigmas = torch.tensor([3.0, 2.0, 1.0, 0.5, 0.0])
    tree = _thinking_run()._noise_options(ksampler, torch.zeros(4, *SHAPE), sigmas, 7)["noise_sampler"]
    draws = [tree(sigmas[i], sigmas[i + 1]) for i in range(3)]
    assert not torch.allclose(draws[0], draws[1]) and not torch.allclose(draws[1], draws[2])


def test_thinking_segments():
    segments = _thinking_run().thinking_segments
    assert segments([5, 5, 5]) == [(0, 1), (1, 2), (2, 3)]
    assert segments([4, 0, 4, 0, 0]) == [(0, 2), (2, 5)]
    assert segments([0, 0, 3]) == [(0, 2), (2, 3)]
    assert segments([0, 0]) == [(0, 2)]
