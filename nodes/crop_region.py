"""crop_padding: which boxes of the latent LanPaint samples, or why it samples the whole latent."""
import logging
from typing import NamedTuple

import comfy.model_management
import torch

from ..lanpaint_core import binarize_mask
from ..lanpaint_core.crop import Box, TooManyRegions, covers, paste_boxes, regen_boxes, same_size_groups
from .crop_conditioning import CannotBatch, CannotCrop, CroppedGuider, cropped
from .host_model import latent_padding, spatial_alignment

log = logging.getLogger("LanPaint")


# Model patches that other packs use to apply a mask of the whole picture inside cross-attention
# (IPAdapter attention masks, regional prompting), resized to whatever input the model gets: a crop
# would squeeze the whole picture's mask into the box.
CROSS_ATTENTION_PATCHES = (("patches_replace", "attn2"), ("patches", "attn2_patch"), ("patches", "attn2_output_patch"))


def _cross_attention_patched(model_options) -> bool:
    to = model_options.get("transformer_options", {})
    return any(to.get(group, {}).get(name) for group, name in CROSS_ATTENTION_PATCHES)


class CropGroup(NamedTuple):
    """Boxes of one size sampled as one batch (box-major), and the guider cropped to them."""
    boxes: tuple[Box, ...]
    cropped: CroppedGuider


class CropPlan(NamedTuple):
    """What a run with crop_padding samples: groups of boxes, or none and the whole latent."""
    groups: tuple[CropGroup, ...] = ()
    whole_latent_because: str = ""   # why crop_padding could not crop (logged); "" where nothing asked it to


def _whole_latent(reason: str) -> CropPlan:
    log.warning("LanPaint: crop_padding is set but the whole latent is sampled: %s.", reason)
    return CropPlan(whole_latent_because=reason)


def _mask_function_call(fn, guider, sigmas, sigma, mask):
    """The host's call of a denoise-mask function (comfy.samplers.KSamplerX0Inpaint)."""
    return fn(sigma, mask, extra_options={"model": guider, "sigmas": sigmas})


def regenerated(denoise_mask, model_options, guider, sigmas) -> torch.Tensor:
    """Where the run may regenerate: mask > 0 and, under a denoise-mask function (Differential
    Diffusion), every pixel it regenerates (>= 0.5) at a scheduled sigma, evaluated on the full mask
    exactly as the sampler will call it (sigma x ones(batch)).

    Differential Diffusion regenerates mask >= threshold, and its threshold reaches 0 at the model's
    sigma_min: on schedules that end there (normal, karras, exponential) its last step regenerates
    every pixel, mask 0 included, so no box smaller than the latent leaves the rest as it is.
    """
    used = denoise_mask > 0
    fn = model_options.get("denoise_mask_function")
    if fn is not None:
        ones = torch.ones(denoise_mask.shape[0], dtype=sigmas.dtype, device=sigmas.device)
        for sigma in sigmas[:-1]:
            used = used | binarize_mask(_mask_function_call(fn, guider, sigmas, sigma * ones, denoise_mask))
    return used


def cropped_extra_args(extra_args, full_mask, boxes):
    """The sampler's extra_args for a run on the boxes. A denoise-mask function is evaluated on the
    full mask (what the whole-latent run computes) and its result cropped to the boxes, so the crop
    regenerates exactly the pixels the whole-latent run does."""
    options = extra_args["model_options"]
    fn = options.get("denoise_mask_function")
    if fn is None:
        return extra_args
    batch = full_mask.shape[0]

    def on_the_crop(sigma, denoise_mask, extra_options):
        return cropped(fn(sigma[:batch], full_mask, extra_options=extra_options), boxes, batch)
    return dict(extra_args, model_options=dict(options, denoise_mask_function=on_the_crop))


def _groups(guider, boxes, size, batch):
    """CropGroups for the boxes: one per size, or one per box where a size's boxes cannot be stacked."""
    groups = []
    try:
        for same in same_size_groups(boxes):
            try:
                groups.append(CropGroup(same, CroppedGuider(guider, same, size, batch)))
            except CannotBatch:
                groups += [CropGroup((box,), CroppedGuider(guider, (box,), size, batch)) for box in same]
    except CannotCrop:
        release(groups)
        raise
    return groups


def release(groups):
    for group in groups:
        group.cropped.release()


def crop_plan(crop_padding, guider, latent_image, denoise_mask, model_options, sigmas):
    """plan_crops' groups as nodes/sampling.py reads them: a list, or None for the whole latent."""
    return list(plan_crops(crop_padding, guider, latent_image, denoise_mask, model_options, sigmas).groups) or None


def plan_crops(crop_padding, guider, latent_image, denoise_mask, model_options, sigmas) -> CropPlan:
    """The CropGroups to sample, or the whole latent.

    One box per connected region of what the run may regenerate (regenerated), grown by crop_padding
    and merged where boxes overlap (lanpaint_core.crop.regen_boxes); boxes of one size share a batch.
    Whole latent when crop_padding is -1, when the boxes cover the latent or nothing, and (with one
    log line saying why) for latents without a plain spatial layout, conditioning that cannot follow
    the crop and masks of more regions than one run crops. The caller releases the groups after
    sampling.
    """
    if crop_padding < 0:
        return CropPlan()
    if _cross_attention_patched(model_options):
        return _whole_latent("a cross-attention patch (IPAdapter, regional prompting) may hold a mask of the "
                             "whole picture")
    packed = getattr(guider.inner_model, "latent_shapes", None)  # set by the host for NestedTensor latents
    if getattr(latent_image, "is_nested", False) or (packed is not None and len(packed) > 1):
        return _whole_latent("an audio+video latent (several latents packed into one) has no single picture "
                             "to crop")
    if latent_image.ndim not in (4, 5):
        return _whole_latent(f"a latent of shape {tuple(latent_image.shape)} has no image layout to crop")
    size = tuple(latent_image.shape[-2:])
    if tuple(denoise_mask.shape[-2:]) != size:
        return _whole_latent(f"the noise mask {tuple(denoise_mask.shape)} is not the latent's size {size}")
    used = regenerated(denoise_mask, model_options, guider, sigmas)
    if "denoise_mask_function" in model_options and bool(used.any(dim=tuple(range(used.ndim - 2))).all()) \
            and not bool((denoise_mask > 0).all()):
        return _whole_latent("the model's denoise-mask function (Differential Diffusion) regenerates every pixel "
                             "at some step of this schedule (its threshold reaches 0 at the model's sigma_min); "
                             "a scheduler whose last sigma lies above it (e.g. simple) keeps the crop")
    model = guider.inner_model
    try:
        boxes = regen_boxes(used, latent_padding(model, crop_padding), spatial_alignment(model), size,
                            comfy.model_management.throw_exception_if_processing_interrupted)
    except TooManyRegions as e:
        return _whole_latent(f"the mask has {e}; a larger crop_padding joins nearby regions")
    if not boxes or covers(boxes[0], size):
        return CropPlan()
    try:
        return CropPlan(tuple(_groups(guider, boxes, size, latent_image.shape[0])))
    except CannotCrop as e:
        return _whole_latent(f"{e} cannot follow the crop")


def full_size_callback(callback, picture, boxes):
    """The host's callback(step, x0, x, total), given the crops pasted into `picture` (the full
    latent with the groups sampled so far), so the preview shows the whole picture."""
    if callback is None:
        return None

    def full_size(step, x0, x, total):
        callback(step, paste_boxes(picture, x0, boxes), paste_boxes(picture, x, boxes), total)
    return full_size
