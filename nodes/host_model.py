"""Facts about the host's BaseModel: what the crop needs (image pixels per latent pixel, spatial
alignment), which models give their kept region an input of their own (host_kept_input) and which
model families LanPaint does not apply to (not_inpaintable).

The one place for the host difference: ComfyUI 0.33.0's latent formats carry
`spacial_downscale_ratio`; 0.3.75's do not, so there the ratio comes from the latent format's class
(the values 0.33.0 declares for the formats 0.3.75 knows; every other format is 8).
"""
import math

import comfy.model_base
import torch

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


def host_kept_input(model, x, sigma, noise, latent_image, denoise_mask):
    """The model's kept-region input where the host gives it something other than the forward-noised
    latent (model_base.BaseModel.scale_latent_inpaint), else None.

    Some BaseModels treat the kept region specially: Wan 2.2 TI2V 5B (WAN22) and LTX (LTXV, LTXAV)
    label kept tokens timestep 0 (process_timestep, from the mask in the conditioning) and return
    the clean latent from scale_latent_inpaint; Hunyuan Video and Cosmos override it too. For
    those, LanPaint feeds the model exactly what the host would in the kept region (the Langevin
    dynamics then run on the regenerated region given that input); everywhere else the kept region
    carries LanPaint's own state (the BiG dynamics). Decided by comparing the model's method with the
    base class's on the first step, so no list of families is needed.
    """
    def kept(x_in, s, mask):
        return model.scale_latent_inpaint(x=x_in, sigma=s, noise=noise, latent_image=latent_image, denoise_mask=mask)
    sigma_b = sigma.reshape(1).expand(x.shape[0])
    standard = comfy.model_base.BaseModel.scale_latent_inpaint(model, x=x, sigma=sigma_b, noise=noise,
                                                               latent_image=latent_image, denoise_mask=denoise_mask)
    return None if torch.equal(kept(x, sigma_b, denoise_mask), standard) else kept


# Model families LanPaint does not apply to, by the host's model class (comfy.supported_models; a
# subclass is looked up through its bases): (the family as users know it, why).
IMAGE_TO_IMAGE = ("an image-to-image model: its sampler starts from the input picture, not from noise, and returns "
                  "a prediction made from it (FlowRVS's output is flipped to 1 - x), so there is no region to "
                  "regenerate and the kept region would not come back")
AUDIO_ONLY = ("an audio model: LanPaint inpaints pictures and video (audio only beside video, as LTX-2 and MiniMax "
              "H3 carry it)")
SHAPE_3D = "a 3-D model: its latent is a shape, with no picture to mask"
NOT_DIFFUSION = "not a diffusion model (it detects, segments or measures depth)"
NOT_INPAINTABLE = {
    "WAN21_FlowRVS": ("Wan 2.1 FlowRVS", IMAGE_TO_IMAGE),
    "LotusD": ("Lotus (depth / normals)", IMAGE_TO_IMAGE),
    "StableAudio": ("Stable Audio", AUDIO_ONLY),
    "StableAudio3": ("Stable Audio 3", AUDIO_ONLY),
    "ACEStep": ("ACE-Step", AUDIO_ONLY),
    "ACEStep15": ("ACE-Step 1.5", AUDIO_ONLY),
    "MiniMaxMusic3": ("MiniMax Music 3", AUDIO_ONLY),
    "Hunyuan3Dv2": ("Hunyuan3D 2.0", SHAPE_3D),
    "Hunyuan3Dv2_1": ("Hunyuan3D 2.1", SHAPE_3D),
    "Hunyuan3Dv2mini": ("Hunyuan3D 2 mini", SHAPE_3D),
    "TripoSplat": ("TripoSplat", SHAPE_3D),
    "Trellis2": ("TRELLIS.2", SHAPE_3D),
    "RT_DETR_v4": ("RT-DETR v4", NOT_DIFFUSION),
    "SAM3": ("SAM 3", NOT_DIFFUSION),
    "SAM31": ("SAM 3.1", NOT_DIFFUSION),
    "DepthAnything3": ("Depth Anything 3", NOT_DIFFUSION),
}
IMAGE_TO_IMAGE_TYPES = ("IMG_TO_IMG", "IMG_TO_IMG_FLOW")  # comfy.model_base.ModelType names


def not_inpaintable(model):
    """(family, why) when LanPaint does not apply to `model` (a comfy.model_base.BaseModel), else None:
    a class of NOT_INPAINTABLE, or any other model the host samples image-to-image (its ModelType) or
    that generates audio alone (its config names an audio_model), so a new host's new class of
    those kinds is refused too."""
    config = model.model_config
    for cls in type(config).__mro__:
        if cls.__name__ in NOT_INPAINTABLE:
            return NOT_INPAINTABLE[cls.__name__]
    if getattr(model.model_type, "name", None) in IMAGE_TO_IMAGE_TYPES:
        return type(config).__name__, IMAGE_TO_IMAGE
    if "audio_model" in config.unet_config:
        return type(config).__name__, AUDIO_ONLY
    return None
