"""Tiny REAL UNet-family models beyond SD 1.5 / SD XL (tiny_models), seeded, from the host's own classes.

Each builder takes the tiny SD XL UNet of tiny_models (channels 32, one attention level, context 64)
into the host's model class named in its docstring (comfy.supported_models), changing only what
that class's checkpoints differ in (input channels, the size embedding, temporal layers, ...).
Latents [B,4,h,w] (Stable Cascade: stage C [B,16,h,w], stage B [B,4,h,w]); Stable Video and SV3D
take the video's frames as the batch. Conditioning: devtools.host.model_classes.
"""
from __future__ import annotations

import torch

from .tiny_models import CONTEXT_DIM, POOLED_DIM, build_class, _sdxl_unet_config

__all__ = ["tiny_sd20", "tiny_sd20_vpred", "tiny_sd21_unclip", "tiny_sdxl_variant", "tiny_sdxl_refiner",
           "tiny_ip2p", "tiny_zero123", "ZERO123_CONTEXT_DIM", "tiny_svd", "tiny_cascade_c", "tiny_cascade_b"]

HEADS = {"num_head_channels": 16, "num_heads": -1}   # the full-size classes fix 64-channel heads
UNCLIP_ADM = 64            # width of the tiny unCLIP image embedding (zeros without one, as the host gives)
ZERO123_CONTEXT_DIM = 68   # Zero123's conditioning: an image embedding with 4 camera values, projected to 64


def _sd2_config(**changes):
    """SD 2.x: SD 1.5's UNet with linear transformer projections (no pooled or size embedding)."""
    return {**_sdxl_unet_config(), "num_classes": None, "adm_in_channels": None, **changes}


def tiny_sd20(seed: int = 0, v_pred: bool = False):
    """Tiny SD 2.x (SD20; EPS, or V_PREDICTION as the 768-px models with v_pred=True)."""
    sd = {"v_pred": torch.zeros(())} if v_pred else None
    return build_class("SD20", _sd2_config(), seed, sd, **HEADS)


def tiny_sd20_vpred(seed: int = 0):
    return tiny_sd20(seed, v_pred=True)


def tiny_sd21_unclip(seed: int = 0, class_name: str = "SD21UnclipL"):
    """Tiny SD 2.1 unCLIP (SD21UnclipL / SD21UnclipH): SD 2.x with an image-embedding input."""
    return build_class(class_name, _sd2_config(num_classes="sequential", adm_in_channels=UNCLIP_ADM), seed, **HEADS)


def tiny_sdxl_variant(seed: int = 0, class_name: str = "SSD1B"):
    """Tiny SD XL distillation (SSD1B, Segmind_Vega, KOALA_700M, KOALA_1B: SD XL with fewer blocks,
    the class tells them apart by depth; here each is the tiny SD XL UNet in that class)."""
    return build_class(class_name, _sdxl_unet_config(), seed, **HEADS)


def tiny_sdxl_refiner(seed: int = 0):
    """Tiny SD XL refiner (SDXLRefiner): pooled output + size, crop and aesthetic score embeddings."""
    return build_class("SDXLRefiner", dict(_sdxl_unet_config(), adm_in_channels=POOLED_DIM + 5 * 256), seed, **HEADS)


def tiny_ip2p(seed: int = 0, class_name: str = "SD15_instructpix2pix"):
    """Tiny InstructPix2Pix (SD15_ / SDXL_instructpix2pix): 8 input channels, the edited picture's
    latent concatenated (zeros without one, as the host gives)."""
    base = _sdxl_unet_config() if class_name.startswith("SDXL") else \
        dict(_sdxl_unet_config(), num_classes=None, adm_in_channels=None, use_linear_in_transformer=False)
    return build_class(class_name, dict(base, in_channels=8), seed, **HEADS)


def tiny_zero123(seed: int = 0):
    """Tiny Stable Zero123 (novel views of an object): 8 input channels and the checkpoint's
    cc_projection (image embedding + camera, ZERO123_CONTEXT_DIM -> 64)."""
    g = torch.Generator().manual_seed(seed + 1)
    weight = torch.randn(CONTEXT_DIM, ZERO123_CONTEXT_DIM, generator=g) / ZERO123_CONTEXT_DIM ** 0.5
    sd = {"cc_projection.weight": weight, "cc_projection.bias": torch.zeros(CONTEXT_DIM)}
    config = dict(_sdxl_unet_config(), num_classes=None, adm_in_channels=None, use_linear_in_transformer=False,
                  in_channels=8)
    return build_class("Stable_Zero123", config, seed, sd, **HEADS)


def tiny_svd(seed: int = 0, class_name: str = "SVD_img2vid"):
    """Tiny Stable Video Diffusion (SVD_img2vid, SV3D_u, SV3D_p): the UNet with temporal resblocks and
    attention, 8 input channels (the still's latent concatenated); the frames are the latent's batch."""
    adm = {"SVD_img2vid": 3 * 256, "SV3D_u": 256, "SV3D_p": 1280}[class_name]
    config = dict(_sdxl_unet_config(), in_channels=8, adm_in_channels=adm, use_temporal_resblock=True,
                  use_temporal_attention=True, extra_ff_mix_layer=True, use_spatial_context=True,
                  merge_strategy="learned_with_images", merge_factor=0.0, video_kernel_size=[3, 1, 1],
                  disable_temporal_crossattention=False, max_ddpm_temb_period=10000)
    return build_class(class_name, config, seed, **HEADS)


def tiny_cascade_c(seed: int = 0):
    """Tiny Stable Cascade stage C (the prior; latent [B,16,h,w], 42 image px per latent px)."""
    config = {"stable_cascade_stage": "c", "c_in": 16, "c_out": 16, "c_r": 16, "c_cond": 64, "c_hidden": [64, 64],
              "nhead": [2, 2], "blocks": [[1, 1], [1, 1]], "block_repeat": [[1, 1], [1, 1]],
              "level_config": ["CTA", "CTA"], "c_clip_text": CONTEXT_DIM, "c_clip_text_pooled": POOLED_DIM,
              "c_clip_img": 768, "c_clip_seq": 4}
    return build_class("Stable_Cascade_C", config, seed)


def tiny_cascade_b(seed: int = 0):
    """Tiny Stable Cascade stage B (the decoder stage: latent [B,4,h,w], 4 image px per latent px,
    stage C's latent as its effnet input; zeros without one, as the host gives)."""
    config = {"stable_cascade_stage": "b", "c_in": 4, "c_out": 4, "c_r": 16, "patch_size": 2, "c_cond": 64,
              "c_hidden": [32, 64, 64, 64], "nhead": [-1, -1, 2, 2], "blocks": [[1, 1, 1, 1], [1, 1, 1, 1]],
              "block_repeat": [[1, 1, 1, 1], [1, 1, 1, 1]], "level_config": ["CT", "CT", "CTA", "CTA"],
              "c_clip": POOLED_DIM, "c_clip_seq": 4, "c_effnet": 16, "c_pixels": 3}
    return build_class("Stable_Cascade_B", config, seed)
