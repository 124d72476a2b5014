"""`inpaint`: LanPaint inside an Euler ODE sampler (ComfyUI's `sample_euler` semantics)."""
from typing import Optional

import torch

from .coordinates import add_noise
from .langevin import Denoiser, LangevinRefiner, binarize_mask
from .params import LanPaintParams, check_thinking_steps
from .validation import require_finite


def check_inputs(latent: torch.Tensor, mask: torch.Tensor, sigmas: torch.Tensor, flow: bool) -> list[float]:
    """Validate once, before any model call; return the sigmas as Python floats."""
    if not torch.is_floating_point(latent):
        raise TypeError(f"latent must be a floating-point tensor, got {latent.dtype}")
    if latent.dim() < 2:
        raise ValueError(f"latent must be [batch, ...], got shape {tuple(latent.shape)}")
    try:
        shape = torch.broadcast_shapes(mask.shape, latent.shape)
    except RuntimeError:
        shape = None
    if shape != latent.shape:
        raise ValueError(f"mask of shape {tuple(mask.shape)} does not broadcast to the latent's "
                         f"shape {tuple(latent.shape)}")
    require_finite("latent", latent, advice="Fix the input (e.g. the VAE encode) first.")
    require_finite("mask", mask)
    require_finite("sigmas", sigmas)
    values = sigmas.detach().double().cpu().tolist()
    if sigmas.dim() != 1 or len(values) < 2 or values[-1] != 0:
        raise ValueError(f"sigmas must be a 1-D descending schedule ending with 0, got {values}")
    if any(b >= a for a, b in zip(values, values[1:])):
        raise ValueError(f"sigmas must be strictly descending, got {values}")
    if flow and values[0] > 1:
        raise ValueError(f"flow times must lie in [0, 1], got a schedule starting at {values[0]}")
    return values


def euler_step(x: torch.Tensor, x0: torch.Tensor, sigma, sigma_next) -> torch.Tensor:
    """k-diffusion Euler step; serves VE and flow alike (dx/dsigma = (x - x0) / sigma)."""
    return x + (x - x0) / sigma * (sigma_next - sigma)


@torch.no_grad()
def inpaint(denoise: Denoiser, latent: torch.Tensor, mask: torch.Tensor, sigmas: torch.Tensor, *,
            flow: bool = False, thinking_steps: int = 5, noise: Optional[torch.Tensor] = None,
            generator: Optional[torch.Generator] = None, **params) -> torch.Tensor:
    """Sample the masked region of `latent` from the model's conditional given the rest.

    denoise(x, sigma) -> x0 or (x0, x0_big), in the model's native coordinates (VE sigmas, or
    flow times with flow=True); mask: 1 = regenerate, 0 = keep (values >= 0.5 regenerate),
    broadcastable to latent. sigmas: descending, ending with 0. noise: the N(0, 1) draw that
    starts the chain (drawn from `generator` when None). params: see LanPaintParams.
    Returns a latent of latent's dtype whose kept region equals `latent` exactly.
    """
    p = LanPaintParams(**params)
    check_thinking_steps(thinking_steps)
    values = check_inputs(latent, mask, sigmas, flow)
    regen = binarize_mask(mask.to(latent.device))
    y = latent.float()
    if noise is None:
        noise = torch.randn(latent.shape, generator=generator, device=latent.device, dtype=torch.float32)
    elif noise.shape != latent.shape:
        raise ValueError(f"noise shape {tuple(noise.shape)} differs from latent shape {tuple(latent.shape)}")
    if not bool(regen.any()):
        return latent.clone()  # nothing to regenerate: no model calls

    refine = LangevinRefiner(denoise, latent, regen, noise, p, flow=flow, generator=generator)
    sig = torch.tensor(values, dtype=torch.float32, device=latent.device)
    batch = latent.shape[0]
    x = add_noise(y, noise.float(), sig[0], flow)
    for i, n in enumerate(p.thinking_plan(thinking_steps, len(values) - 1)):
        x, x0 = refine(x, sig[i].expand(batch), n)
        x = euler_step(x, x0, sig[i], sig[i + 1])
    return torch.where(regen, x, y).to(latent.dtype)
