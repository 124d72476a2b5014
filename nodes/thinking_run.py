"""A host sampler run with LanPaint's thinking: the sampler runs from one thinking step to the next.

Thinking rewrites the state at the start of a diffusion step. A sampler that carries history from its
earlier steps (dpmpp_2m's previous x0 estimate, uni_pc's corrector, DEIS / iPNDM / LMS buffers, the
SDE samplers' noise) would otherwise mix the pre-thinking trajectory into its next step: its
extrapolation (1 + 1/2r) x0_i - x0_(i-1) / 2r reads the thinking's random jump as a trend and adds it
again. So each thinking step starts a new run of the host's own sampler function from the refined
state, over the steps up to the next thinking step: a multistep sampler restarts its history where
the state was rewritten (its first step is then its own first-order step), and between thinking
steps it keeps its order. Which call thinks is known by construction, not by matching sigmas.
"""
import inspect

import comfy.extra_samplers.uni_pc
import comfy.k_diffusion.sampling
import torch

# Samplers whose function takes a noise sampler get one Brownian tree over the whole schedule, so
# their noise stays one Brownian path across the runs (a tree built per run from the same seed
# would repeat the same increments in every run). Samplers draw fresh noise from it per interval.
NOISE_SAMPLER_ARG = "noise_sampler"

# Facts about host sampler functions that a run stopping at a thinking step meets; tests/test_thinking_run.py
# checks every host sampler's one-step run, so a new sampler of either kind fails a test.
# - sample_unipc cannot run a one-step schedule: it only evaluates the model there (its update loop starts
#   at the second step) and rescales the state. From a fresh history its first step is first order, the
#   DDIM step, which is the Euler step: LanPaint takes a one-step run with the host's sample_euler.
NO_ONE_STEP_RUN = (comfy.extra_samplers.uni_pc.sample_unipc, comfy.extra_samplers.uni_pc.sample_unipc_bh2)
# - the stochastic Adams samplers of some hosts (ComfyUI 0.3.75) return the state corrected at their last
#   model call, one step behind where a schedule ending above 0 stops; others (0.33.0) return the
#   prediction at the schedule's end. one_step_behind() finds out by running the host's function once on
#   a zero denoiser (no version check); LanPaint runs the ones behind one step further (one more model
#   call per run) so that they return the state at the thinking step's noise level.
MAY_RUN_ONE_STEP_BEHIND = (comfy.k_diffusion.sampling.sample_sa_solver,
                           comfy.k_diffusion.sampling.sample_sa_solver_pece)
_one_step_behind: dict = {}


class _ZeroDenoiser:
    """x0 = 0 everywhere, with the run's model behind it (the samplers read its model_sampling)."""

    def __init__(self, inner_model):
        self.inner_model = inner_model

    def __call__(self, x, sigma, **kwargs):
        return torch.zeros_like(x)


def one_step_behind(function, model_k, sigmas) -> bool:
    """Whether the host sampler `function`, run over a schedule ending above 0, returns the state one
    step before its end: from x = 1 a one-step run on a zero denoiser (deterministic: tau 0) moves the
    state unless it returns its input."""
    positive = sigmas[sigmas > 0]
    if function not in MAY_RUN_ONE_STEP_BEHIND or len(positive) < 2:
        return False
    if function not in _one_step_behind:
        x = torch.ones(1, 1, 1, 1)
        out = function(_ZeroDenoiser(model_k.inner_model), x, positive[-2:].float().cpu(), extra_args={},
                       disable=True, tau_func=lambda sigma: 0.0)
        _one_step_behind[function] = bool(torch.equal(out, x))
    return _one_step_behind[function]


def thinking_segments(plan: list[int]) -> list[tuple[int, int]]:
    """[(start, end)] step ranges: a new range at every step with thinking (and at step 0)."""
    starts = [i for i, n in enumerate(plan) if n > 0 or i == 0]
    return list(zip(starts, starts[1:] + [len(plan)]))


def _noise_options(ksampler, x, sigmas, seed) -> dict:
    if NOISE_SAMPLER_ARG in ksampler.extra_options:
        return {}
    parameters = inspect.signature(ksampler.sampler_function).parameters
    if NOISE_SAMPLER_ARG not in parameters:
        return {}
    positive = sigmas[sigmas > 0]
    tree = comfy.k_diffusion.sampling.BrownianTreeNoiseSampler(x, positive.min(), sigmas.max(), seed=seed, cpu=True)
    return {NOISE_SAMPLER_ARG: tree}


def run_function(ksampler, model_k, sigmas, start: int, end: int, options: dict):
    """(sampler function, its schedule, its keyword options) that take ksampler's sampler from sigmas[start]
    to sigmas[end] (a copy of the schedule: some samplers write into theirs, sample_unipc)."""
    function = ksampler.sampler_function
    if end - start == 1 and function in NO_ONE_STEP_RUN:
        return comfy.k_diffusion.sampling.sample_euler, sigmas[start:end + 1].clone(), {}
    if end < len(sigmas) - 1 and one_step_behind(function, model_k, sigmas):
        return function, sigmas[start:end + 2].clone(), options
    return function, sigmas[start:end + 1].clone(), options


def sample_with_thinking(ksampler, model_k, x, sigmas, plan, extra_args, progress):
    """The host's sampler function (ksampler.sampler_function) over `sigmas` from x, with plan[i] thinking
    steps by model_k (a LanPaintDenoiser) before diffusion step i."""
    options = dict(ksampler.extra_options, **_noise_options(ksampler, x, sigmas, extra_args.get("seed")))
    ones = x.new_ones(x.shape[0])
    for start, end in thinking_segments(plan):
        if plan[start] > 0:
            x = model_k.think(x, sigmas[start] * ones, plan[start], extra_args, progress.thinking(start, x))
        function, schedule, run_options = run_function(ksampler, model_k, sigmas, start, end, options)
        x = function(model_k, x, schedule, extra_args=extra_args, callback=progress.sampler_callback(start),
                     disable=True, **run_options)
    return x
