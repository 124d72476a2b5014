"""Checks on what users feed the nodes: clear errors naming the input, before any model call."""
import math

import torch

from ..lanpaint_core import binarize_mask
from ..lanpaint_core.validation import require_finite
from .host_model import not_inpaintable

# A mask is resized to the latent by interpolation; stretching it by more than this relative
# difference between the height and width factors would silently misplace the inpainted region.
MAX_ASPECT_MISMATCH = 0.05


def parts(tensor):
    """The sub-tensors of a ComfyUI NestedTensor (audio+video latents, LTX-2), or [tensor]."""
    return list(tensor.unbind()) if getattr(tensor, "is_nested", False) else [tensor]


def check_finite_inputs(**inputs):
    """Every float input must be a finite number (NaN would pass range checks or crash later)."""
    for name, value in inputs.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"LanPaint: the input '{name}' must be a finite number, got {value!r}.")


def check_inpaintable(model):
    """LanPaint applies to `model` (a comfy.model_base.BaseModel): else an error naming its family and why."""
    found = not_inpaintable(model)
    if found is not None:
        family, why = found
        raise ValueError(f"LanPaint: {family} is {why}. LanPaint inpaints with picture and video generation "
                         f"models; sample this model with the stock sampler nodes, without LanPaint.")


def check_latent_values(latent: torch.Tensor):
    require_finite("LanPaint: the input latent", *parts(latent),
                   advice="Check the VAE Encode input image and any node that edits the latent before sampling.")


def check_mask_values(mask):
    """A NaN anywhere in the noise mask is an error (it would otherwise read as 'keep')."""
    require_finite("LanPaint: the noise mask", *parts(mask),
                   advice="Check the node that made the mask (Load Image alpha, mask arithmetic, "
                          "Set Latent Noise Mask input).")


def check_sigmas(sigmas):
    require_finite("LanPaint: the sigmas", sigmas, advice=f"Check the scheduler node: {sigmas.tolist()}")


def mask_batch(mask_shape, latent_shape):
    """Batch of a noise mask as ComfyUI reads it for this latent (comfy.utils.reshape_mask).

    Image latent [B,C,h,w]: [b,H,W] or [b,c,H,W] has batch b, [H,W] batch 1 (the host reads a
    mask's leading dims as batch; a latent-shaped [B,C,H,W] mask is accepted as batch B).
    Video latent [B,C,T,h,w]: a mask of fewer than 5 dims ([frames,1,H,W], [frames,H,W], [H,W]) is
    the frames of one video, resampled over time and used for every video: batch 1; a 5-D mask
    [b,1,frames,H,W] has batch b. A mask of fewer than 2 dims has no H and W: 0, which matches no
    latent. Other latents (the host's packed audio+video [B,1,N]) have no spatial reading: None.
    """
    if len(mask_shape) < 2:
        return 0
    if len(latent_shape) == 5:
        return mask_shape[0] if len(mask_shape) == 5 else 1
    if len(latent_shape) == 4:
        return mask_shape[0] if len(mask_shape) >= 3 else 1
    return None


def check_mask_shape(mask: torch.Tensor, latent_shape, audio: bool = False):
    """The noise mask must cover the latent: batch 1 or the latent's batch, same aspect ratio.

    Batch follows ComfyUI's own reading (mask_batch). An empty mask (nothing >= 0.5) passes
    whatever its shape: nothing is regenerated, so the input comes back unchanged (LoadImage gives
    a 64x64 zero mask when no mask was drawn). ``audio``: the mask and latent are the audio part of
    an audio+video latent ([batch, channels, frames, frequency bins]); the error says so.
    """
    if not bool(binarize_mask(mask).any()):
        return
    mask_shape, batch = tuple(mask.shape), latent_shape[0]
    found = mask_batch(mask_shape, latent_shape)
    if found is None:
        return
    size_ok = len(mask_shape) >= 2 and mask_shape[-2] > 0 and mask_shape[-1] > 0
    if size_ok:
        fh, fw = mask_shape[-2] / latent_shape[-2], mask_shape[-1] / latent_shape[-1]
        size_ok = abs(fh - fw) <= MAX_ASPECT_MISMATCH * max(fh, fw)
    if found not in (1, batch) or not size_ok:
        lh, lw = latent_shape[-2], latent_shape[-1]
        batches = "1" if batch == 1 else f"1 or {batch}"
        if audio:
            raise ValueError(
                f"LanPaint: the audio part of the noise mask, of shape {mask_shape}, does not match the audio "
                f"latent of shape {tuple(latent_shape)} [batch, channels, frames, frequency bins]. The audio mask "
                f"needs batch {batches} and the audio latent's {lh} frames x {lw} bins, e.g. shape "
                f"(1, 1, {lh}, {lw}) with 1 where the audio is regenerated; make it from the audio latent's own "
                f"shape, not from an image or video mask.")
        video = (" For a video latent, a mask [frames, 1, H, W] holds one video's frames (used for every "
                 "video); give per-video masks as [videos, 1, frames, H, W].") if len(latent_shape) == 5 else ""
        raise ValueError(
            f"LanPaint: the noise mask of shape {mask_shape} does not match the latent of shape "
            f"{tuple(latent_shape)}. The mask needs batch {batches} and the latent's aspect ratio "
            f"({lh}x{lw} latent pixels, e.g. a {lh * 8}x{lw * 8} image mask); resize or crop the mask "
            f"together with the image.{video}")


def check_noise_mask(mask, samples):
    """check_mask_values and check_mask_shape for a LATENT's noise_mask, per part of a NestedTensor.

    A plain mask on a NestedTensor latent belongs to its first part, and parts without a mask are
    filled by the host (comfy.samplers.CFGGuider.sample), so only the parts a mask exists for are checked.
    The host's audio+video latents (LTX-2) hold the video first, then the audio.
    """
    check_mask_values(mask)
    for i, (part_mask, part) in enumerate(zip(parts(mask), parts(samples))):
        check_mask_shape(part_mask, part.shape, audio=i > 0)
