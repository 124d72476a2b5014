"""Conditioning that follows the crop: a copy of the host's guider whose processed conds are cropped.

At SAMPLER_SAMPLE time the guider's conds are processed (comfy.samplers.process_conds): each cond is
a dict whose `model_conds` hold comfy.conds objects built at the full latent's size (c_concat of
inpainting and I2V models, the per-token denoise_mask of Wan 2.2 TI2V and LTX, reference latents),
`mask` is resized to the latent, `area` is in latent pixels, `control` is a pre-run ControlNet chain.
Everything spatial is cropped to the box or, where that is not possible, named, so the caller falls
back to the whole latent. The host's guider and its conds are never changed.
"""
import copy

import comfy.controlnet
import comfy.utils
import torch

from ..lanpaint_core.crop import crop, scale_box

# The host's ControlNet classes whose get_control resizes cond_hint_original to the model input's
# size (x compression_ratio, x the VAE's ratio when it encodes the hint) and nothing else spatial;
# a subclass from another pack may do more, so only these exact classes are cropped.
CROPPABLE_CONTROLS = tuple(getattr(comfy.controlnet, name) for name in
                           ("ControlNet", "ControlLora", "ControlNetSD35", "QwenFunControlNet")
                           if hasattr(comfy.controlnet, name))


# Model conds laid out in full-latent token or pixel coordinates other than a trailing (h, w):
# Flux-family regional attention masks (token grid), LTX keyframe guides (pixel positions).
POSITIONAL_MODEL_CONDS = {"attention_mask": "a regional attention mask", "keyframe_idxs": "LTX keyframe guides",
                          "guide_attention_entries": "LTX guide attention"}


class CannotCrop(Exception):
    """Conditioning the crop cannot follow; the message names it."""


def _spatial(t, size) -> bool:
    return torch.is_tensor(t) and t.ndim >= 3 and tuple(t.shape[-2:]) == tuple(size)


def _cropped(t, box):
    return crop(t, box).contiguous()  # models may .view() a cond; never a view into the host's tensor


def _crop_model_cond(name, cond, box, size):
    if name in POSITIONAL_MODEL_CONDS:
        raise CannotCrop(f"{POSITIONAL_MODEL_CONDS[name]} ({name})")
    value = getattr(cond, "cond", None)
    if _spatial(value, size):
        return cond._copy_with(_cropped(value, box))
    if isinstance(value, list) and any(_spatial(v, size) for v in value):
        return cond._copy_with([_cropped(v, box) if _spatial(v, size) else v for v in value])
    return cond


def _hint_ratio(control) -> int:
    """Hint pixels per latent pixel, as the host's ControlNet.get_control computes it."""
    vae = control.vae
    return control.compression_ratio * (vae.spacial_compression_encode() if vae is not None else 1)


def _cropped_hint(control, box, size):
    """The part of the hint the host would give the model over `box`: the hint resized to the whole
    latent exactly as get_control resizes it, then cropped; get_control's own resize of this crop
    to the crop's size is then the identity."""
    ratio = _hint_ratio(control)
    h, w = size
    full = comfy.utils.common_upscale(control.cond_hint_original, w * ratio, h * ratio, control.upscale_algorithm,
                                      "center")
    return crop(full, scale_box(box, size, (h * ratio, w * ratio)))


class ControlCopies:
    """Cropped copies of ControlNet chains, one per chain (positive and negative often share one)."""

    def __init__(self, box, size):
        self.box, self.size = box, size
        self.copies = {}  # id(host control) -> (host control, kept alive so its id stays unique; copy)

    def __call__(self, control):
        if id(control) not in self.copies:
            self.copies[id(control)] = (control, self._copy(control))
        return self.copies[id(control)][1]

    def _copy(self, control):
        name = type(control).__name__
        if type(control) not in CROPPABLE_CONTROLS:
            raise CannotCrop(f"a {name} hint (ControlNet / T2I-Adapter)")
        if getattr(control, "multigpu_clones", None):
            raise CannotCrop(f"a {name} hint on several GPUs")
        if control.cond_hint_original is None:
            raise CannotCrop(f"a {name} without a hint image")
        if any(c.shape[-2:] != (1, 1) for c in control.extra_concat_orig):
            raise CannotCrop(f"a {name} hint with an extra concatenated image (inpainting ControlNet)")
        part = control.copy()
        part.cond_hint_original = _cropped_hint(control, self.box, self.size)
        previous = control.previous_controlnet
        part.set_previous_controlnet(None if previous is None else self(previous))
        return part

    def heads(self):
        """The copied chains' heads (what the conds hold), for pre_run and cleanup."""
        inner = {id(c.previous_controlnet) for _, c in self.copies.values() if c.previous_controlnet is not None}
        return [c for _, c in self.copies.values() if id(c) not in inner]


def _crop_cond(cond: dict, box, size, controls) -> dict:
    for key, what in (("area", "area conditioning (Conditioning Set Area)"), ("gligen", "GLIGEN boxes")):
        if cond.get(key) is not None:
            raise CannotCrop(what)
    out = dict(cond)
    if cond.get("control") is not None:
        out["control"] = controls(cond["control"])
    if cond.get("mask") is not None:
        if not _spatial(cond["mask"], size):
            raise CannotCrop(f"conditioning mask of shape {tuple(cond['mask'].shape)}")
        out["mask"] = _cropped(cond["mask"], box)
    out["model_conds"] = {name: _crop_model_cond(name, c, box, size)
                          for name, c in cond.get("model_conds", {}).items()}
    return out


class CroppedGuider:
    """`guider`: a shallow copy of the host's guider whose conds are cropped to `box` of a latent of
    spatial `size` (h, w); raises CannotCrop naming conditioning that cannot follow. ControlNet
    copies are pre-run like the host's (comfy.samplers.pre_run_control); release() cleans them up."""

    def __init__(self, guider, box, size):
        controls = ControlCopies(box, size)
        conds = {kind: [_crop_cond(c, box, size, controls) for c in cond_list]
                 for kind, cond_list in guider.conds.items()}
        self.guider = copy.copy(guider)
        self.guider.conds = conds
        self.controls = controls.heads()
        model = guider.inner_model
        for control in self.controls:
            control.pre_run(model, lambda a: model.model_sampling.percent_to_sigma(a))

    def release(self):
        for control in self.controls:
            control.cleanup()
        self.controls = []
