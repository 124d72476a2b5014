"""Shared pieces of the crop_padding tests: masks and latents in latent-pixel boxes, and recorders
of what the model receives."""
import torch

from devtools.host import tiny_families as fam
from devtools.measure import recording

H = W = 24  # latent pixels


def regions_mask(*rects, batch=1, h=H, w=W, scale=8):
    """noise_mask at image size: 1 on rectangles (top, bottom, left, right) given in latent pixels."""
    m = torch.zeros(batch, 1, h * scale, w * scale)
    for top, bottom, left, right in rects:
        m[..., top * scale:bottom * scale, left * scale:right * scale] = 1.0
    return m


def box_mask(h=H, w=W, rows=(5, 10), cols=(12, 19), batch=1, scale=8):
    """noise_mask at image size: 1 on one rectangle given in latent pixels."""
    return regions_mask((*rows, *cols), batch=batch, h=h, w=w, scale=scale)


def latent_for(family, mask, h=H, w=W, seed=0):
    shape = fam.latent_shape_for(family, mask.shape[0], h, w)
    return {"samples": torch.randn(shape, generator=torch.Generator().manual_seed(seed)), "noise_mask": mask}


def recorder(model, what):
    """A clone of `model` that records what(args) of every model call (the host's
    model_function_wrapper args: input, timestep, c); returns it and the list of records."""
    clone, calls = recording(model, what=what)
    return clone, calls.seen


def shape_recorder(model):
    """A clone of `model` that records the spatial size of every model input."""
    return recorder(model, lambda args: tuple(args["input"].shape[-2:]))


def cond_recorder(model, key):
    """A clone of `model` that records what the model receives as conditioning `key` (c_concat, ...)."""
    return recorder(model, lambda args: args["c"].get(key))


def hint_recorder(control):
    """Record the hint the ControlNet's network receives (a forward pre-hook on the real module)."""
    seen = []
    handle = control.control_model.register_forward_pre_hook(
        lambda module, args, kwargs: seen.append(kwargs["hint"].clone()), with_kwargs=True)
    return seen, handle

