"""DPS and MCG: the gradient methods, which back-propagate through the denoiser at every step.

DPS (Chung, Kim, Mccann, Klasky, Ye, "Diffusion Posterior Sampling for General Noisy Inverse
Problems", ICLR 2023, arXiv 2209.14687), Algorithm 1: an ancestral (DDPM) step x'_next from x_t,
then x_next = x'_next - zeta_t grad_{x_t} ||y - A x0(x_t)||^2 with zeta_t = zeta' / ||y - A x0(x_t)||
(per image); paper setting zeta' = 1 for inpainting. No replacement: the known region is only
pulled toward the observation through the gradient.

MCG (Chung, Sim, Ryu, Ye, "Improving Diffusion Models for Inverse Problems using Manifold
Constraints", NeurIPS 2022, arXiv 2206.00941), Algorithm 1 / eq. 14-16: the same manifold-constraint
gradient step (alpha = 1, normalised by the residual's norm as above), followed by the projection
onto the measurement: the known region replaced by the observation noised to the next level.

Both cost one model call (forward and backward) per step and keep the denoiser's activations for
the backward pass: that is where their memory goes.
"""
import torch

from lanpaint_core import binarize_mask
from lanpaint_core.coordinates import add_noise, to_vp

from .steps import ancestral_step, final, noised_known, randn, residual_gradient


def _gradient_sampler(denoise, latent, mask, sigmas, *, flow, generator, step, project):
    regen = binarize_mask(mask)
    known = latent.float()
    sig = sigmas.float()
    xv = to_vp(add_noise(known, randn(known, generator), sig[0], flow), sig[0], flow)
    for i in range(len(sig) - 1):
        s, s_next = sig[i], sig[i + 1]
        x0, grad, norm = residual_gradient(denoise, xv, s, flow, known, regen)
        scale = (step / norm.clamp(min=1e-12)).reshape(-1, *([1] * (xv.dim() - 1)))
        xv = ancestral_step(xv, x0, s, s_next, flow, randn(known, generator)) - scale * grad
        if project:
            xv = noised_known(known, regen, xv, s_next, flow, randn(known, generator))
    return final(xv, sig[-1], flow, known, regen)


def dps(denoise, latent, mask, sigmas, *, flow, generator, step=1.0):
    return _gradient_sampler(denoise, latent, mask, sigmas, flow=flow, generator=generator, step=step,
                             project=False)


def mcg(denoise, latent, mask, sigmas, *, flow, generator, step=1.0):
    return _gradient_sampler(denoise, latent, mask, sigmas, flow=flow, generator=generator, step=step,
                             project=True)
