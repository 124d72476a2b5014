"""Tiny REAL video models beyond Wan 2.x T2V / TI2V (video_models), seeded, from the host's own classes.

Wan variants (each the one-layer Wan of video_models in its model class, with the extra inputs its
checkpoints have), Hunyuan Video (the host's detection), Mochi, LTX-Video, Cosmos, CogVideoX,
Kandinsky 5 and MiniMax H3 (audio + video). Latents [B,C,T,h,w]; MiniMax H3 a
comfy.nested_tensor.NestedTensor of video [B,24,T,h,w] and audio [B,32,2,t]. Conditioning:
devtools.host.model_classes.
"""
from __future__ import annotations

import torch

from .tiny_dits import cosmos_predict2_config, kandinsky5_config
from .tiny_models import (CONTEXT_DIM, POOLED_DIM, _build_config, _hunyuan_signature, _meta, build_class,
                          detected_config)
from .video_models import _wan_unet_config

__all__ = ["WAN_VARIANTS", "tiny_wan_variant", "tiny_hunyuan_video", "tiny_hunyuan_video15", "tiny_mochi",
           "tiny_ltxv", "tiny_cosmos", "tiny_cosmos_predict2_i2v", "tiny_cogvideox", "tiny_kandinsky5",
           "tiny_minimax_h3", "MINIMAX_AUDIO", "MOCHI_CHANNELS", "LTXV_CHANNELS"]

# Wan model class -> (model_type, input channels, extra config): what its checkpoints add to Wan 2.1 T2V
WAN_VARIANTS = {
    "WAN21_I2V": ("i2v", 36, {}),
    "WAN21_FunControl2V": ("i2v", 48, {}),
    "WAN21_Camera": ("camera", 32, {"in_dim_control_adapter": 24}),
    "WAN22_Camera": ("camera_2.2", 36, {"in_dim_control_adapter": 24}),
    "WAN21_Vace": ("vace", 16, {"vace_layers": 1, "vace_in_dim": 96}),
    "WAN21_HuMo": ("humo", 16, {}),
    "WAN22_S2V": ("s2v", 16, {"audio_dim": 32, "num_audio_token": 4, "cond_dim": 16, "audio_inject_layers": [0]}),
    "WAN22_Animate": ("animate", 16, {"motion_encoder_dim": 32}),
    "WAN_Animate2": ("animate2", 36, {}),
    "WAN21_SCAIL": ("scail", 20, {}),
    "WAN21_SCAIL2": ("scail2", 20, {}),
    "WAN22_WanDancer": ("wandancer", 36, {"audio_inject_layers": [0], "music_dim": 32, "music_latent_dim": 32}),
    "WAN21_CausalAR_T2V": ("t2v", 16, {}),
    "WAN21_FlowRVS": ("flow_rvs", 16, {}),
}
MOCHI_CHANNELS = 12
LTXV_CHANNELS = 128
MINIMAX_AUDIO = (32, 2)   # MiniMax H3's audio latent: channels x 2 rows per audio frame


def tiny_wan_variant(seed: int = 0, class_name: str = "WAN21_Vace"):
    """Tiny Wan variant ``class_name`` (a WAN_VARIANTS key; HuMo and Animate carry fixed-size audio /
    face encoders: 30-40 M parameters). Latent [B,16,T,h,w]; extra input channels are filled by the
    host (zeros, or 1 - noise mask for the image-to-video ones) without their conditioning."""
    model_type, in_dim, extra = WAN_VARIANTS[class_name]
    return build_class(class_name, dict(_wan_unet_config(16), model_type=model_type, in_dim=in_dim, **extra), seed)


def tiny_hunyuan_video(seed: int = 0, in_channels: int = 16):
    """Tiny Hunyuan Video (in_channels 16: HunyuanVideo, 33: HunyuanVideoI2V, 32: HunyuanVideoSkyreelsI2V;
    the host's detection tells them apart). Latent [B,16,T,h,w]."""
    signature = dict(_hunyuan_signature(in_channels=in_channels, out_channels=16, patch=(1, 2, 2)),
                     **{"vector_in.in_layer.weight": _meta(64, POOLED_DIM)})
    return _build_config(detected_config(signature, axes_dim=[8, 12, 12], num_heads=2, vec_in_dim=POOLED_DIM), seed)


def tiny_hunyuan_video15(seed: int = 0):
    """Tiny HunyuanVideo 1.5 (HunyuanVideo15: 32-channel latent + 32 image + 1 mask channels in; the host
    tells it by its 1152-wide vision input). Latent [B,32,T,h,w]."""
    signature = dict(_hunyuan_signature(in_channels=65, out_channels=32, patch=(1, 2, 2)),
                     **{"vision_in.proj.0.weight": _meta(1152), "cond_type_embedding.weight": _meta(3, 64)})
    return _build_config(detected_config(signature, axes_dim=[8, 12, 12], num_heads=2), seed)


def tiny_mochi(seed: int = 0):
    """Tiny Mochi preview (GenmoMochi: asymmetric DiT; its MLP width is fixed at 12288). Latent [B,12,T,h,w]."""
    config = {"image_model": "mochi_preview", "depth": 1, "patch_size": 2, "num_heads": 2, "hidden_size_x": 64,
              "hidden_size_y": 32, "mlp_ratio_x": 1536 * 8 / 64, "mlp_ratio_y": 2.0, "learn_sigma": False,
              "in_channels": MOCHI_CHANNELS, "qk_norm": True, "qkv_bias": False, "out_bias": True, "attn_drop": 0.0,
              "patch_embed_bias": True, "posenc_preserve_area": True, "timestep_mlp_bias": True,
              "attend_to_padding": False, "timestep_scale": 1000.0, "use_t5": True, "t5_feat_dim": CONTEXT_DIM,
              "t5_token_length": 7, "rope_theta": 10000.0}
    return build_class("GenmoMochi", config, seed)


def tiny_ltxv(seed: int = 0):
    """Tiny LTX-Video (LTXV: kept tokens labelled timestep 0 from the noise mask). Latent [B,128,T,h,w]
    (32 image px per latent px)."""
    return build_class("LTXV", {"image_model": "ltxv", "num_layers": 1, "attention_head_dim": 16,
                                "num_attention_heads": 2, "cross_attention_dim": 32, "caption_channels": CONTEXT_DIM,
                                "in_channels": LTXV_CHANNELS}, seed)


def tiny_cosmos(seed: int = 0, class_name: str = "CosmosT2V"):
    """Tiny Cosmos 1.0 (CosmosT2V; CosmosI2V: 17 input channels, the start frames' mask). EDM.
    Latent [B,16,T,h,w]."""
    config = {"image_model": "cosmos", "max_img_h": 240, "max_img_w": 240, "max_frames": 128,
              "in_channels": 17 if class_name == "CosmosI2V" else 16, "out_channels": 16, "patch_spatial": 2,
              "patch_temporal": 1, "model_channels": 64, "block_config": "FA-CA-MLP", "concat_padding_mask": True,
              "pos_emb_cls": "rope3d", "pos_emb_learnable": False, "pos_emb_interpolation": "crop",
              "block_x_format": "THWBD", "affline_emb_norm": True, "use_adaln_lora": True, "adaln_lora_dim": 16,
              "num_blocks": 1, "num_heads": 2, "crossattn_emb_channels": CONTEXT_DIM,
              "extra_per_block_abs_pos_emb": True, "extra_per_block_abs_pos_emb_type": "learnable"}
    return build_class(class_name, config, seed)


def tiny_cosmos_predict2_i2v(seed: int = 0):
    """Tiny Cosmos Predict2 image-to-video (CosmosI2VPredict2: 17 input channels). Latent [B,16,T,h,w]."""
    return build_class("CosmosI2VPredict2", cosmos_predict2_config(in_channels=17), seed)


def tiny_cogvideox(seed: int = 0, class_name: str = "CogVideoX_T2V"):
    """Tiny CogVideoX (CogVideoX_T2V; _I2V: 32 input channels; _Inpaint (Fun): 48). V_PREDICTION_DDPM
    with zero terminal SNR. Latent [B,16,T,h,w]."""
    in_channels = {"CogVideoX_T2V": 16, "CogVideoX_I2V": 32, "CogVideoX_Inpaint": 48}[class_name]
    config = {"image_model": "cogvideox", "num_attention_heads": 2, "attention_head_dim": 32, "time_embed_dim": 32,
              "num_layers": 1, "in_channels": in_channels, "patch_size": 2, "text_embed_dim": CONTEXT_DIM,
              "use_rotary_positional_embeddings": True, "use_learned_positional_embeddings": False,
              "max_text_seq_length": 7}
    return build_class(class_name, config, seed)


def tiny_kandinsky5(seed: int = 0):
    """Tiny Kandinsky 5 Video Lite (Kandinsky5: 16 latent + 16 start-frame + 1 mask channels in).
    Latent [B,16,T,h,w]."""
    return build_class("Kandinsky5", kandinsky5_config(visual_embed_dim=(16 + 16 + 1) * 4), seed)


def tiny_minimax_h3(seed: int = 0):
    """Tiny MiniMax H3 (MiniMaxH3: one packed DiT over video and audio tokens, the audio on its own flow
    shift). Latent NestedTensor([video [B,24,T,h,w], audio [B,32,2,t]])."""
    model = build_class("MiniMaxH3", {"image_model": "minimax_h3", "hidden_size": 96, "num_layers": 1,
                                      "token_refiner_num_layers": 1, "num_attention_heads": 2, "attention_head_dim": 48,
                                      "ffn_hidden_size": 128, "latents_dim": 24, "audio_latents_dim": MINIMAX_AUDIO[0],
                                      "text_dim": CONTEXT_DIM, "timestep_input_dim": 32, "time_embed_hidden_size": 64,
                                      "time_embed_dim": 48, "rope_inv_freq_len": 8}, seed)
    # the rope frequencies are a checkpoint buffer (allocated empty): the usual 10000^(-i/n)
    inv_freq = model.model.diffusion_model.rope.inv_freq
    inv_freq.copy_(torch.pow(10000.0, -torch.arange(inv_freq.numel(), dtype=torch.float32) / inv_freq.numel()))
    return model

