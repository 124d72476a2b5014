"""DDRM (Kawar, Elad, Ermon, Song, "Denoising Diffusion Restoration Models", NeurIPS 2022,
arXiv 2201.11793) for the masking operator.

DDRM works in the spectral space of the degradation H. For inpainting H keeps the known pixels, so
its singular values are 1 on the known region and 0 on the unknown one, and with a noise-free
observation (sigma_y = 0) its update (their eq. 7-8) becomes, per element:
- unknown (s_i = 0): DDIM with stochasticity eta, x_next = x0 + sqrt(1 - eta^2) sigma_next eps_hat
  + eta sigma_next noise (in VE units);
- known (sigma_t >= sigma_y / s_i always): x_next ~ N((1 - eta_b) x0 + eta_b y, sigma_next^2).
Paper settings: eta = 0.85, eta_b = 1 (the known region is then the observation with fresh
noise), 20 steps. One model call per step.
"""
import torch

from lanpaint_core import binarize_mask
from lanpaint_core.coordinates import add_noise, from_vp, to_vp

from .steps import call, eta_step, final, levels, randn


def ddrm(denoise, latent, mask, sigmas, *, flow, generator, eta=0.85, eta_b=1.0):
    regen = binarize_mask(mask)
    known = latent.float()
    sig = sigmas.float()
    xv = to_vp(add_noise(torch.where(regen, 0.0, known), randn(known, generator), sig[0], flow), sig[0], flow)
    for i in range(len(sig) - 1):
        s, s_next = sig[i], sig[i + 1]
        x0 = call(denoise, from_vp(xv, s, flow), s)
        noise = randn(known, generator)
        a_n, b_n = levels(s_next, flow)
        unknown = eta_step(xv, x0, s, s_next, flow, eta, noise)
        observed = a_n * ((1 - eta_b) * x0 + eta_b * known) + b_n * noise
        xv = torch.where(regen, unknown, observed)
    return final(xv, sig[-1], flow, known, regen)
