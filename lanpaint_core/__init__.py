"""LanPaint: training-free inpainting with Langevin "thinking" on the BiG score (pure PyTorch).

Public API:
    inpaint(denoise, latent, mask, sigmas, *, flow=False, thinking_steps=5, noise=None, generator=None, **params)
    LangevinRefiner  - the per-diffusion-step piece any sampler can drive
    LanPaintParams   - the method's knobs, defaults and ranges
    coordinates      - VE / VP / flow conversions
"""
from . import coordinates
from .langevin import LangevinRefiner, binarize_mask
from .params import RANGES, SCHEMES, LanPaintParams
from .sampling import euler_step, inpaint

__all__ = ["inpaint", "LangevinRefiner", "LanPaintParams", "binarize_mask", "euler_step",
           "coordinates", "RANGES", "SCHEMES"]
