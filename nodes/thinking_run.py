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

import comfy.k_diffusion.sampling

# Samplers whose function takes a noise sampler get one Brownian tree over the whole schedule, so
# their noise stays one Brownian path across the runs (a tree built per run from the same seed
# would repeat the same increments in every run). Samplers draw fresh noise from it per interval.
NOISE_SAMPLER_ARG = "noise_sampler"


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


def sample_with_thinking(ksampler, model_k, x, sigmas, plan, extra_args, progress):
    """The host's sampler function (ksampler.sampler_function) over `sigmas` from x, with plan[i] thinking
    steps by model_k (a LanPaintDenoiser) before diffusion step i."""
    noise_options = _noise_options(ksampler, x, sigmas, extra_args.get("seed"))
    ones = x.new_ones(x.shape[0])
    for start, end in thinking_segments(plan):
        if plan[start] > 0:
            x = model_k.think(x, sigmas[start] * ones, plan[start], extra_args, progress.thinking(start, x))
        # a copy: some samplers write into the schedule they are given (sample_unipc)
        x = ksampler.sampler_function(model_k, x, sigmas[start:end + 1].clone(), extra_args=extra_args,
                                      callback=progress.sampler_callback(start), disable=True,
                                      **ksampler.extra_options, **noise_options)
    return x
