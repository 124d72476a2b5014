"""The one check for NaN / inf values, shared by the core and the ComfyUI adapter."""
import torch


def require_finite(what: str, *tensors: torch.Tensor, advice: str = "") -> None:
    """Raise ValueError naming `what` when any of `tensors` holds a NaN or inf.

    Checked once per input before sampling (one host read each), never inside the inner loop.
    """
    if not all(bool(torch.isfinite(t).all()) for t in tensors):
        raise ValueError(f"{what} contains NaN or inf values." + (f" {advice}" if advice else ""))
