"""Facts about the host's BaseModel the crop needs: image pixels per latent pixel, spatial alignment.

The one place for the host difference: ComfyUI 0.33.0's latent formats carry
`spacial_downscale_ratio`; 0.3.75's do not, so there the ratio comes from the latent format's class
(the values 0.33.0 declares for the formats 0.3.75 knows; every other format is 8).
"""
import math

DEFAULT_DOWNSCALE = 8
DOWNSCALE_BY_FORMAT = {"Flux2": 16, "Wan22": 16, "HunyuanVideo15": 16, "HunyuanImage21": 32, "LTXV": 32,
                       "LTXAV": 32, "SC_Prior": 42, "SC_B": 4, "ChromaRadiance": 1}


def spatial_downscale(model) -> int:
    """Image pixels per latent pixel of `model` (a comfy.model_base.BaseModel)."""
    latent_format = model.latent_format
    ratio = getattr(latent_format, "spacial_downscale_ratio", None)
    if ratio is None:
        for cls in type(latent_format).__mro__:
            if cls.__name__ in DOWNSCALE_BY_FORMAT:
                return DOWNSCALE_BY_FORMAT[cls.__name__]
        return DEFAULT_DOWNSCALE
    return int(ratio)


def spatial_alignment(model) -> int:
    """Latent pixels a crop's edges snap to: the diffusion model's spatial patch size (Flux, SD3, Wan:
    2), 1 for models without patches (UNets, which handle any size)."""
    patch = getattr(model.diffusion_model, "patch_size", None)
    if isinstance(patch, int):
        return max(patch, 1)
    if isinstance(patch, (tuple, list)) and patch and all(isinstance(p, int) for p in patch):
        return math.lcm(*patch[-2:])
    return 1


def latent_padding(model, crop_padding: int) -> int:
    """crop_padding image pixels as latent pixels (rounded up)."""
    ratio = spatial_downscale(model)
    return -(-crop_padding // ratio)
