"""RePaint (Lugmayr, Danelljan, Romero, Yu, Timofte, Van Gool, "RePaint: Inpainting using Denoising
Diffusion Probabilistic Models", CVPR 2022, arXiv 2201.09865).

Each reverse step draws the unknown region from the model (DDPM's ancestral step) and the known
region from the forward process of the observation, with fresh noise. To harmonise the two, the
sampler "resamples": after every `jump` steps it jumps back up `jump` levels with the forward
kernel and walks down again, `resample - 1` more times (their Sec. 4.2 and Fig. 3; the paper uses
T = 250, jump j = 10, r = 10 resamplings). Here the walk runs on the schedule's own levels: at
20 steps a jump of 10/250 of the schedule rounds to one step.

Model calls: steps + (resample - 1) * jump * (number of jump points), the jump points being every
`jump`-th level counted from the clean end; with jump = 1 that is steps * resample.
``ancestral=False`` takes the deterministic Euler step instead of DDPM's (the resampling of
benchmarks/exactness.py, which re-noises an ODE sampler's state).
"""
import torch

from lanpaint_core import binarize_mask, euler_step
from lanpaint_core.coordinates import add_noise, from_vp, to_vp

from .steps import ancestral_step, call, final, randn, renoise


def jump_points(steps: int, jump: int) -> set:
    """Levels (0 = noisiest, steps = clean) after which the walk jumps back `jump` levels."""
    return {steps - k for k in range(0, steps - jump + 1, jump)}


def walk(steps: int, jump: int, resample: int) -> list:
    """The walk as a list of moves: ("down", i) is a model step from level i to i + 1,
    ("up", i) a forward jump from level i back to i - jump."""
    points = jump_points(steps, jump)
    moves = []
    for i in range(steps):
        moves.append(("down", i))
        if i + 1 in points:
            for _ in range(resample - 1):
                moves.append(("up", i + 1))
                moves.extend(("down", k) for k in range(i + 1 - jump, i + 1))
    return moves


def model_calls(steps: int, jump: int = 1, resample: int = 10) -> int:
    return sum(1 for kind, _ in walk(steps, jump, resample) if kind == "down")


def repaint(denoise, latent, mask, sigmas, *, flow, generator, jump=1, resample=10, ancestral=True):
    regen = binarize_mask(mask)
    known = latent.float()
    sig = sigmas.float()
    steps = len(sig) - 1
    x = add_noise(known, randn(known, generator), sig[0], flow)
    for kind, i in walk(steps, jump, resample):
        if kind == "up":
            xv = renoise(to_vp(x, sig[i], flow), sig[i], sig[i - jump], flow, randn(known, generator))
            x = from_vp(xv, sig[i - jump], flow)
            continue
        s, s_next = sig[i], sig[i + 1]
        x = torch.where(regen, x, add_noise(known, randn(known, generator), s, flow))
        x0 = call(denoise, x, s)
        if ancestral:
            xv = ancestral_step(to_vp(x, s, flow), x0, s, s_next, flow, randn(known, generator))
            x = from_vp(xv, s_next, flow)
        else:
            x = euler_step(x, x0, s, s_next)
    return final(to_vp(x, sig[-1], flow), sig[-1], flow, known, regen)
