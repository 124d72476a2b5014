"""Tiny REAL pixel-space models (no VAE: the latent is the RGB picture [B,3,H,W]), seeded, from the host's classes.

Chroma Radiance (the host's detection), Z-Image pixel space, PixelDiT and HiDream-O1 (their model
classes, comfy.supported_models). HiDream-O1 reads token ids, not text embeddings: hidream_o1_conds.
"""
from __future__ import annotations

import torch

from .tiny_models import CONTEXT_DIM, _build_config, _flux_signature, _meta, build_class, detected_config

__all__ = ["tiny_chroma_radiance", "tiny_zimage_pixel", "tiny_pixeldit", "tiny_hidream_o1", "hidream_o1_token_ids",
           "hidream_o1_conds"]


def tiny_chroma_radiance(seed: int = 0):
    """Tiny Chroma Radiance (ChromaRadiance: Chroma on 4 x 4 pixel patches with a NeRF-style decoder head)."""
    signature = _flux_signature(vec=None, guidance=False, chroma=True)
    del signature["img_in.weight"]
    signature.update({"nerf_blocks.0.norm.scale": _meta(16), "img_in_patch.weight": _meta(64, 3, 4, 4)})
    cfg = detected_config(signature, axes_dim=[8, 12, 12], num_heads=2, out_dim=64, hidden_dim=64, n_layers=1,
                          nerf_hidden_size=16, nerf_depth=1, nerf_tile_size=0)
    return _build_config(cfg, seed)


def tiny_zimage_pixel(seed: int = 0):
    """Tiny Z-Image pixel space (ZImagePixelSpace: Z-Image's NextDiT on 4 x 4 pixel patches with an MLP
    decoder; Z-Image's modulation needs width >= 256)."""
    config = {"image_model": "zimage_pixel", "patch_size": 4, "in_channels": 3, "dim": 256, "n_layers": 1,
              "n_refiner_layers": 1, "n_heads": 2, "n_kv_heads": 2, "cap_feat_dim": CONTEXT_DIM,
              "axes_dims": [32, 48, 48], "axes_lens": [64, 64, 64], "qk_norm": True, "z_image_modulation": True,
              "time_scale": 1000.0, "pad_tokens_multiple": 32, "ffn_dim_multiplier": 1.0, "multiple_of": 32,
              "decoder_hidden_size": 32, "decoder_num_res_blocks": 1, "decoder_max_freqs": 4,
              "decoder_in_channels": 4 * 4 * 3}
    return build_class("ZImagePixelSpace", config, seed)


def tiny_pixeldit(seed: int = 0):
    """Tiny PixelDiT text-to-image (PixelDiTT2I: 8 x 8 patches, then per-pixel blocks)."""
    config = {"image_model": "pixeldit_t2i", "num_groups": 2, "hidden_size": 64, "pixel_hidden_size": 8,
              "pixel_attn_hidden_size": 32, "pixel_num_groups": 2, "patch_depth": 1, "pixel_depth": 1,
              "patch_size": 8, "txt_embed_dim": CONTEXT_DIM, "txt_max_length": 16}
    return build_class("PixelDiTT2I", config, seed)


def tiny_hidream_o1(seed: int = 0):
    """Tiny HiDream-O1 (HiDreamO1: a Qwen3-VL decoder over text tokens and 32 x 32 pixel patches; one
    64-wide layer, but its vocabulary embedding is full size: ~10 M parameters). Pictures H, W % 32 == 0."""
    text = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 2,
            "num_key_value_heads": 2, "head_dim": 32, "rope_dims": [6, 5, 5]}
    vision = {"hidden_size": 32, "num_heads": 2, "intermediate_size": 64, "depth": 1, "num_position_embeddings": 64,
              "deepstack_visual_indexes": ()}
    return build_class("HiDreamO1", {"image_model": "hidream_o1", "text_config_overrides": text,
                                     "vision_config_overrides": vision}, seed)


# The chat template HiDream-O1's tokenizer wraps a prompt in (comfy.text_encoders.hidream_o1):
# <|im_start|>user\n ... <|im_end|>\n<|im_start|>assistant\n<|boi|><|tms|>
_HIDREAM_O1_PREFIX = [151644, 872, 198]
_HIDREAM_O1_SUFFIX = [151645, 198, 151644, 77091, 198, 151669, 151673]


def hidream_o1_token_ids(words) -> torch.Tensor:
    """[1, L] token ids of a prompt whose words have the ids ``words``, in HiDream-O1's chat template."""
    return torch.tensor([_HIDREAM_O1_PREFIX + list(words) + _HIDREAM_O1_SUFFIX], dtype=torch.long)


def hidream_o1_conds(seed: int = 1):
    """(positive, negative) as HiDream-O1's text encoder gives them: the token ids in
    ``text_input_ids`` (the model embeds them itself) and the ids as floats in the tokens' slot."""
    out = []
    for s, length in ((seed, 5), (seed + 1000, 3)):
        words = torch.randint(1000, 100000, (length,), generator=torch.Generator().manual_seed(s))
        ids = hidream_o1_token_ids(words.tolist())
        out.append([[ids.unsqueeze(-1).float(), {"text_input_ids": ids}]])
    return out[0], out[1]
