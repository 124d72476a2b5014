"""Conversions between the model's native coordinates and variance-preserving (VP) ones.

The single place that knows how VE (EPS / V-prediction models: x = x0 + sigma * n) and
rectified flow (CONST models: x = (1 - t) x0 + t * n) relate to VP
(x_vp = sqrt(abar) x0 + sqrt(1 - abar) n). Every other module calls these functions.

All functions take `sigma` as a tensor broadcastable to the data (VE sigma, or flow time t
when `flow=True`) and work elementwise on the data's device, without host syncs.
"""
import torch


def native_scale(sigma: torch.Tensor, flow: bool) -> torch.Tensor:
    """Factor c with x_native = c * x_vp."""
    if flow:
        return torch.sqrt((1 - sigma) ** 2 + sigma**2)
    return torch.sqrt(1 + sigma**2)


def alpha_bar(sigma: torch.Tensor, flow: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (abar, 1 - abar), each computed directly so neither loses precision."""
    if flow:
        norm = (1 - sigma) ** 2 + sigma**2
        return (1 - sigma) ** 2 / norm, sigma**2 / norm
    norm = 1 + sigma**2
    return 1 / norm, sigma**2 / norm


def to_vp(x: torch.Tensor, sigma: torch.Tensor, flow: bool) -> torch.Tensor:
    return x / native_scale(sigma, flow)


def from_vp(x_vp: torch.Tensor, sigma: torch.Tensor, flow: bool) -> torch.Tensor:
    return x_vp * native_scale(sigma, flow)


def add_noise(x0: torch.Tensor, noise: torch.Tensor, sigma: torch.Tensor, flow: bool) -> torch.Tensor:
    """Forward-noise a clean value in native coordinates (ComfyUI's noise_scaling without max-denoise)."""
    if flow:
        return (1 - sigma) * x0 + sigma * noise
    return x0 + sigma * noise

