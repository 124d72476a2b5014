"""CoPaint (Zhang, Ji, Zhang, Yu, Jaakkola, Chang, "Towards Coherent Image Inpainting Using Denoising
Diffusion Implicit Models", ICML 2023, arXiv 2304.03322), without its time travel.

CoPaint modifies the whole intermediate state, known and unknown region together, so that the
one-step estimate x0(x_t) matches the observation: before each deterministic DDIM step it takes
G gradient steps on x_t of ||m (y - x0(x_t))||^2 + reg ||x_t - x_t_before||^2, then steps with the
estimate at the optimised state. Settings of the authors' released configuration: G = 2,
learning rate 0.02, reg 1e-4. Left out here: the decay schedules of the learning rate and of reg,
and CoPaint-TT's time travel (RePaint-like jumps back), so this is plain CoPaint at constant rates.
Model calls per step: G (forward and backward) + 1.
"""
from lanpaint_core import binarize_mask
from lanpaint_core.coordinates import add_noise, from_vp, to_vp

from .steps import call, eta_step, final, randn, residual_gradient


def model_calls(steps: int, grad_steps: int = 2) -> int:
    return steps * (grad_steps + 1)


def copaint(denoise, latent, mask, sigmas, *, flow, generator, grad_steps=2, lr=0.02, reg=1e-4):
    regen = binarize_mask(mask)
    known = latent.float()
    sig = sigmas.float()
    noise = randn(known, generator)
    xv = to_vp(add_noise(known, noise, sig[0], flow), sig[0], flow)
    for i in range(len(sig) - 1):
        s, s_next = sig[i], sig[i + 1]
        anchor = xv
        for _ in range(grad_steps):
            _, grad, _ = residual_gradient(denoise, xv, s, flow, known, regen, reg=(reg, anchor))
            xv = xv - lr * grad
        x0 = call(denoise, from_vp(xv, s, flow), s)
        xv = eta_step(xv, x0, s, s_next, flow, 0.0, noise)  # eta = 0: the noise term vanishes
    return final(xv, sig[-1], flow, known, regen)
