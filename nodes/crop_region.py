"""crop_padding: which box of the latent LanPaint samples, or why it samples the whole latent."""
import logging

from ..lanpaint_core.crop import covers, paste, regen_box
from .crop_conditioning import CannotCrop, CroppedGuider
from .host_model import latent_padding, spatial_alignment

log = logging.getLogger("LanPaint")


def _whole_latent(reason):
    log.warning("LanPaint: crop_padding is set but the whole latent is sampled: %s.", reason)
    return None, None


# Model patches that other packs use to apply a mask of the whole picture inside cross-attention
# (IPAdapter attention masks, regional prompting), resized to whatever input the model gets: a crop
# would squeeze the whole picture's mask into the box.
CROSS_ATTENTION_PATCHES = (("patches_replace", "attn2"), ("patches", "attn2_patch"), ("patches", "attn2_output_patch"))


def _cross_attention_patched(model_options) -> bool:
    to = model_options.get("transformer_options", {})
    return any(to.get(group, {}).get(name) for group, name in CROSS_ATTENTION_PATCHES)


def crop_plan(crop_padding, guider, latent_image, denoise_mask, model_options):
    """(box, CroppedGuider) to sample a crop, or (None, None) for the whole latent.

    Whole latent when crop_padding is -1, when the box covers the latent or nothing, and (with one
    log line saying why) for latents without a plain spatial layout and conditioning that cannot
    follow the crop. The caller releases the CroppedGuider after sampling.
    """
    if crop_padding < 0:
        return None, None
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
    model = guider.inner_model
    box = regen_box(denoise_mask, latent_padding(model, crop_padding), spatial_alignment(model), size)
    if box is None or covers(box, size):
        return None, None
    try:
        return box, CroppedGuider(guider, box, size)
    except CannotCrop as e:
        return _whole_latent(f"{e} cannot follow the crop")


def full_size_callback(callback, latent_image, box):
    """The host's callback(step, x0, x, total), given the crop pasted into the full latent, so the
    preview shows the whole picture."""
    if callback is None:
        return None

    def full_size(step, x0, x, total):
        callback(step, paste(latent_image, x0, box), paste(latent_image, x, box), total)
    return full_size
