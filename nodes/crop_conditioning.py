"""Conditioning that follows the crop: a copy of the host's guider whose processed conds are cropped.

At SAMPLER_SAMPLE time the guider's conds are processed (comfy.samplers.process_conds): each cond is
a dict whose `model_conds` hold comfy.conds objects built at the full latent's size (c_concat of
inpainting and I2V models, the per-token denoise_mask of Wan 2.2 TI2V and LTX, reference latents),
`mask` is resized to the latent, `area` is in latent pixels, `control` is a pre-run ControlNet chain.
Everything spatial is cropped to the box or, where that is not possible, named, so the caller falls
back to the whole latent. The host's guider and its conds are never changed.
"""
import copy

import torch

from ..lanpaint_core.crop import crop


# Model conds laid out in full-latent token or pixel coordinates other than a trailing (h, w):
# Flux-family regional attention masks (token grid), LTX keyframe guides (pixel positions).
POSITIONAL_MODEL_CONDS = {"attention_mask": "a regional attention mask", "keyframe_idxs": "LTX keyframe guides",
                          "guide_attention_entries": "LTX guide attention"}


class CannotCrop(Exception):
    """Conditioning the crop cannot follow; the message names it."""


def _spatial(t, size) -> bool:
    return torch.is_tensor(t) and t.ndim >= 3 and tuple(t.shape[-2:]) == tuple(size)


def _crop_model_cond(name, cond, box, size):
    if name in POSITIONAL_MODEL_CONDS:
        raise CannotCrop(f"{POSITIONAL_MODEL_CONDS[name]} ({name})")
    value = getattr(cond, "cond", None)
    if _spatial(value, size):
        return cond._copy_with(crop(value, box))
    if isinstance(value, list) and any(_spatial(v, size) for v in value):
        return cond._copy_with([crop(v, box) if _spatial(v, size) else v for v in value])
    return cond


def _crop_cond(cond: dict, box, size) -> dict:
    for key, what in (("area", "area conditioning (Conditioning Set Area)"),
                      ("gligen", "GLIGEN boxes"), ("control", "ControlNet / T2I-Adapter hint")):
        if cond.get(key) is not None:
            raise CannotCrop(what)
    out = dict(cond)
    if "mask" in cond:
        if not _spatial(cond["mask"], size):
            raise CannotCrop(f"conditioning mask of shape {tuple(cond['mask'].shape)}")
        out["mask"] = crop(cond["mask"], box)
    out["model_conds"] = {name: _crop_model_cond(name, c, box, size)
                          for name, c in cond.get("model_conds", {}).items()}
    return out


def cropped_guider(guider, box, size):
    """A shallow copy of `guider` whose conds are cropped to `box` of a latent of spatial `size`
    (h, w); raises CannotCrop naming conditioning that cannot follow."""
    conds = {kind: [_crop_cond(c, box, size) for c in cond_list] for kind, cond_list in guider.conds.items()}
    view = copy.copy(guider)
    view.conds = conds
    return view
