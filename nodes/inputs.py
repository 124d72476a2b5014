"""Checks on what users feed the nodes: clear errors before any model call."""
import torch

# A mask is resized to the latent by interpolation; stretching it by more than this relative
# difference between the height and width factors would silently misplace the inpainted region.
MAX_ASPECT_MISMATCH = 0.05


def check_latent_values(latent: torch.Tensor):
    if not bool(torch.isfinite(latent).all()):
        raise ValueError("LanPaint: the input latent contains NaN or inf values. Check the VAE Encode "
                         "input image and any node that edits the latent before sampling.")


def check_mask_shape(mask: torch.Tensor, latent_shape):
    """The noise mask must cover the latent: batch 1 or the latent's batch, same aspect ratio.

    An empty mask (nothing >= 0.5) passes whatever its shape: nothing is regenerated, so the
    input comes back unchanged (LoadImage gives a 64x64 zero mask when no mask was drawn).
    """
    if not bool((mask >= 0.5).any()):
        return
    batch = latent_shape[0]
    mask_batch = mask.shape[0] if mask.dim() >= 3 else 1
    mh, mw = mask.shape[-2], mask.shape[-1]
    lh, lw = latent_shape[-2], latent_shape[-1]
    size_ok = mh > 0 and mw > 0 and abs(mh / lh - mw / lw) <= MAX_ASPECT_MISMATCH * max(mh / lh, mw / lw)
    if mask_batch not in (1, batch) or not size_ok:
        batches = "1" if batch == 1 else f"1 or {batch}"
        raise ValueError(
            f"LanPaint: the noise mask of shape {tuple(mask.shape)} does not match the latent of shape "
            f"{tuple(latent_shape)}. The mask needs batch {batches} and the latent's aspect ratio "
            f"({lh}x{lw} latent pixels, e.g. a {lh * 8}x{lw * 8} image mask); resize or crop the mask "
            f"together with the image.")
