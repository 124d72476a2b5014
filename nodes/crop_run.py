"""crop_padding's sampler runs: each group of equal boxes sampled as one batch, pasted into the kept latent."""
from ..lanpaint_core.crop import paste_boxes
from .crop_region import cropped_extra_args, full_size_callback, release


def sample_boxes(groups, sample_region, extra_args, callback, region):
    """The whole latent with every group's boxes sampled by sample_region(guider, extra_args, callback,
    region, run, runs) and pasted into region.kept; the groups are released afterwards."""
    try:
        samples, preview = None, region.latent_image
        for run, (boxes, group) in enumerate(groups):
            part = sample_region(group.guider, cropped_extra_args(extra_args, region.denoise_mask, boxes),
                                 full_size_callback(callback, preview, boxes), region.cropped(boxes), run, len(groups))
            samples = paste_boxes(region.kept.to(part.dtype) if samples is None else samples, part, boxes)
            preview = paste_boxes(preview, part, boxes) if callback is not None else preview
    finally:
        release(groups)
    return samples
