"""Tiny REAL ComfyUI image architectures with seeded weights (SD 1.5 ... Z-Image).

Every builder returns a ``comfy.model_patcher.ModelPatcher`` usable with stock samplers, e.g.::

    env = load_comfy()
    model = tiny_sdxl(seed=0)
    pos, neg = tiny_families.sdxl_conds()
    latent = {"samples": torch.randn(1, 4, 16, 16), "noise_mask": mask}
    (out,) = env.nodes.common_ksampler(model, 0, 4, 2.0, "euler", "normal", pos, neg, latent)

Weights: ComfyUI's ``comfy.ops`` layers skip init (torch.empty), so every parameter is
initialised here from a seeded generator: matrices ~ N(0, gain^2/fan_in), biases ~ N(0, 0.02^2),
1-D weights/scales of norms ~ 1 + N(0, 0.02^2). The real archs zero-init their final layers;
here they get random weights too, so the output depends on the input.

Neighbours: video_models (Wan), tiny_families (which family has which builder, conditioning and
latent shape), analytic_models (exact Gaussian denoisers), stand_ins (tokenizer, text encoder, VAE).
"""
from __future__ import annotations

import math
from typing import Optional

import torch

from .comfy_env import load_comfy

__all__ = [
    "TOKENS", "CONTEXT_DIM", "POOLED_DIM", "init_weights", "make_patcher", "detected_config",
    "tiny_sd15", "tiny_sdxl", "tiny_sdxl_vpred", "tiny_sdxl_inpaint", "tiny_sdxl_controlnet", "tiny_sd3",
    "tiny_flux", "tiny_hidream", "tiny_flux2", "tiny_chroma", "tiny_hunyuan_image", "tiny_qwen_image",
    "tiny_zimage", "build_class",
]

TOKENS = 7          # context tokens in the test conditioning
CONTEXT_DIM = 64    # text-token width for every tiny model
POOLED_DIM = 32     # pooled-output width for every tiny model


# ----------------------------------------------------------------------------- weights
_CHECKPOINT_BUFFERS = ("pos_embed",)   # MMDiT (SD3) registers pos_embed as an empty buffer


@torch.no_grad()
def init_weights(module: torch.nn.Module, seed: int = 0, gain: float = 1.0,
                 bias_std: float = 0.02) -> torch.nn.Module:
    """Deterministically (re)initialise every parameter and every non-finite float buffer."""
    g = torch.Generator(device="cpu").manual_seed(int(seed))
    for name, p in sorted(module.named_parameters(), key=lambda kv: kv[0]):
        if not p.dtype.is_floating_point:
            continue
        leaf = name.rsplit(".", 1)[-1]
        if p.ndim <= 1:
            v = torch.randn(p.shape, generator=g, dtype=torch.float32) * bias_std
            if leaf != "bias" and ("norm" in name or leaf in ("scale", "weight", "gamma")):
                v = v + 1.0
        else:
            fan_in = int(math.prod(p.shape[1:]))
            v = torch.randn(p.shape, generator=g, dtype=torch.float32) * (gain / math.sqrt(max(fan_in, 1)))
        p.copy_(v.to(device=p.device, dtype=p.dtype))
    for name, b in sorted(module.named_buffers(), key=lambda kv: kv[0]):
        if not b.dtype.is_floating_point:
            continue
        if name.rsplit(".", 1)[-1] in _CHECKPOINT_BUFFERS:
            # buffers a checkpoint would fill (allocated with torch.empty by the arch)
            b.copy_((torch.randn(b.shape, generator=g) * bias_std).to(b.dtype))
        elif not torch.isfinite(b).all():
            b.copy_(torch.zeros_like(b))
    return module


def make_patcher(model):
    """Wrap a BaseModel the way comfy.sd.load_diffusion_model_state_dict does."""
    env = load_comfy()
    mm = env.model_management
    return env.model_patcher.ModelPatcher(model, load_device=mm.get_torch_device(),
                                          offload_device=mm.unet_offload_device())


def _build(config_cls, unet_config: dict, seed: int, state_dict: Optional[dict] = None,
           post_config=None, gain: float = 1.0):
    cfg = config_cls(unet_config)
    if post_config is not None:
        post_config(cfg)
    return _build_config(cfg, seed, state_dict, gain)


def build_class(class_name: str, unet_config: dict, seed: int = 0, state_dict: Optional[dict] = None, **tiny):
    """The host's model class ``class_name`` (comfy.supported_models) built from ``unet_config``;
    ``tiny`` then overrides what the class fixes for the full-size model (its unet_extra_config)."""
    cfg = getattr(load_comfy().supported_models, class_name)(unet_config)
    cfg.unet_config.update(tiny)
    return _build_config(cfg, seed, state_dict)


# ----------------------------------------------------------------------------- SDXL
def _sdxl_unet_config():
    return {
        "use_checkpoint": False, "image_size": 32, "out_channels": 4, "use_spatial_transformer": True,
        "legacy": False, "num_classes": "sequential", "adm_in_channels": POOLED_DIM + 6 * 256,
        "in_channels": 4, "model_channels": 32, "num_res_blocks": [1, 1],
        "transformer_depth": [0, 1], "channel_mult": [1, 2], "transformer_depth_middle": 1,
        "use_linear_in_transformer": True, "context_dim": CONTEXT_DIM,
        "transformer_depth_output": [0, 0, 1, 1], "use_temporal_resblock": False,
        "use_temporal_attention": False,
    }


def _heads16(cfg):
    cfg.unet_config["num_head_channels"] = 16
    cfg.unet_config["num_heads"] = -1


def tiny_sdxl(seed: int = 0, v_pred: bool = False):
    """Tiny SDXL UNet (EPS, or V_PREDICTION with v_pred=True). Latent [B,4,H,W], H,W % 2 == 0."""
    env = load_comfy()
    sd = {"v_pred": torch.zeros(())} if v_pred else {}
    return _build(env.supported_models.SDXL, _sdxl_unet_config(), seed, sd, post_config=_heads16)


def tiny_sdxl_vpred(seed: int = 0):
    return tiny_sdxl(seed, v_pred=True)


def tiny_sd15(seed: int = 0):
    """Tiny SD 1.5 UNet (EPS; text context only: no pooled or size embedding, convolutional
    transformer projections as in SD 1.x). Latent [B,4,H,W], H,W % 2 == 0."""
    unet_config = dict(_sdxl_unet_config(), num_classes=None, adm_in_channels=None,
                       use_linear_in_transformer=False)
    return _build(load_comfy().supported_models.SD15, unet_config, seed, post_config=_heads16)


def tiny_sdxl_controlnet(seed: int = 0):
    """Tiny ControlNet for tiny_sdxl (comfy.cldm, RGB hint), built the way the host's loader builds
    one from a checkpoint (comfy.controlnet.load_controlnet_state_dict); seeded weights, zero
    convolutions included, so its residuals are not zero."""
    env = load_comfy()
    import comfy.cldm.cldm
    import comfy.controlnet
    cfg = env.supported_models.SDXL(_sdxl_unet_config())
    _heads16(cfg)
    config = dict(cfg.unet_config, operations=env.ops.disable_weight_init, dtype=torch.float32,
                  device=torch.device("cpu"), hint_channels=3)
    config.pop("out_channels")
    net = init_weights(comfy.cldm.cldm.ControlNet(**config), seed=seed).eval()
    return comfy.controlnet.ControlNet(net, load_device=env.model_management.get_torch_device(),
                                       manual_cast_dtype=None)


def tiny_sdxl_inpaint(seed: int = 0):
    """Tiny SDXL inpainting UNet (in_channels 9: the host concatenates mask and masked latent, c_concat)."""
    env = load_comfy()
    return _build(env.supported_models.SDXL, dict(_sdxl_unet_config(), in_channels=9), seed, post_config=_heads16)


# ----------------------------------------------------------------------------- SD3
def tiny_sd3(seed: int = 0):
    """Tiny SD3 MMDiT (FLOW, CONST sampling, shift 3). Latent [B,16,H,W], H,W even, <= 128."""
    env = load_comfy()
    unet_config = {
        "in_channels": 16, "out_channels": 16, "patch_size": 2, "depth": 2, "input_size": None,
        "adm_in_channels": POOLED_DIM,
        "context_embedder_config": {"target": "torch.nn.Linear",
                                    "params": {"in_features": CONTEXT_DIM, "out_features": 128}},
        "pos_embed_max_size": 64, "num_patches": 4096, "qk_norm": "rms",
        "pos_embed_scaling_factor": None, "x_block_self_attn_layers": [0],
    }
    return _build(env.supported_models.SD3, unet_config, seed)


# ----------------------------------------------------------------------------- host detection
def _meta(*shape):
    return torch.empty(*shape, device="meta")


def detected_config(signature: dict, **tiny):
    """The host's own model config for a checkpoint shaped like ``signature``, at tiny sizes.

    ``signature`` holds the state-dict keys (meta tensors: shapes only) that the host's model
    detection (comfy.model_detection.model_config_from_unet, what checkpoint loading runs) reads for
    the family; the host fills in every field its architecture needs -- including fields that do
    not exist on other host versions (e.g. Flux's txt_ids_dims on 0.33.0) -- and picks the
    supported-model class. ``tiny`` then overrides what detection hard-codes for the full-size
    model (head counts, rope axes, ...).
    """
    load_comfy()
    from comfy import model_detection
    cfg = model_detection.model_config_from_unet(dict(signature), "")
    if cfg is None:
        raise RuntimeError("the host's model detection does not recognise the tiny %s signature"
                           % sorted(signature))
    cfg.unet_config.update(tiny)
    return cfg


def _build_config(cfg, seed: int, state_dict: Optional[dict] = None, gain: float = 1.0):
    cfg.set_inference_dtype(torch.float32, None)
    with torch.no_grad():  # as the host loads checkpoints (0.3.75's Zero123 copies its weights in place)
        model = cfg.get_model(state_dict or {}, "")
    init_weights(model.diffusion_model, seed=seed, gain=gain)
    model.eval()
    return make_patcher(model)


def _flux_signature(in_channels=16, patch=2, hidden=64, context=CONTEXT_DIM, vec=POOLED_DIM,
                    guidance=True, flux2=False, chroma=False):
    """Keys the host's detection reads for the Flux / Flux.2 / Chroma branch (one shared branch)."""
    sd = {"double_blocks.0.img_attn.norm.key_norm.scale": _meta(32),
          "double_blocks.0.img_attn.qkv.weight": _meta(3 * hidden, hidden),
          "single_blocks.0.linear1.weight": _meta(hidden, hidden),
          "img_in.weight": _meta(hidden, in_channels * patch * patch),
          "txt_in.weight": _meta(hidden, context)}
    if vec:
        sd["vector_in.in_layer.weight"] = _meta(hidden, vec)
    if guidance:
        sd["guidance_in.in_layer.weight"] = _meta(hidden, 256)
    if flux2:
        sd["double_stream_modulation_img.lin.weight"] = _meta(6 * hidden, hidden)
    if chroma:
        sd["distilled_guidance_layer.norms.0.scale"] = _meta(hidden)
    return sd


# ----------------------------------------------------------------------------- Flux
def tiny_flux(seed: int = 0):
    """Tiny Flux dev (FLUX type, CONST sampling, guidance_embed). Latent [B,16,H,W]."""
    cfg = detected_config(_flux_signature(), axes_dim=[8, 12, 12], num_heads=2)
    return _build_config(cfg, seed)


# ----------------------------------------------------------------------------- HiDream
def tiny_hidream(seed: int = 0):
    """Tiny HiDream (FLOW, CONST sampling). Latent [B,16,H,W], H,W even, <= 128."""
    env = load_comfy()
    unet_config = {
        "image_model": "hidream", "patch_size": 2, "in_channels": 16, "out_channels": 16,
        "num_layers": 1, "num_single_layers": 1, "attention_head_dim": 32,
        "num_attention_heads": 2, "caption_channels": [CONTEXT_DIM, 48], "text_emb_dim": POOLED_DIM,
        "num_routed_experts": 2, "num_activated_experts": 1, "axes_dims_rope": [16, 8, 8],
        "max_resolution": [64, 64], "llama_layers": [0, 1],
    }
    return _build(env.supported_models.HiDream, unet_config, seed)


# ----------------------------------------------------------------------------- newer families
# Built from the host's detection (Flux branch, Hunyuan branch) or, where the architecture's
# constructor has defaults for everything, from the host's supported-model class directly.
def _hunyuan_signature(in_channels=64, out_channels=64, patch=(1, 1), hidden=64, context=CONTEXT_DIM,
                       guidance=True):
    """Keys the host's detection reads for the Hunyuan Video / HunyuanImage 2.1 branch."""
    sd = {"txt_in.individual_token_refiner.blocks.0.norm1.weight": _meta(hidden),
          "img_in.proj.weight": _meta(hidden, in_channels, *patch),
          "final_layer.linear.weight": _meta(out_channels * math.prod(patch), hidden),
          "txt_in.input_embedder.weight": _meta(hidden, context),
          "double_blocks.0.img_attn_qkv.weight": _meta(3 * hidden, hidden),
          "single_blocks.0.linear1.weight": _meta(hidden, hidden)}
    if guidance:
        sd["guidance_in.in_layer.weight"] = _meta(hidden, 256)
    return sd


def tiny_flux2(seed: int = 0):
    """Tiny Flux.2 dev (guidance embedding, Mistral-style context). Latent [B,128,H,W] (16x VAE)."""
    cfg = detected_config(_flux_signature(in_channels=128, patch=1, vec=None, flux2=True),
                          axes_dim=[8, 8, 8, 8], num_heads=2)
    return _build_config(cfg, seed)


def tiny_chroma(seed: int = 0):
    """Tiny Chroma (Flux without pooled/vector input; modulations from its approximator). Latent [B,16,H,W]."""
    cfg = detected_config(_flux_signature(vec=None, guidance=False, chroma=True),
                          axes_dim=[8, 12, 12], num_heads=2, out_dim=64, hidden_dim=64, n_layers=1)
    return _build_config(cfg, seed)


def tiny_hunyuan_image(seed: int = 0):
    """Tiny HunyuanImage 2.1 (FLOW, 2-D patches). Latent [B,64,H,W] (32x VAE)."""
    cfg = detected_config(_hunyuan_signature(), axes_dim=[16, 16], num_heads=2)
    return _build_config(cfg, seed)


def _qwen_image_config():
    return {"image_model": "qwen_image", "patch_size": 2, "in_channels": 64, "out_channels": 16,
            "num_layers": 1, "attention_head_dim": 32, "num_attention_heads": 2,
            "joint_attention_dim": CONTEXT_DIM, "axes_dims_rope": (8, 12, 12)}


def tiny_qwen_image(seed: int = 0):
    """Tiny Qwen-Image (and Qwen-Image-Edit: same model, reference latents in the conditioning).
    Latent [B,16,H,W]; the host hands back [B,16,1,H,W] (its Wan-VAE latent format is 3-D)."""
    return _build(load_comfy().supported_models.QwenImage, _qwen_image_config(), seed)


def tiny_zimage(seed: int = 0):
    """Tiny Z-Image (Lumina 2 NextDiT with Z-Image modulation, time scale 1000). Latent [B,16,H,W]."""
    unet_config = {"image_model": "lumina2", "patch_size": 2, "in_channels": 16, "dim": 256, "n_layers": 1,
                   "n_refiner_layers": 1, "n_heads": 2, "n_kv_heads": 2, "cap_feat_dim": CONTEXT_DIM,
                   "axes_dims": [32, 48, 48], "axes_lens": [64, 64, 64], "qk_norm": True,
                   "z_image_modulation": True, "time_scale": 1000.0, "pad_tokens_multiple": 32,
                   "ffn_dim_multiplier": 1.0, "multiple_of": 32}
    return _build(load_comfy().supported_models.ZImage, unet_config, seed)

