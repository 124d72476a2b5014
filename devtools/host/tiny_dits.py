"""Tiny REAL image transformers beyond those of tiny_models, seeded, from the host's own classes.

Flux variants come from the host's model detection (tiny_models.detected_config), the others from
their model class (comfy.supported_models) with a one- or two-block config: width 64, two heads,
text width 64 (tiny_models.CONTEXT_DIM) unless the architecture reads something else. Latent
[B,C,h,w] with the C of the family's VAE (4, 16 or 128); conditioning: devtools.host.model_classes.
"""
from __future__ import annotations

from .tiny_models import (CONTEXT_DIM, _build_config, _flux_signature, _meta, build_class, detected_config)

__all__ = ["tiny_flux_schnell", "tiny_flux_fill", "tiny_flux2_klein", "tiny_longcat_image", "tiny_auraflow",
           "tiny_pixart", "tiny_hunyuan_dit", "tiny_lumina2", "tiny_omnigen2", "tiny_boogu", "tiny_ideogram4",
           "tiny_krea2", "KREA2_TEXT_LAYERS", "tiny_kandinsky5_image", "tiny_mage_flow", "tiny_joyimage",
           "tiny_ernie_image", "tiny_lens", "tiny_cosmos_predict2", "tiny_anima", "ANIMA_TEXT_DIM",
           "HUNYUAN_DIT_T5_DIM"]

FLUX_TINY = {"axes_dim": [8, 12, 12], "num_heads": 2}
ROPE_AXES = (8, 12, 12)     # rope axes of a 32-wide head
KREA2_TEXT_LAYERS = 1       # Krea 2 reads a stack of text-encoder layers (context width layers x 64); one here
HUNYUAN_DIT_T5_DIM = 48     # HunyuanDiT's second (mT5) text stream


def tiny_flux_schnell(seed: int = 0):
    """Tiny FLUX.1 schnell (FluxSchnell: Flux without the guidance embedding, FLOW). Latent [B,16,h,w]."""
    return _build_config(detected_config(_flux_signature(guidance=False), **FLUX_TINY), seed)


def tiny_flux_fill(seed: int = 0):
    """Tiny FLUX.1 Fill (FluxInpaint: 96 input channels, the masked picture and mask concatenated;
    the host fills them from the noise mask without InpaintModelConditioning). Latent [B,16,h,w]."""
    signature = dict(_flux_signature(in_channels=96), **{"final_layer.linear.weight": _meta(64, 64)})
    return _build_config(detected_config(signature, out_channels=16, **FLUX_TINY), seed)


def tiny_flux2_klein(seed: int = 0):
    """Tiny FLUX.2 klein (Flux2 without the guidance embedding, Qwen3 text). Latent [B,128,h,w]."""
    signature = _flux_signature(in_channels=128, patch=1, vec=None, flux2=True, guidance=False)
    return _build_config(detected_config(signature, axes_dim=[8, 8, 8, 8], num_heads=2), seed)


def tiny_longcat_image(seed: int = 0):
    """Tiny LongCat-Image (LongCatImage: Flux without pooled or guidance input, 2-axis text positions;
    the host tells it by its 3584-wide text input, here 64). Latent [B,16,h,w]."""
    flux = detected_config(_flux_signature(vec=None, guidance=False), **FLUX_TINY).unet_config
    return build_class("LongCatImage", dict(flux, txt_ids_dims=[1, 2]), seed)


def tiny_auraflow(seed: int = 0):
    """Tiny AuraFlow (MMDiT, FLOW). Latent [B,4,h,w] (SD XL VAE)."""
    return build_class("AuraFlow", {"cond_seq_dim": CONTEXT_DIM, "max_seq": 64, "n_double_layers": 1, "n_layers": 2,
                                    "dim": 64, "n_heads": 2, "global_conddim": 64}, seed)


def tiny_pixart(seed: int = 0, class_name: str = "PixArtSigma"):
    """Tiny PixArt-alpha (size micro-conditions) / -sigma (EPS). Latent [B,4,h,w] with h, w >= 48:
    PixArt's position embedding scales with the latent's size in 64-pixel units."""
    config = {"image_model": "pixart_alpha" if class_name == "PixArtAlpha" else "pixart_sigma",
              "micro_condition": class_name == "PixArtAlpha", "num_heads": 2, "patch_size": 2, "hidden_size": 96,
              "in_channels": 4, "depth": 1, "caption_channels": CONTEXT_DIM, "input_size": 48,
              "pe_interpolation": 1.0, "model_max_length": 7}
    return build_class(class_name, config, seed)


def tiny_hunyuan_dit(seed: int = 0, class_name: str = "HunyuanDiT"):
    """Tiny Hunyuan-DiT 1.0 / 1.1 (HunyuanDiT / HunyuanDiT1: CLIP and mT5 text, V_PREDICTION).
    Latent [B,4,h,w]."""
    config = {"image_model": "hydit" if class_name == "HunyuanDiT" else "hydit1", "depth": 2, "hidden_size": 64,
              "num_heads": 2, "text_states_dim": CONTEXT_DIM, "text_states_dim_t5": HUNYUAN_DIT_T5_DIM,
              "text_len": 7, "text_len_t5": 5, "input_size": 16}
    if class_name == "HunyuanDiT1":
        config.update(size_cond=True, use_style_cond=True)
    return build_class(class_name, config, seed)


def tiny_lumina2(seed: int = 0):
    """Tiny Lumina Image 2.0 (Lumina2: NextDiT, FLOW). Latent [B,16,h,w]."""
    return build_class("Lumina2", {"image_model": "lumina2", "patch_size": 2, "in_channels": 16, "dim": 64,
                                   "n_layers": 1, "n_refiner_layers": 1, "n_heads": 2, "n_kv_heads": 2,
                                   "cap_feat_dim": CONTEXT_DIM, "axes_dims": list(ROPE_AXES), "axes_lens": [64, 64, 64],
                                   "qk_norm": True, "ffn_dim_multiplier": 1.0, "multiple_of": 32}, seed)


def _omnigen2_config(**changes):
    return dict({"axes_dim_rope": list(ROPE_AXES), "axes_lens": [64, 64, 64], "hidden_size": 64, "in_channels": 16,
                 "multiple_of": 32, "num_attention_heads": 2, "num_kv_heads": 2, "num_layers": 1,
                 "num_refiner_layers": 1, "patch_size": 2}, **changes)


def tiny_omnigen2(seed: int = 0):
    """Tiny OmniGen2 (Omnigen2: Lumina-style DiT, Qwen2.5-VL text). Latent [B,16,h,w]."""
    return build_class("Omnigen2", _omnigen2_config(image_model="omnigen2", text_feat_dim=CONTEXT_DIM,
                                                    timestep_scale=1000.0), seed)


def tiny_boogu(seed: int = 0):
    """Tiny Boogu-Image (Boogu: OmniGen2 with a dual-stream stage). Latent [B,16,h,w]."""
    return build_class("Boogu", _omnigen2_config(image_model="boogu", num_double_stream_layers=1,
                                                 instruction_feat_dim=CONTEXT_DIM), seed)


def tiny_ideogram4(seed: int = 0):
    """Tiny Ideogram 4 (Ideogram4; Flux.2 VAE). Latent [B,128,h,w]."""
    return build_class("Ideogram4", {"image_model": "ideogram4", "in_channels": 128, "num_layers": 1}, seed,
                       num_attention_heads=2, attention_head_dim=32, intermediate_size=128, adaln_dim=32,
                       llm_features_dim=CONTEXT_DIM, mrope_section=[4, 6, 6])


def tiny_krea2(seed: int = 0):
    """Tiny Krea 2 (Krea2: single-stream DiT over a stack of KREA2_TEXT_LAYERS text layers). Latent [B,16,h,w]
    (the host hands back [B,16,1,h,w]: its Wan-VAE latent format is 3-D)."""
    return build_class("Krea2", {"image_model": "krea2", "features": 64, "channels": 16, "patch": 2, "layers": 1,
                                 "heads": 2, "kvheads": 2, "txtlayers": KREA2_TEXT_LAYERS, "txtdim": CONTEXT_DIM,
                                 "txtheads": 2, "txtkvheads": 2, "tdim": 32}, seed)


def kandinsky5_config(**changes):
    """The tiny Kandinsky 5 transformer (Qwen2.5-VL tokens 64 wide, CLIP pooled 32)."""
    return dict({"image_model": "kandinsky5", "model_dim": 64, "axes_dims": ROPE_AXES, "time_dim": 32, "ff_dim": 128,
                 "num_text_blocks": 1, "num_visual_blocks": 1, "in_text_dim": CONTEXT_DIM, "in_text_dim2": 32},
                **changes)


def tiny_kandinsky5_image(seed: int = 0):
    """Tiny Kandinsky 5 Image Lite (Kandinsky5Image; Flux VAE). Latent [B,16,h,w]."""
    return build_class("Kandinsky5Image", kandinsky5_config(visual_embed_dim=16 * 4, rope_scale_factor=(1.0, 1.0, 1.0)),
                       seed)


def tiny_mage_flow(seed: int = 0):
    """Tiny Mage-Flow (MageFlow: Qwen-Image-style MMDiT on the Flux.2 VAE). Latent [B,128,h,w]."""
    return build_class("MageFlow", {"image_model": "mage_flow", "in_channels": 128, "out_channels": 128,
                                    "num_layers": 1, "attention_head_dim": 32, "num_attention_heads": 2,
                                    "joint_attention_dim": CONTEXT_DIM, "axes_dims_rope": ROPE_AXES}, seed)


def tiny_joyimage(seed: int = 0):
    """Tiny JoyImage (JoyImage; Wan VAE). Latent [B,16,h,w] (handed back as [B,16,1,h,w])."""
    return build_class("JoyImage", {"image_model": "joyimage", "hidden_size": 64, "num_attention_heads": 2,
                                    "text_dim": CONTEXT_DIM, "num_layers": 1, "in_channels": 16}, seed,
                       rope_dim_list=list(ROPE_AXES))


def tiny_ernie_image(seed: int = 0):
    """Tiny ERNIE-Image (ErnieImage; Flux.2 VAE). Latent [B,128,h,w]."""
    return build_class("ErnieImage", {"image_model": "ernie", "hidden_size": 64, "num_attention_heads": 2,
                                      "num_layers": 1, "ffn_hidden_size": 128, "text_in_dim": CONTEXT_DIM,
                                      "rope_axes_dim": ROPE_AXES}, seed)


def tiny_lens(seed: int = 0):
    """Tiny Lens (Microsoft Lens: dual-stream MMDiT; Flux.2 VAE). Latent [B,128,h,w]."""
    return build_class("Lens", {"image_model": "lens", "in_channels": 128, "out_channels": 32, "num_layers": 1,
                                "num_attention_heads": 2, "attention_head_dim": 32, "enc_hidden_dim": CONTEXT_DIM,
                                "axes_dims_rope": ROPE_AXES, "multi_layer_encoder_feature": False,
                                "selected_layer_index": (0,)}, seed)


def cosmos_predict2_config(**changes):
    """The tiny Cosmos Predict2 MiniTrainDIT (also Anima's backbone)."""
    return dict({"image_model": "cosmos_predict2", "max_img_h": 240, "max_img_w": 240, "max_frames": 128,
                 "in_channels": 16, "out_channels": 16, "patch_spatial": 2, "patch_temporal": 1, "model_channels": 64,
                 "num_blocks": 1, "num_heads": 2, "crossattn_emb_channels": CONTEXT_DIM, "pos_emb_cls": "rope3d",
                 "pos_emb_learnable": True, "concat_padding_mask": True, "use_adaln_lora": True, "adaln_lora_dim": 16,
                 "extra_per_block_abs_pos_emb": False, "rope_enable_fps_modulation": False}, **changes)


def tiny_cosmos_predict2(seed: int = 0):
    """Tiny Cosmos Predict2 text-to-image (CosmosT2IPredict2; Wan VAE, EDM-style flow). Latent [B,16,h,w]
    (handed back as [B,16,1,h,w])."""
    return build_class("CosmosT2IPredict2", cosmos_predict2_config(), seed)


ANIMA_TEXT_DIM = 1024   # Anima's LLM adapter has fixed widths (~135 M parameters): Qwen3 states in, 1024 out


def tiny_anima(seed: int = 0):
    """Tiny Anima (Anima: a Cosmos Predict2 DiT reading its LLM adapter's output, which maps Qwen3
    states and T5 token ids to ANIMA_TEXT_DIM-wide context). Latent [B,16,h,w] (handed back as
    [B,16,1,h,w])."""
    config = cosmos_predict2_config(image_model="anima", crossattn_emb_channels=ANIMA_TEXT_DIM)
    return build_class("Anima", config, seed)
