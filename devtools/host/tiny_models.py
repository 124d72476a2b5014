"""Tiny REAL ComfyUI architectures with seeded weights, and analytic Gaussian models.

Every builder returns a ``comfy.model_patcher.ModelPatcher`` usable with stock samplers, e.g.::

    env = load_comfy()
    model = tiny_sdxl(seed=0)
    pos, neg = sdxl_conds()
    latent = {"samples": torch.randn(1, 4, 16, 16), "noise_mask": mask}
    (out,) = env.nodes.common_ksampler(model, 0, 4, 2.0, "euler", "normal", pos, neg, latent)

Weights: ComfyUI's ``comfy.ops`` layers skip init (torch.empty), so every parameter is
initialised here from a seeded generator: matrices ~ N(0, gain^2/fan_in), biases ~ N(0, 0.02^2),
1-D weights/scales of norms ~ 1 + N(0, 0.02^2). The real archs zero-init their final layers;
here they get random weights too, so the output depends on the input.

Analytic models: ``analytic_gaussian_model`` plugs a module returning the exact prediction for a
Gaussian data distribution N(mean, Sigma) over one latent into a real ``BaseModel`` (EPS,
V-prediction or CONST/flow sampling), so the host's own calculate_input / calculate_denoised /
noise_scaling run unchanged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import torch

from .comfy_env import load_comfy

__all__ = [
    "init_weights", "make_patcher",
    "tiny_sd15", "tiny_sdxl", "tiny_sdxl_vpred", "tiny_sd3", "tiny_flux", "tiny_hidream", "detected_config",
    "tiny_sdxl_inpaint", "tiny_sdxl_controlnet",
    "tiny_flux2", "tiny_chroma", "tiny_hunyuan_image", "tiny_qwen_image", "tiny_zimage",
    "NEWER_FAMILIES", "builder_for", "flux2_conds", "qwen_image_edit_conds", "reference_latent",
    "sdxl_conds", "sd3_conds", "flux_conds", "hidream_conds", "conds_for", "latent_shape_for",
    "GaussianData", "GaussianConditional", "correlated_covariance",
    "analytic_gaussian_model", "analytic_conds", "analytic_data", "TINY_BUILDERS",
    "half_mask", "host_roundtrip", "sigmas_for", "analytic_euler_reference",
    "predict_denoised", "gaussian_fit_stats",
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


# ----------------------------------------------------------------------------- conditioning
def _gen(seed):
    return torch.Generator(device="cpu").manual_seed(int(seed))


def _tokens_pooled(seed):
    g = _gen(seed)
    return (torch.randn(1, TOKENS, CONTEXT_DIM, generator=g),
            torch.randn(1, POOLED_DIM, generator=g))


def sdxl_conds(seed: int = 1):
    """(positive, negative) for tiny_sdxl: [[tokens [1,7,64], {"pooled_output": [1,32]}]]."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        out.append([[t, {"pooled_output": p, "width": 128, "height": 128}]])
    return out[0], out[1]


def sd3_conds(seed: int = 1):
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        out.append([[t, {"pooled_output": p}]])
    return out[0], out[1]


def flux_conds(seed: int = 1, guidance: float = 3.5):
    """Flux: guidance goes in the cond dict (host default 3.5 if absent)."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        out.append([[t, {"pooled_output": p, "guidance": guidance}]])
    return out[0], out[1]


def hidream_conds(seed: int = 1):
    """HiDream also needs conditioning_llama3 [1, len(llama_layers)=2, tokens=5, 48]."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        llama = torch.randn(1, 2, 5, 48, generator=_gen(s + 7))
        out.append([[t, {"pooled_output": p, "conditioning_llama3": llama}]])
    return out[0], out[1]


def _plain_conds(seed: int = 1, **extra):
    """[[tokens [1,7,64], {"pooled_output": [1,32], **extra}]] for positive and negative (a pooled
    output as any real text encoder gives; see compat for why it is always there)."""
    out = []
    for s in (seed, seed + 1000):
        t, p = _tokens_pooled(s)
        out.append([[t, {"pooled_output": p, **extra}]])
    return out[0], out[1]


def flux2_conds(seed: int = 1, guidance: float = 4.0):
    return _plain_conds(seed, guidance=guidance)


def reference_latent(shape=(1, 16, 1, 16, 16), seed: int = 9):
    """A reference image latent as Qwen-Image-Edit's VAE gives it ([B,16,1,h,w])."""
    return torch.randn(shape, generator=_gen(seed))


def qwen_image_edit_conds(seed: int = 1):
    """Qwen-Image-Edit: the edited image rides along as ``reference_latents`` (ReferenceLatent node)."""
    ref = reference_latent()
    return _plain_conds(seed, reference_latents=[ref])


_CONDS = {"sd15": _plain_conds, "sdxl": sdxl_conds, "sdxl_vpred": sdxl_conds, "sd3": sd3_conds,
          "flux": flux_conds, "hidream": hidream_conds,
          "flux2": flux2_conds, "chroma": _plain_conds, "hunyuan_image": _plain_conds,
          "qwen_image": _plain_conds, "qwen_image_edit": qwen_image_edit_conds, "zimage": _plain_conds}
_SHAPES = {"sd15": (4, 16, 16), "sdxl": (4, 16, 16), "sdxl_vpred": (4, 16, 16), "sd3": (16, 16, 16),
           "flux": (16, 16, 16), "hidream": (16, 16, 16),
           "flux2": (128, 8, 8), "chroma": (16, 16, 16), "hunyuan_image": (64, 8, 8),
           "qwen_image": (16, 16, 16), "qwen_image_edit": (16, 16, 16), "zimage": (16, 16, 16)}
TINY_BUILDERS = {"sd15": tiny_sd15, "sdxl": tiny_sdxl, "sdxl_vpred": tiny_sdxl_vpred, "sd3": tiny_sd3,
                 "flux": tiny_flux, "hidream": tiny_hidream}
# Newer families (tests/test_families.py): family -> (builder, supported_models class it needs)
NEWER_FAMILIES = {"flux2": (tiny_flux2, "Flux2"), "chroma": (tiny_chroma, "Chroma"),
                  "hunyuan_image": (tiny_hunyuan_image, "HunyuanImage21"),
                  "qwen_image": (tiny_qwen_image, "QwenImage"), "qwen_image_edit": (tiny_qwen_image, "QwenImage"),
                  "zimage": (tiny_zimage, "ZImage")}


def builder_for(name: str):
    """The tiny-model builder of any family (TINY_BUILDERS or NEWER_FAMILIES)."""
    if name in TINY_BUILDERS:
        return TINY_BUILDERS[name]
    if name in NEWER_FAMILIES:
        return NEWER_FAMILIES[name][0]
    from . import video_models
    if name in video_models.WAN_BUILDERS:
        return video_models.WAN_BUILDERS[name]
    raise ValueError("unknown tiny family %r (one of %s)" % (name, ", ".join(list(TINY_BUILDERS) + list(NEWER_FAMILIES))))


def conds_for(name: str, seed: int = 1):
    """(positive, negative) conditioning for a TINY_BUILDERS / NEWER_FAMILIES / Wan key."""
    if name in _CONDS:
        return _CONDS[name](seed)
    from . import video_models
    if name in video_models.WAN_BUILDERS:
        return video_models.wan_conds(seed)
    raise ValueError("no tiny conditioning for family %r" % name)


def latent_shape_for(name: str, batch: int = 1, h: Optional[int] = None, w: Optional[int] = None):
    """[B,C,h,w] latent shape of a family; Wan keys give [B,C,3,h,w] (video_models.wan_latent_shape)."""
    if name not in _SHAPES:
        from . import video_models
        if name in video_models.WAN_BUILDERS:
            return video_models.wan_latent_shape(name, batch, h=h or 8, w=w or 8)
    c, dh, dw = _SHAPES[name]
    return (batch, c, h or dh, w or dw)


# ----------------------------------------------------------------------------- analytic
@dataclass
class GaussianConditional:
    """Exact conditional of the masked (regenerated) elements given the kept ones.

    mean: latent-shaped [C,H,W]; kept positions hold the known values, regenerated positions
          the conditional mean.
    std:  latent-shaped [C,H,W]; sqrt of the conditional variances (0 on kept positions).
    cov:  [k,k] conditional covariance of the k regenerated elements, in the order of ``idx``.
    idx:  [k] flat indices (into latent.flatten()) of the regenerated elements.
    """
    mean: torch.Tensor
    std: torch.Tensor
    cov: torch.Tensor
    idx: torch.Tensor


class GaussianData:
    """x0 ~ N(mean, cov) over one flattened latent of shape ``shape`` (float64 internally).

    Independent when built with ``std`` (cov = diag(std^2)); otherwise a full covariance.
    """

    def __init__(self, mean: torch.Tensor, std: Optional[torch.Tensor] = None,
                 cov: Optional[torch.Tensor] = None):
        mean = torch.as_tensor(mean, dtype=torch.float64)
        self.shape = tuple(mean.shape)
        self.d = mean.numel()
        self.mean = mean
        if cov is None:
            if std is None:
                raise ValueError("give std or cov")
            std = torch.as_tensor(std, dtype=torch.float64).expand(self.shape).clone()
            self.var = std.flatten() ** 2
            self.cov = torch.diag(self.var)
            self.independent = True
            self._evals = self.var
            self._evecs = None
        else:
            cov = torch.as_tensor(cov, dtype=torch.float64)
            if cov.shape != (self.d, self.d):
                raise ValueError("cov must be [d,d] with d = mean.numel() = %d" % self.d)
            cov = 0.5 * (cov + cov.T)
            self.cov = cov
            self.var = torch.diagonal(cov).clone()
            evals, evecs = torch.linalg.eigh(cov)
            if evals.min() <= 0:
                raise ValueError("cov must be positive definite")
            self._evals, self._evecs = evals, evecs
            self.independent = False

    @property
    def std(self) -> torch.Tensor:
        return self.var.sqrt().reshape(self.shape)

    def sample(self, n: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        z = torch.randn(n, self.d, generator=generator, dtype=torch.float64)
        if self.independent:
            x = z * self.var.sqrt()
        else:
            x = (z * self._evals.sqrt()) @ self._evecs.T
        return (x + self.mean.flatten()).reshape((n,) + self.shape)

    def posterior_mean(self, x: torch.Tensor, alpha: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """E[x0 | x] for x = alpha*x0 + s*n, n ~ N(0, I); alpha, s per batch item ([B])."""
        B = x.shape[0]
        xf = x.reshape(B, -1).to(torch.float64)
        a = alpha.reshape(B, 1).to(torch.float64)
        s2 = (s.reshape(B, 1).to(torch.float64)) ** 2
        mu = self.mean.flatten().to(xf.device)
        lam = self._evals.to(xf.device)
        r = xf - a * mu
        gain = a * lam / (a * a * lam + s2)            # [B, d] eigen-space gain
        if self.independent:
            out = mu + gain * r
        else:
            U = self._evecs.to(xf.device)
            out = mu + ((r @ U) * gain) @ U.T
        return out.reshape(x.shape)

    def exact_conditional(self, known_values: torch.Tensor, mask: torch.Tensor) -> GaussianConditional:
        """Conditional of elements where mask == 1 (regenerated) given known_values elsewhere.

        known_values: latent [C,H,W] (or [1,C,H,W]); mask broadcastable to it ([H,W], [1,H,W],
        [C,H,W]), binary, 1 = regenerate.
        """
        kv = torch.as_tensor(known_values, dtype=torch.float64).reshape(self.shape)
        m = torch.as_tensor(mask, dtype=torch.float64)
        while m.ndim > len(self.shape):
            m = m[0]
        m = m.expand(self.shape)
        if not torch.all((m == 0) | (m == 1)):
            raise ValueError("mask must be binary")
        mf = m.flatten().bool()
        u = torch.nonzero(mf).flatten()
        k = torch.nonzero(~mf).flatten()
        mu = self.mean.flatten()
        S = self.cov
        S_uu, S_uk, S_kk = S[u][:, u], S[u][:, k], S[k][:, k]
        if k.numel() > 0:
            sol = torch.linalg.solve(S_kk, torch.cat([(kv.flatten()[k] - mu[k])[:, None], S_uk.T], 1))
            cmean = mu[u] + S_uk @ sol[:, 0]
            ccov = S_uu - S_uk @ sol[:, 1:]
        else:
            cmean, ccov = mu[u].clone(), S_uu.clone()
        ccov = 0.5 * (ccov + ccov.T)
        full_mean = kv.flatten().clone()
        full_mean[u] = cmean
        full_std = torch.zeros(self.d, dtype=torch.float64)
        full_std[u] = torch.diagonal(ccov).clamp_min(0).sqrt()
        return GaussianConditional(full_mean.reshape(self.shape), full_std.reshape(self.shape), ccov, u)


def correlated_covariance(shape: Sequence[int], std=0.8, length_scale: float = 1.5,
                          channel_corr: float = 0.5, jitter: float = 0.05) -> torch.Tensor:
    """A PD covariance over a [C,H,W] latent: std_i std_j * K_chan ⊗ K_rbf(space) (+ jitter).

    K_chan has 1 on the diagonal and channel_corr elsewhere; K_rbf(p,q) = exp(-|p-q|^2/(2 l^2)).
    ``std`` may be a scalar or a [C,H,W] tensor (marginal stds, up to the jitter).
    """
    C, H, W = shape
    kc = torch.full((C, C), float(channel_corr), dtype=torch.float64)
    kc.fill_diagonal_(1.0)
    yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64),
                            indexing="ij")
    pos = torch.stack([yy.flatten(), xx.flatten()], 1)
    d2 = torch.cdist(pos, pos) ** 2
    ks = torch.exp(-d2 / (2 * length_scale ** 2))
    K = torch.kron(kc, ks)
    K = (1 - jitter) * K + jitter * torch.eye(C * H * W, dtype=torch.float64)
    sd = torch.as_tensor(std, dtype=torch.float64).expand(C, H, W).flatten()
    return K * sd[:, None] * sd[None, :]


class AnalyticGaussianNet(torch.nn.Module):
    """diffusion_model returning the exact prediction of the owning BaseModel's parameterisation.

    Inverts the host's own model_sampling: x = xc / calculate_input(sigma, 1); the forward
    process coefficients come from noise_scaling (x_t = alpha x0 + s n); the returned output o
    solves calculate_denoised(sigma, o, x) == E[x0 | x_t] (calculate_denoised is affine in o).
    Works for EPS, V_PREDICTION and CONST, and with model_sampling object patches
    (e.g. ModelSamplingSD3 shift), since it reads the owner's model_sampling at call time.
    """

    def __init__(self, data: GaussianData):
        super().__init__()
        self.data = data
        self.dtype = torch.float32
        self._owner = []          # the BaseModel, kept out of the module tree
        self.calls = 0            # number of forward calls (handy for tests)
        self.register_buffer("_dummy", torch.zeros(1))

    def exact_conditional(self, known_values, mask):
        return self.data.exact_conditional(known_values, mask)

    def forward(self, xc, t, context=None, transformer_options={}, **kwargs):
        self.calls += 1
        owner = self._owner[0]
        ms = owner.model_sampling
        B = xc.shape[0]
        sig = transformer_options.get("sigmas", None) if transformer_options else None
        if sig is not None and sig.numel() > 0 and B % sig.shape[0] == 0:
            sigma = sig.reshape(-1).repeat(B // sig.shape[0]).to(xc.device, torch.float32)
        else:
            sigma = ms.sigma(t.reshape(-1).float()).to(xc.device, torch.float32)
            if sigma.numel() == 1:
                sigma = sigma.expand(B)
        one = torch.ones((B, 1, 1, 1), dtype=torch.float32, device=xc.device)
        zero = torch.zeros_like(one)
        sig4 = sigma.reshape(B)
        x = xc.float() / ms.calculate_input(sig4, one.clone())
        s = ms.noise_scaling(sig4, one.clone(), zero.clone())             # coefficient of noise
        alpha = ms.noise_scaling(sig4, zero.clone(), one.clone())         # coefficient of x0
        den = self.data.posterior_mean(x, alpha.reshape(B), s.reshape(B)).to(torch.float64)
        a = ms.calculate_denoised(sig4, zero.expand_as(x).clone(), x).double()
        b = ms.calculate_denoised(sig4, one.expand_as(x).clone(), x).double() - a
        return ((den - a) / b).to(xc.dtype)


def analytic_gaussian_model(mean, std=None, flow: bool = False, *, cov=None, shift: float = 3.0,
                            v_pred: bool = False, multiplier: float = 1000.0):
    """ModelPatcher of a real BaseModel whose prediction is exact for x0 ~ N(mean, cov).

    mean: [C,H,W] tensor (one latent); std: scalar or [C,H,W] (independent) or cov: [d,d].
    flow=False: EPS (ModelSamplingDiscrete, SD1/SDXL schedule); v_pred=True: V_PREDICTION;
    flow=True: FLOW / CONST with ModelSamplingDiscreteFlow(shift, multiplier) like SD3.
    Latent format is the identity (scale 1, no shift), so latents are model-space values.
    Data object: ``analytic_data(patcher)`` (GaussianData with exact_conditional()).
    Conditioning: ``analytic_conds()`` (the prediction ignores it).
    """
    data = GaussianData(mean, std=std, cov=cov)
    return mount_analytic_net(AnalyticGaussianNet(data), data.shape[0], flow=flow, shift=shift, v_pred=v_pred,
                              multiplier=multiplier)


def mount_analytic_net(net, channels: int, *, flow: bool = False, shift: float = 3.0, v_pred: bool = False,
                       multiplier: float = 1000.0):
    """ModelPatcher of a real BaseModel (identity latent format of `channels`; EPS, V_PREDICTION or
    FLOW / CONST with ModelSamplingDiscreteFlow(shift, multiplier)) whose diffusion model is `net`."""
    env = load_comfy()
    ModelType = env.model_base.ModelType

    class _Latent(env.latent_formats.LatentFormat):
        latent_channels = channels

    class _Config(env.supported_models_base.BASE):
        unet_config = {"disable_unet_model_creation": True}
        unet_extra_config = {}
        latent_format = _Latent
        sampling_settings = {"shift": shift, "multiplier": multiplier} if flow else {}
        memory_usage_factor = 1.0

    cfg = _Config({"disable_unet_model_creation": True, "in_channels": channels})
    cfg.set_inference_dtype(torch.float32, None)
    mtype = ModelType.FLOW if flow else (ModelType.V_PREDICTION if v_pred else ModelType.EPS)
    model = env.model_base.BaseModel(cfg, model_type=mtype)
    model.diffusion_model = net
    net._owner.append(model)
    model.eval()
    return make_patcher(model)


def analytic_data(patcher) -> GaussianData:
    return patcher.model.diffusion_model.data


def analytic_conds():
    """(positive, negative) for analytic models: [[zeros [1,1,8], {}]] each."""
    return [[torch.zeros(1, 1, 8), {}]], [[torch.zeros(1, 1, 8), {}]]


# ----------------------------------------------------------------------------- helpers
def half_mask(h: int, w: int, batch: int = 1, right: bool = True, frames: Optional[int] = None) -> torch.Tensor:
    """noise_mask [batch,1,h,w] ([batch,1,frames,h,w] for a video latent): 1 (regenerate) on the right
    half (left half if right=False)."""
    m = torch.zeros((batch, 1) + (() if frames is None else (frames,)) + (h, w))
    if right:
        m[..., w // 2:] = 1.0
    else:
        m[..., : w // 2] = 1.0
    return m


def host_roundtrip(patcher, latent: torch.Tensor) -> torch.Tensor:
    """process_latent_out(process_latent_in(latent)): what stock samplers leave in the kept
    region (bit-exact), which can differ from ``latent`` by ~1 ulp for scaled latent formats."""
    m = patcher.model
    return m.process_latent_out(m.process_latent_in(latent))


def sigmas_for(patcher, scheduler: str, steps: int) -> torch.Tensor:
    env = load_comfy()
    return env.samplers.calculate_sigmas(patcher.get_model_object("model_sampling"), scheduler, steps).cpu()


@torch.no_grad()
def analytic_euler_reference(patcher, noise: torch.Tensor, sigmas: torch.Tensor,
                             latent: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Float64 replica of ComfyUI's unmasked KSampler 'euler' run on an analytic model.

    noise: the raw N(0,1) noise (comfy.sample.prepare_noise(latent, seed)); latent: the input
    latent (zeros if None). Returns the final latent (identity latent format assumed).
    """
    ms = patcher.get_model_object("model_sampling")
    data = analytic_data(patcher)
    sig = sigmas.double()
    lat = torch.zeros_like(noise) if latent is None else latent
    max_denoise = math.isclose(float(ms.sigma_max), float(sig[0]), rel_tol=1e-05) or float(sig[0]) > float(ms.sigma_max)
    x = ms.noise_scaling(sig[0].float(), noise.clone().float(), lat.float(), max_denoise).double()
    B = x.shape[0]
    for i in range(len(sig) - 1):
        s = sig[i].float().expand(B)
        one = torch.ones(B, 1, 1, 1)
        sc = ms.noise_scaling(s, one.clone(), torch.zeros_like(one)).double().reshape(B)
        al = ms.noise_scaling(s, torch.zeros_like(one), one.clone()).double().reshape(B)
        den = data.posterior_mean(x, al, sc)
        d = (x - den) / sig[i]
        x = x + d * (sig[i + 1] - sig[i])
    return ms.inverse_noise_scaling(sig[-1].float(), x.float())


@torch.no_grad()
def predict_denoised(patcher, x: torch.Tensor, sigma, cond) -> torch.Tensor:
    """One direct model call outside a sampler: denoised = BaseModel.apply_model(x, sigma, ...)
    for a conditioning list ``cond`` ([[tokens, {...}]]). x is in model (process_latent_in) space."""
    model = patcher.model
    tokens, extra = cond[0]
    sigma = torch.as_tensor(sigma, dtype=torch.float32).reshape(-1).expand(x.shape[0]).contiguous()
    kw = model.extra_conds(cross_attn=tokens, device=x.device, noise=x, **extra)
    kw = {k: v.process_cond(batch_size=x.shape[0], area=None).cond for k, v in kw.items()}
    # transformer_options["sigmas"] is what _calc_cond_batch sets during sampling
    return model.apply_model(x, sigma, transformer_options={"sigmas": sigma}, **kw)


def gaussian_fit_stats(samples: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> dict:
    """Per-element fit of samples [N, ...] to independent N(mean, std^2) targets.

    Returns n, max_abs_z and mean_z2 of the standardized sample means (z = (m - mean)/(std/sqrt N)),
    std_ratio_mean / std_ratio_min / std_ratio_max of sample std / std, and the tolerances
    (ok_*) at which a correct sampler fails with negligible probability for these sizes:
    max|z| < 4.5, mean z^2 < 1 + 6 sqrt(2/E), |mean ratio - 1| < 4 sqrt(1/(2 N E)) + 0.01,
    max |ratio - 1| < 4.5 sqrt(1/(2N)) + 0.01 (0.01 allows a 2nd-order sampler's bias).
    """
    s = samples.double()
    n = s.shape[0]
    mean = torch.as_tensor(mean, dtype=torch.float64).expand(s.shape[1:])
    std = torch.as_tensor(std, dtype=torch.float64).expand(s.shape[1:])
    e = mean.numel()
    z = (s.mean(0) - mean) / (std / math.sqrt(n))
    r = s.std(0) / std
    out = {
        "n": n, "max_abs_z": z.abs().max().item(), "mean_z2": (z ** 2).mean().item(),
        "std_ratio_mean": r.mean().item(), "std_ratio_min": r.min().item(), "std_ratio_max": r.max().item(),
    }
    out["ok_mean"] = out["max_abs_z"] < 4.5 and out["mean_z2"] < 1 + 6 * math.sqrt(2 / e)
    out["ok_std"] = (abs(out["std_ratio_mean"] - 1) < 4 * math.sqrt(1 / (2 * n * e)) + 0.01
                     and max(abs(out["std_ratio_min"] - 1), abs(out["std_ratio_max"] - 1))
                     < 4.5 * math.sqrt(1 / (2 * n)) + 0.01)
    out["ok"] = out["ok_mean"] and out["ok_std"]
    return out


# ----------------------------------------------------------------------------- text encoder + VAE
# Stand-ins for the files a real workflow loads (checkpoint / text encoders / VAE), so a bundled
# workflow can run end to end on the tiny models: CLIPTextEncode (and the family-specific
# CLIPTextEncodeSDXL/SD3/Flux/HiDream nodes) accept ``tiny_clip(family)``; VAEEncode/VAEDecode
# accept ``tiny_vae(family)``.

TINY_FAMILIES = ("sdxl", "sd3", "flux", "hidream")
# every family the stand-in loaders (devtools/tiny_pack) serve: the above plus those of the other
# bundled workflows (qwen_image also serves Qwen-Image-Edit: same model)
LOADER_FAMILIES = TINY_FAMILIES + ("sd15", "zimage", "qwen_image", "flux2", "chroma", "hunyuan_image",
                                   "wan22_t2v", "wan22_ti2v")
# token-dict keys the real tokenizer of each family returns (the family's text-encode nodes
# read and write these)
TEXT_KEYS = {"sd15": ("l",), "sdxl": ("g", "l"), "sd3": ("g", "l", "t5xxl"), "flux": ("l", "t5xxl"),
             "hidream": ("g", "l", "t5xxl", "llama"), "zimage": ("qwen3_4b",), "qwen_image": ("qwen25_7b",),
             "flux2": ("mistral3_24b",), "chroma": ("t5xxl",), "hunyuan_image": ("qwen25_7b",),
             "wan22_t2v": ("umt5xxl",), "wan22_ti2v": ("umt5xxl",)}
TEXT_VOCAB = 1024       # stand-in vocabulary size (token 0 = padding)
LLAMA_TOKENS = 5        # HiDream conditioning_llama3 tokens, as in hidream_conds
LLAMA_LAYERS = 2        # = len(llama_layers) of tiny_hidream
LLAMA_DIM = 48          # = caption_channels[1] of tiny_hidream
VAE_Z_CHANNELS = {"sd15": 4, "sdxl": 4, "sd3": 16, "flux": 16, "hidream": 16, "zimage": 16, "qwen_image": 16,
                  "flux2": 128, "chroma": 16, "hunyuan_image": 64}
VAE_DOWNSCALE = {"flux2": 16, "hunyuan_image": 32}   # image px per latent px (8 for the others)


def _family_seed(family: str, seed: int) -> int:
    import zlib
    return (zlib.crc32(family.encode()) + 7919 * int(seed)) % (2 ** 31)


class TinyTokenizer:
    """Deterministic stand-in tokenizer (NOT a real BPE tokenizer).

    The prompt is parsed for ComfyUI's ``(word:1.2)`` weights (comfy.sd1_clip.token_weights),
    split into words and punctuation, and folded into exactly ``TOKENS`` positions: position i
    holds the crc32 hash (mod TEXT_VOCAB-1, +1) of words i, i+TOKENS, i+2*TOKENS ... joined, so
    every word matters and the shape never changes; unused positions are padding (id 0).
    Returns ``{key: [[(id, weight), ...]]}`` (one chunk) for every key of the family's real
    tokenizer, like comfy's tokenizers do.
    """

    def __init__(self, family: str = "sdxl", embedding_directory=None, tokenizer_data={}):
        if family not in TEXT_KEYS:
            raise ValueError("unknown tiny text-encoder family %r (one of %s)" % (family, LOADER_FAMILIES))
        self.family = family
        self.keys = TEXT_KEYS[family]

    def _chunk(self, text: str, return_word_ids: bool):
        import re
        import zlib
        from comfy import sd1_clip
        words = []
        for segment, weight in sd1_clip.token_weights(sd1_clip.escape_important(text), 1.0):
            segment = sd1_clip.unescape_important(segment)
            words += [(w.lower(), weight) for w in re.findall(r"\w+|[^\w\s]", segment)]
        out = []
        for i in range(TOKENS):
            group = words[i::TOKENS]
            if not group:
                out.append((0, 1.0, 0) if return_word_ids else (0, 1.0))
                continue
            token = 1 + zlib.crc32(" ".join(w for w, _ in group).encode()) % (TEXT_VOCAB - 1)
            weight = sum(wt for _, wt in group) / len(group)
            out.append((token, weight, i + 1) if return_word_ids else (token, weight))
        return out

    def tokenize_with_weights(self, text: str, return_word_ids: bool = False, **kwargs):
        chunk = self._chunk(text, return_word_ids)
        return {k: [list(chunk)] for k in self.keys}

    def untokenize(self, token_weight_pair):
        return [(t, str(t[0])) for t in token_weight_pair]

    def state_dict(self):
        return {}


class TinyTextEncoder(torch.nn.Module):
    """Deterministic stand-in text encoder (NOT CLIP/T5/Llama): seeded embedding tables.

    For each token key k of the family: e_k = E_k[id] * weight + P (E_k ~ N(0,1) [TEXT_VOCAB,64],
    P ~ N(0,0.1^2) [TOKENS,64]); cond = sum_k e_k / sqrt(#keys)  -> [1, TOKENS, 64];
    pooled = W_p(mean over tokens of cond) * sqrt(TOKENS) -> [1, 32]; HiDream adds
    conditioning_llama3 = per-layer W_l(e_llama[:, :5]) -> [1, 2, 5, 48]. These are the shapes and
    keys conds_for(family) builds (minus the SDXL size / Flux guidance entries, which the host
    defaults or FluxGuidance sets, as with the real encoders). Weights are fp32 whatever dtype the
    host asks for, so the result does not depend on the device's text-encoder dtype.
    """

    def __init__(self, family: str = "sdxl", seed: int = 0, device=None, dtype=None, model_options={}):
        super().__init__()
        if family not in TEXT_KEYS:
            raise ValueError("unknown tiny text-encoder family %r (one of %s)" % (family, LOADER_FAMILIES))
        self.family = family
        self.keys = TEXT_KEYS[family]
        g = _gen(_family_seed(family, seed))
        self.embed = torch.nn.ParameterDict({
            k: torch.nn.Parameter(torch.randn(TEXT_VOCAB, CONTEXT_DIM, generator=g), requires_grad=False)
            for k in self.keys})
        self.pos = torch.nn.Parameter(0.1 * torch.randn(TOKENS, CONTEXT_DIM, generator=g), requires_grad=False)
        self.pooled_proj = torch.nn.Parameter(torch.randn(POOLED_DIM, CONTEXT_DIM, generator=g)
                                              / math.sqrt(CONTEXT_DIM), requires_grad=False)
        if "llama" in self.keys:
            self.llama_proj = torch.nn.Parameter(torch.randn(LLAMA_LAYERS, LLAMA_DIM, CONTEXT_DIM, generator=g)
                                                 / math.sqrt(CONTEXT_DIM), requires_grad=False)
        if device is not None:
            self.to(device)
        self.dtypes = {torch.float32}
        self.clip_options = {}

    def set_clip_options(self, options):
        self.clip_options.update(options)      # layer / projected_pooled: no effect on a stand-in

    def reset_clip_options(self):
        self.clip_options = {}

    def _embed(self, key, chunks):
        if not chunks:
            return None
        dev = self.pos.device
        seqs = []
        for chunk in chunks:
            ids = torch.tensor([int(t[0]) for t in chunk], dtype=torch.long, device=dev)
            w = torch.tensor([float(t[1]) for t in chunk], dtype=torch.float32, device=dev)
            n = ids.shape[0]
            pos = self.pos[torch.arange(n, device=dev) % TOKENS]
            seqs.append(self.embed[key][ids] * w[:, None] + pos)
        return torch.cat(seqs, 0)[None]

    @torch.no_grad()
    def encode_token_weights(self, token_weight_pairs):
        import comfy.model_management as mm
        per_key = {k: self._embed(k, token_weight_pairs.get(k)) for k in self.keys}
        present = [e for e in per_key.values() if e is not None]
        if present:
            n = min(e.shape[1] for e in present)
            cond = sum(e[:, :n] for e in present) / math.sqrt(len(present))
        else:
            cond = torch.zeros(1, TOKENS, CONTEXT_DIM, device=self.pos.device)
        pooled = (cond.mean(1) @ self.pooled_proj.T) * math.sqrt(TOKENS)
        out_dev = mm.intermediate_device()
        extra = {}
        if "llama" in self.keys:
            src = per_key["llama"] if per_key["llama"] is not None else cond
            src = src[:, :LLAMA_TOKENS]
            if src.shape[1] < LLAMA_TOKENS:
                src = torch.nn.functional.pad(src, (0, 0, 0, LLAMA_TOKENS - src.shape[1]))
            extra["conditioning_llama3"] = torch.einsum("ldc,btc->bltd", self.llama_proj, src).to(out_dev)
        return cond.to(out_dev), pooled.to(out_dev), extra

    def load_sd(self, sd):
        return self.load_state_dict(sd, strict=False)


def tiny_clip(family: str = "sdxl", seed: int = 0):
    """A real ``comfy.sd.CLIP`` around the stand-in TinyTokenizer / TinyTextEncoder of ``family``.

    ``clip.tokenize(text)`` + ``clip.encode_from_tokens_scheduled(tokens)`` (what CLIPTextEncode
    does) give [[cond [1,7,64], {"pooled_output": [1,32] (, "conditioning_llama3": [1,2,5,48])}]],
    a deterministic function of the prompt text and ``seed``. clone / clip_layer / hooks work as
    for any comfy CLIP.
    """
    import functools
    env = load_comfy()
    import comfy.sd
    target = env.supported_models_base.ClipTarget(functools.partial(TinyTokenizer, family),
                                                  functools.partial(TinyTextEncoder, family, seed))
    n_params = len(TEXT_KEYS[family]) * TEXT_VOCAB * CONTEXT_DIM
    return comfy.sd.CLIP(target=target, parameters=n_params)


def tiny_vae_config(family: str = "sdxl") -> dict:
    """ddconfig of the tiny AutoencoderKL: SD's VAE layout (8x down/upscale; one more level per
    further 2x for a 16x or 32x family) at ch 32, 1 res block."""
    levels = {8: [1, 2, 4, 4], 16: [1, 2, 4, 4, 4], 32: [1, 2, 4, 4, 4, 4]}[VAE_DOWNSCALE.get(family, 8)]
    return {"double_z": True, "z_channels": VAE_Z_CHANNELS[family], "resolution": 256, "in_channels": 3,
            "out_ch": 3, "ch": 32, "ch_mult": levels, "num_res_blocks": 1, "attn_resolutions": [],
            "dropout": 0.0}


def tiny_video_vae(seed: int = 0, dim: int = 8):
    """A real ``comfy.sd.VAE`` around a tiny seeded Wan 2.1 video VAE (the VAE of Wan 2.1 and of the
    Wan 2.2 14B models): the host detects it from the state dict like a real file. Images [F,H,W,3]
    with F = 4k + 1 frames encode to [1,16,k+1,H/8,W/8]."""
    load_comfy()
    import comfy.sd
    from comfy.ldm.wan.vae import WanVAE
    module = WanVAE(dim=dim, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
                    temperal_downsample=[False, True, True], dropout=0.0)
    init_weights(module, seed=_family_seed("wan_vae", seed))
    return comfy.sd.VAE(sd=module.state_dict())


def tiny_wan22_video_vae(seed: int = 0, dim: int = 8):
    """A real ``comfy.sd.VAE`` around a tiny seeded Wan 2.2 VAE (the VAE of Wan 2.2 TI2V 5B): images
    [F,H,W,3] with F = 4k + 1 frames encode to [1,48,k+1,H/16,W/16]. The host detects the file by its
    keys but builds that VAE at the real width (160); here its class is swapped for one of width
    ``dim`` while comfy.sd.VAE is built, so every other setting is the host's own."""
    import functools
    import unittest.mock
    load_comfy()
    import comfy.sd
    from comfy.ldm.wan import vae2_2
    tiny = functools.partial(vae2_2.WanVAE, dim=dim, dec_dim=dim, z_dim=48, dim_mult=[1, 2, 4, 4],
                             num_res_blocks=2, attn_scales=[], temperal_downsample=[False, True, True],
                             dropout=0.0)
    module = init_weights(tiny(), seed=_family_seed("wan22_vae", seed))
    with unittest.mock.patch.object(vae2_2, "WanVAE", lambda **host_config: tiny()):
        return comfy.sd.VAE(sd=module.state_dict())


VIDEO_VAES = {"wan22_t2v": tiny_video_vae, "wan22_ti2v": tiny_wan22_video_vae}   # loader family -> video VAE


def tiny_vae(family: str = "sdxl", seed: int = 0):
    """A real ``comfy.sd.VAE`` (AutoencoderKL architecture, tiny config, seeded weights).

    Latent channels 4 (sdxl), 128 (flux2, 16x like Flux.2's packed latent) or 16 (the others), 8x
    spatial compression unless VAE_DOWNSCALE says otherwise; image sides must be multiples of 8 (VAEEncode crops others, as with any SD VAE). Quality is irrelevant: the weights
    are random (init_weights), so decode(encode(x)) is an image-shaped, host-clamped [0,1] tensor,
    not a reconstruction. The mid blocks keep the architecture's single attention layer.
    """
    if family in VIDEO_VAES:
        return VIDEO_VAES[family](seed)
    load_comfy()
    import comfy.sd
    from comfy.ldm.models.autoencoder import AutoencoderKL
    dd = tiny_vae_config(family)
    z = dd["z_channels"]
    module = AutoencoderKL(ddconfig=dict(dd), embed_dim=z)
    init_weights(module, seed=_family_seed(family, seed))
    sd = module.state_dict()
    vae = comfy.sd.VAE(sd=sd, config={"params": {"ddconfig": dict(dd), "embed_dim": z}})
    vae.latent_channels = z     # the config path leaves SD1's default of 4
    vae.downscale_ratio = vae.upscale_ratio = VAE_DOWNSCALE.get(family, 8)
    return vae


__all__ += ["TINY_FAMILIES", "LOADER_FAMILIES", "TEXT_KEYS", "VAE_Z_CHANNELS", "VAE_DOWNSCALE", "TinyTokenizer",
            "TinyTextEncoder", "tiny_clip", "tiny_vae_config", "tiny_vae", "tiny_video_vae", "tiny_wan22_video_vae",
            "VIDEO_VAES"]
