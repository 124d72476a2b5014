"""Conditioning that follows the crop: a copy of the host's guider whose processed conds are cropped.

At SAMPLER_SAMPLE time the guider's conds are processed (comfy.samplers.process_conds): each cond is
a dict whose `model_conds` hold comfy.conds objects built at the full latent's size (c_concat of
inpainting and I2V models, the per-token denoise_mask of Wan 2.2 TI2V and LTX, reference latents),
`mask` is resized to the latent, `area` is in latent pixels, `control` is a pre-run ControlNet chain.
Everything spatial is cropped to the boxes or, where that is not possible, named, so the caller falls
back to the whole latent. The host's guider and its conds are never changed.

Several boxes of one size are one batch, box-major (lanpaint_core.crop.crop_boxes): each box's crop
of a tensor is taken at the latent's batch (a batch of 1 repeated, as the host repeats conds to the
model input's batch), so the host's own batch repetition of the stacked crops is the identity.
"""
import copy

import comfy.controlnet
import comfy.utils
import torch

from ..lanpaint_core.crop import crop_boxes, scale_box

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


class CannotBatch(Exception):
    """Conditioning whose batch cannot be stacked box by box (neither 1 nor the latent's)."""


def _spatial(t, size) -> bool:
    return torch.is_tensor(t) and t.ndim >= 3 and tuple(t.shape[-2:]) == tuple(size)


def at_batch(t, batch, boxes):
    """`t` with the latent's batch when several boxes are stacked (a batch of 1 repeated), else `t`."""
    if len(boxes) == 1 or t.shape[0] == batch:
        return t
    if t.shape[0] != 1:
        raise CannotBatch(f"a tensor of batch {t.shape[0]} with a latent of batch {batch}")
    return t.expand(batch, *t.shape[1:])


def cropped(t, boxes, batch):
    """The boxes of `t`, stacked (one box: its crop), in a tensor of their own: models may .view() a
    cond, and nothing may be a view into the host's tensor."""
    return crop_boxes(at_batch(t, batch, boxes), boxes).contiguous()


def _crop_model_cond(name, cond, boxes, size, batch):
    if name in POSITIONAL_MODEL_CONDS:
        raise CannotCrop(f"{POSITIONAL_MODEL_CONDS[name]} ({name})")
    value = getattr(cond, "cond", None)
    if _spatial(value, size):
        return cond._copy_with(cropped(value, boxes, batch))
    if isinstance(value, list) and any(_spatial(v, size) for v in value):
        return cond._copy_with([cropped(v, boxes, batch) if _spatial(v, size) else v for v in value])
    if torch.is_tensor(value) and value.ndim > 0:
        at_batch(value, batch, boxes)  # repeated by the host to the stacked batch: 1 or the latent's
    return cond


def _hint_ratio(control) -> int:
    """Hint pixels per latent pixel, as the host's ControlNet.get_control computes it."""
    vae = control.vae
    return control.compression_ratio * (vae.spacial_compression_encode() if vae is not None else 1)


def _cropped_hint(control, boxes, size, batch):
    """The part of the hint the host would give the model over the boxes: the hint resized to the
    whole latent exactly as get_control resizes it, then cropped; get_control's own resize of this
    crop to the crop's size is then the identity."""
    ratio = _hint_ratio(control)
    h, w = size
    full = comfy.utils.common_upscale(control.cond_hint_original, w * ratio, h * ratio, control.upscale_algorithm,
                                      "center")
    hint_boxes = tuple(scale_box(box, size, (h * ratio, w * ratio)) for box in boxes)
    return crop_boxes(at_batch(full, batch, boxes), hint_boxes)


class ControlCopies:
    """Cropped copies of ControlNet chains, one per chain (positive and negative often share one)."""

    def __init__(self, boxes, size, batch):
        self.boxes, self.size, self.batch = boxes, size, batch
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
        part.cond_hint_original = _cropped_hint(control, self.boxes, self.size, self.batch)
        previous = control.previous_controlnet
        part.set_previous_controlnet(None if previous is None else self(previous))
        return part

    def heads(self):
        """The copied chains' heads (what the conds hold), for pre_run and cleanup."""
        inner = {id(c.previous_controlnet) for _, c in self.copies.values() if c.previous_controlnet is not None}
        return [c for _, c in self.copies.values() if id(c) not in inner]


def _crop_cond(cond: dict, boxes, size, batch, controls) -> dict:
    for key, what in (("area", "area conditioning (Conditioning Set Area)"), ("gligen", "GLIGEN boxes")):
        if cond.get(key) is not None:
            raise CannotCrop(what)
    out = dict(cond)
    if cond.get("control") is not None:
        out["control"] = controls(cond["control"])
    if cond.get("mask") is not None:
        if not _spatial(cond["mask"], size):
            raise CannotCrop(f"conditioning mask of shape {tuple(cond['mask'].shape)}")
        out["mask"] = cropped(cond["mask"], boxes, batch)
    out["model_conds"] = {name: _crop_model_cond(name, c, boxes, size, batch)
                          for name, c in cond.get("model_conds", {}).items()}
    return out


class CroppedGuider:
    """`guider`: a shallow copy of the host's guider whose conds are cropped to `boxes` (one size,
    stacked) of a latent of spatial `size` (h, w) and batch `batch`; raises CannotCrop naming
    conditioning that cannot follow, CannotBatch when several boxes cannot be stacked. ControlNet
    copies are pre-run like the host's (comfy.samplers.pre_run_control); release() cleans them up."""

    def __init__(self, guider, boxes, size, batch):
        controls = ControlCopies(boxes, size, batch)
        conds = {kind: [_crop_cond(c, boxes, size, batch, controls) for c in cond_list]
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
