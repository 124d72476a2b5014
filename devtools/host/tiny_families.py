"""Every tiny model family the tests and the test pack name: its builder, conditioning and latent.

``builder_for(family)``, ``conds_for(family)`` and ``latent_shape_for(family)`` answer for the image
families (tiny_models) and the Wan video families (video_models) alike; ``half_mask`` makes the
noise mask the tests regenerate. TINY_BUILDERS holds SD 1.5, SD XL (EPS and v-prediction), SD3,
Flux and HiDream; NEWER_FAMILIES the families whose model class only newer hosts have.
"""
from __future__ import annotations

from typing import Optional

import torch

from . import video_models
from .tiny_dits import tiny_flux2_klein, tiny_ideogram4, tiny_kandinsky5_image, tiny_krea2
from .tiny_models import (CONTEXT_DIM, POOLED_DIM, TOKENS, tiny_chroma, tiny_flux, tiny_flux2, tiny_hidream,
                          tiny_hunyuan_image, tiny_qwen_image, tiny_sd3, tiny_sd15, tiny_sdxl, tiny_sdxl_vpred,
                          tiny_zimage)
from .tiny_pixel_models import hidream_o1_conds, tiny_chroma_radiance, tiny_hidream_o1
from .tiny_video_models import tiny_minimax_h3

__all__ = [
    "sdxl_conds", "sd3_conds", "flux_conds", "hidream_conds", "text_conds", "token_mask", "plain_conds", "flux2_conds",
    "reference_latent", "qwen_image_edit_conds", "TINY_BUILDERS", "NEWER_FAMILIES", "builder_for",
    "conds_for", "latent_shape_for", "half_mask",
]


# ----------------------------------------------------------------------------- conditioning
def _gen(seed):
    return torch.Generator(device="cpu").manual_seed(int(seed))


def _tokens_pooled(seed, token_width=CONTEXT_DIM):
    g = _gen(seed)
    return (torch.randn(1, TOKENS, token_width, generator=g),
            torch.randn(1, POOLED_DIM, generator=g))


def text_conds(seed: int = 1, token_width: int = CONTEXT_DIM, pooled: bool = True, **extra):
    """(positive, negative): [[tokens [1,7,token_width], {"pooled_output": [1,32], **extra}]] each (no
    pooled_output with pooled=False: a text encoder that gives none, which some models require)."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s, token_width)
        out.append([[t, {"pooled_output": p, **extra} if pooled else dict(extra)]])
    return out[0], out[1]


def token_mask():
    """The attention mask a tokenizer gives with the tokens ([1,7] of ones, integer)."""
    return torch.ones(1, TOKENS, dtype=torch.long)


def plain_conds(seed: int = 1, **extra):
    """text_conds with a pooled output (as any real text encoder gives; see compat for why it is
    always there)."""
    return text_conds(seed, **extra)


def sdxl_conds(seed: int = 1):
    """(positive, negative) for tiny_sdxl: plain_conds with SD XL's size entries."""
    return plain_conds(seed, width=128, height=128)


def sd3_conds(seed: int = 1):
    return plain_conds(seed)


def flux_conds(seed: int = 1, guidance: float = 3.5):
    """Flux: guidance goes in the cond dict (host default 3.5 if absent)."""
    return plain_conds(seed, guidance=guidance)


def hidream_conds(seed: int = 1):
    """HiDream also needs conditioning_llama3 [1, len(llama_layers)=2, tokens=5, 48]."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        llama = torch.randn(1, 2, 5, 48, generator=_gen(s + 7))
        out.append([[t, {"pooled_output": p, "conditioning_llama3": llama}]])
    return out[0], out[1]


def flux2_conds(seed: int = 1, guidance: float = 4.0):
    return plain_conds(seed, guidance=guidance)


def reference_latent(shape=(1, 16, 1, 16, 16), seed: int = 9):
    """A reference image latent as Qwen-Image-Edit's VAE gives it ([B,16,1,h,w])."""
    return torch.randn(shape, generator=_gen(seed))


def qwen_image_edit_conds(seed: int = 1):
    """Qwen-Image-Edit: the edited image rides along as ``reference_latents`` (ReferenceLatent node)."""
    ref = reference_latent()
    return plain_conds(seed, reference_latents=[ref])


# ----------------------------------------------------------------------------- registry
_CONDS = {"sd15": plain_conds, "sdxl": sdxl_conds, "sdxl_vpred": sdxl_conds, "sd3": sd3_conds,
          "flux": flux_conds, "hidream": hidream_conds,
          "flux2": flux2_conds, "chroma": plain_conds, "hunyuan_image": plain_conds,
          "qwen_image": plain_conds, "qwen_image_edit": qwen_image_edit_conds, "zimage": plain_conds,
          "flux2_klein": plain_conds, "krea2": plain_conds, "kandinsky5_image": plain_conds,
          "chroma_radiance": plain_conds, "hidream_o1": hidream_o1_conds, "ideogram4": plain_conds}
_SHAPES = {"sd15": (4, 16, 16), "sdxl": (4, 16, 16), "sdxl_vpred": (4, 16, 16), "sd3": (16, 16, 16),
           "flux": (16, 16, 16), "hidream": (16, 16, 16),
           "flux2": (128, 8, 8), "chroma": (16, 16, 16), "hunyuan_image": (64, 8, 8),
           "qwen_image": (16, 16, 16), "qwen_image_edit": (16, 16, 16), "zimage": (16, 16, 16),
           "flux2_klein": (128, 8, 8), "krea2": (16, 16, 16), "kandinsky5_image": (16, 16, 16),
           "chroma_radiance": (3, 32, 32), "hidream_o1": (3, 64, 64), "ideogram4": (128, 8, 8)}
TINY_BUILDERS = {"sd15": tiny_sd15, "sdxl": tiny_sdxl, "sdxl_vpred": tiny_sdxl_vpred, "sd3": tiny_sd3,
                 "flux": tiny_flux, "hidream": tiny_hidream}
# Newer families (tests/test_families.py): family -> (builder, supported_models class it needs)
NEWER_FAMILIES = {"flux2": (tiny_flux2, "Flux2"), "chroma": (tiny_chroma, "Chroma"),
                  "hunyuan_image": (tiny_hunyuan_image, "HunyuanImage21"),
                  "qwen_image": (tiny_qwen_image, "QwenImage"), "qwen_image_edit": (tiny_qwen_image, "QwenImage"),
                  "zimage": (tiny_zimage, "ZImage"), "flux2_klein": (tiny_flux2_klein, "Flux2"),
                  "krea2": (tiny_krea2, "Krea2"), "kandinsky5_image": (tiny_kandinsky5_image, "Kandinsky5Image"),
                  "chroma_radiance": (tiny_chroma_radiance, "ChromaRadiance"),
                  "hidream_o1": (tiny_hidream_o1, "HiDreamO1"), "ideogram4": (tiny_ideogram4, "Ideogram4"),
                  "minimax_h3": (tiny_minimax_h3, "MiniMaxH3")}


def builder_for(name: str):
    """The tiny-model builder of any family (TINY_BUILDERS or NEWER_FAMILIES)."""
    if name in TINY_BUILDERS:
        return TINY_BUILDERS[name]
    if name in NEWER_FAMILIES:
        return NEWER_FAMILIES[name][0]
    if name in video_models.WAN_BUILDERS:
        return video_models.WAN_BUILDERS[name]
    raise ValueError("unknown tiny family %r (one of %s)"
                     % (name, ", ".join(list(TINY_BUILDERS) + list(NEWER_FAMILIES))))


def conds_for(name: str, seed: int = 1):
    """(positive, negative) conditioning for a TINY_BUILDERS / NEWER_FAMILIES / Wan key."""
    if name in _CONDS:
        return _CONDS[name](seed)
    if name in video_models.WAN_BUILDERS:
        return video_models.wan_conds(seed)
    raise ValueError("no tiny conditioning for family %r" % name)


def latent_shape_for(name: str, batch: int = 1, h: Optional[int] = None, w: Optional[int] = None):
    """[B,C,h,w] latent shape of a family; Wan keys give [B,C,3,h,w] (video_models.wan_latent_shape)."""
    if name not in _SHAPES:
        if name in video_models.WAN_BUILDERS:
            return video_models.wan_latent_shape(name, batch, h=h or 8, w=w or 8)
    c, dh, dw = _SHAPES[name]
    return (batch, c, h or dh, w or dw)


# ----------------------------------------------------------------------------- masks
def half_mask(h: int, w: int, batch: int = 1, right: bool = True, frames: Optional[int] = None) -> torch.Tensor:
    """noise_mask [batch,1,h,w] ([batch,1,frames,h,w] for a video latent): 1 (regenerate) on the right
    half (left half if right=False)."""
    m = torch.zeros((batch, 1) + (() if frames is None else (frames,)) + (h, w))
    if right:
        m[..., w // 2:] = 1.0
    else:
        m[..., : w // 2] = 1.0
    return m
