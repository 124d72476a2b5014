"""Tiny REAL Wan video models with seeded weights, and analytic models mounted in video BaseModels.

Builders (each returns a ``comfy.model_patcher.ModelPatcher`` the stock samplers accept)::

    model = tiny_wan22_t2v(seed=0)        # Wan 2.1 / 2.2 T2V (WAN21_T2V), latent [B,16,T,h,w]
    model = tiny_wan22_ti2v(seed=0)       # Wan 2.2 TI2V 5B (WAN22_T2V), latent [B,48,T,h,w]
    positive, negative = wan_conds(seed=1)

The models are built from the host's own classes (supported_models WAN21_T2V / WAN22_T2V,
set_inference_dtype, get_model) with a one-layer config, then seeded (tiny_models.init_weights).
h and w must be even (patch (1, 2, 2)); T is any length (Wan's video VAE gives T = (frames-1)/4 + 1).

Analytic models: ``analytic_wan22_model`` mounts an exact Gaussian denoiser in the host's WAN22
BaseModel (the TI2V 5B class, which gives kept tokens timestep 0 and returns the clean latent from
scale_latent_inpaint), so a test can read what the model is given for the kept region and measure
the sampled conditional against the exact one.
"""
from __future__ import annotations

import torch

from .comfy_env import load_comfy
from .analytic_models import GaussianData
from .tiny_models import CONTEXT_DIM, init_weights, make_patcher

__all__ = ["WAN_TEXT_TOKENS", "tiny_wan22_t2v", "tiny_wan21_t2v", "tiny_wan22_ti2v", "wan_conds",
           "wan_latent_shape", "WAN_BUILDERS", "TokenTimestepGaussianNet", "analytic_wan22_model"]

WAN_TEXT_TOKENS = 7


def _wan_unet_config(channels: int) -> dict:
    return {
        "image_model": "wan2.1", "model_type": "t2v", "patch_size": (1, 2, 2), "dim": 64, "ffn_dim": 64,
        "freq_dim": 256, "num_heads": 2, "num_layers": 1, "in_dim": channels, "out_dim": channels,
        "text_dim": CONTEXT_DIM, "text_len": 512, "window_size": (-1, -1), "qk_norm": True,
        "cross_attn_norm": True, "eps": 1e-6,
    }


def _build_wan(config_name: str, channels: int, seed: int):
    env = load_comfy()
    config = getattr(env.supported_models, config_name)(_wan_unet_config(channels))
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({}, "")
    init_weights(model.diffusion_model, seed=seed)
    model.eval()
    return make_patcher(model)


def tiny_wan22_t2v(seed: int = 0):
    """Tiny Wan 2.1 / 2.2 T2V (the 14B models' class WAN21_T2V; FLOW, shift 8). Latent [B,16,T,h,w]."""
    return _build_wan("WAN21_T2V", 16, seed)


tiny_wan21_t2v = tiny_wan22_t2v  # Wan 2.2 T2V 14B loads as WAN21_T2V: one architecture


def tiny_wan22_ti2v(seed: int = 0):
    """Tiny Wan 2.2 TI2V 5B (WAN22_T2V -> model_base.WAN22: per-token timesteps, clean kept latent).
    Latent [B,48,T,h,w]."""
    return _build_wan("WAN22_T2V", 48, seed)


def wan_conds(seed: int = 1):
    """(positive, negative): umT5-like token embeddings [1,7,64] each, no pooled output."""
    out = []
    for s in (seed, seed + 1000):
        g = torch.Generator().manual_seed(int(s))
        out.append([[torch.randn(1, WAN_TEXT_TOKENS, CONTEXT_DIM, generator=g), {}]])
    return out[0], out[1]


def wan_latent_shape(family: str, batch: int = 1, frames: int = 3, h: int = 8, w: int = 8):
    """Latent shape of a WAN_BUILDERS key: [batch, 16 or 48, frames, h, w]."""
    return (batch, 48 if family == "wan22_ti2v" else 16, frames, h, w)


WAN_BUILDERS = {"wan22_t2v": tiny_wan22_t2v, "wan22_ti2v": tiny_wan22_ti2v}


# ----------------------------------------------------------------------------- analytic, per-token timesteps
@torch.no_grad()
def posterior_mean_per_element(data: GaussianData, x: torch.Tensor, alpha: torch.Tensor, s: torch.Tensor):
    """E[x0 | x] for x = alpha * x0 + s * n with per-element alpha, s ([B, d] each; s = 0: x0 observed).

    den = mu + Sigma (alpha * M^-1 (x - alpha mu)), M = diag(alpha) Sigma diag(alpha) + diag(s^2).
    """
    B = x.shape[0]
    xf, a, s = (t.reshape(B, -1).double() for t in (x, alpha, s))
    mu, cov = data.mean.flatten().to(xf.device), data.cov.to(xf.device)
    out = torch.empty_like(xf)
    for i in range(B):
        if i > 0 and torch.equal(a[i], a[i - 1]) and torch.equal(s[i], s[i - 1]):
            out[i] = mu + cov @ (a[i] * torch.cholesky_solve((xf[i] - a[i] * mu)[:, None], chol)[:, 0])
            continue
        m = a[i][:, None] * cov * a[i][None, :] + torch.diag(s[i] ** 2)
        chol = torch.linalg.cholesky(m)
        out[i] = mu + cov @ (a[i] * torch.cholesky_solve((xf[i] - a[i] * mu)[:, None], chol)[:, 0])
    return out.reshape(x.shape)


class TokenTimestepGaussianNet(torch.nn.Module):
    """Exact denoiser for x0 ~ N(mean, cov) over one video latent [C,T,h,w], honouring per-frame
    timesteps the way WAN22 labels them: process_timestep gives t [B, T]; frame f is at flow time
    t_f / multiplier (0: the frame is given clean). Returns the output o with
    calculate_denoised(sigma, o, x) = E[x0 | what the model was given], like analytic_models'
    AnalyticGaussianNet. `log` records (x given to the model, t) per call when `record` is True.
    """

    def __init__(self, data: GaussianData):
        super().__init__()
        self.data = data
        self.dtype = torch.float32
        self._owner = []
        self.calls = 0
        self.record = False
        self.log = []
        # WAN21.concat_cond reads the input width from here (no extra channels: T2V / TI2V)
        self.patch_embedding = torch.nn.Conv3d(data.shape[0], 1, 1)

    def forward(self, xc, t, context=None, transformer_options={}, **kwargs):
        self.calls += 1
        ms = self._owner[0].model_sampling
        B = xc.shape[0]
        sig = transformer_options["sigmas"].reshape(-1).to(xc.device, torch.float32)
        sigma = sig.repeat(B // sig.shape[0])
        x = xc.float() / ms.calculate_input(sigma, torch.ones((B,) + (1,) * (xc.ndim - 1), device=xc.device))
        frame_t = t.reshape(B, -1).float()
        if frame_t.shape[1] == 1:
            frame_t = frame_t.expand(B, xc.shape[2])
        frame_sigma = (frame_t / ms.multiplier)[:, None, :, None, None].expand_as(x)
        den = posterior_mean_per_element(self.data, x, 1 - frame_sigma, frame_sigma)
        if self.record:
            self.log.append((x.clone(), frame_t.clone()))
        sig5 = sigma.reshape(B)
        a = ms.calculate_denoised(sig5, torch.zeros_like(x), x).double()
        b = ms.calculate_denoised(sig5, torch.ones_like(x), x).double() - a
        return ((den - a) / b).to(xc.dtype)


def _analytic_video_config(channels: int, shift: float):
    """A model config for mounting an analytic net in a video BaseModel: identity 3-D latent format
    of `channels`, no network of the host's own, float32, sampling shift `shift`."""
    env = load_comfy()

    class _Latent(env.latent_formats.LatentFormat):
        latent_channels = channels
        latent_dimensions = 3

    class _Config(env.supported_models_base.BASE):
        unet_config = {"disable_unet_model_creation": True}
        unet_extra_config = {}
        latent_format = _Latent
        sampling_settings = {"shift": shift}
        memory_usage_factor = 1.0

    config = _Config({"disable_unet_model_creation": True, "in_channels": channels})
    config.set_inference_dtype(torch.float32, None)
    return config


def analytic_wan22_model(mean, cov, shift: float = 8.0):
    """ModelPatcher of the host's WAN22 BaseModel (Wan 2.2 TI2V 5B's class) with an exact Gaussian
    denoiser (TokenTimestepGaussianNet) for x0 ~ N(mean, cov), mean [C,T,h,w]. Identity latent
    format, FLOW sampling with `shift`. Conditioning: analytic_video_conds()."""
    env = load_comfy()
    data = GaussianData(mean, cov=cov)
    model = env.model_base.WAN22(_analytic_video_config(data.shape[0], shift), image_to_video=True)
    net = TokenTimestepGaussianNet(data)
    model.diffusion_model = net
    net._owner.append(model)
    model.eval()
    return make_patcher(model)


def analytic_video_conds():
    """(positive, negative) for the analytic video models (their prediction ignores it)."""
    return [[torch.zeros(1, 1, CONTEXT_DIM), {}]], [[torch.zeros(1, 1, CONTEXT_DIM), {}]]


__all__ += ["posterior_mean_per_element", "analytic_video_conds"]


# ----------------------------------------------------------------------------- analytic, audio+video (LTX-2)
class NestedGaussianNet(torch.nn.Module):
    """Exact denoiser for independent Gaussian video and audio latents, for the host's LTXAV BaseModel.

    The host unpacks the flat audio+video latent into [video [B,C,T,h,w], audio [B,C,t,f]] before
    calling the diffusion model and packs the outputs again. Like LTX-2, a token whose mask is 0 is
    labelled timestep 0 (LTXAV.process_timestep, from the denoise_mask / audio_denoise_mask the host
    also hands the model); here element e is read at flow time mask_e * sigma (0: given clean).
    Carries the host's own patchifiers, which LTXAV.process_timestep calls. `log` records
    ([video, audio] as given, [video mask, audio mask]) per call when `record` is True.
    """

    def __init__(self, parts):
        super().__init__()
        import comfy.ldm.lightricks.symmetric_patchifier as patchifiers
        self.parts = [(m.double(), s.double()) for m, s in parts]   # (mean, std) per sub-latent
        self.dtype = torch.float32
        self._owner = []
        self.calls = 0
        self.record = False
        self.log = []
        self.patchifier = patchifiers.SymmetricPatchifier(1, start_end=True)
        self.a_patchifier = patchifiers.AudioPatchifier(1, start_end=True)

    def forward(self, xs, t, context=None, transformer_options={}, denoise_mask=None, audio_denoise_mask=None,
                **kwargs):
        self.calls += 1
        B = xs[0].shape[0]
        sig = transformer_options["sigmas"].reshape(-1).float()
        sigma = sig.repeat(B // sig.shape[0]).double()
        outs, masks = [], []
        for x, (mean, std), mask in zip(xs, self.parts, (denoise_mask, audio_denoise_mask)):
            view = (B,) + (1,) * (x.ndim - 1)
            level = sigma.reshape(view) * (1.0 if mask is None else mask.double())
            alpha, s = 1 - level, level
            den = mean + alpha * std**2 / (alpha**2 * std**2 + s**2) * (x.double() - alpha * mean)
            # calculate_denoised for CONST is x - sigma * out, with the step's sigma for every token
            outs.append(((x.double() - den) / sigma.reshape(view)).to(x.dtype))
            masks.append(mask)
        if self.record:
            self.log.append(([x.clone() for x in xs], masks))
        return outs


def analytic_ltxav_model(video_mean, video_std, audio_mean, audio_std, shift: float = 2.37):
    """ModelPatcher of the host's LTXAV BaseModel (LTX-2 audio+video) with NestedGaussianNet:
    video x0 ~ N(video_mean, video_std^2) [C,T,h,w], audio x0 ~ N(audio_mean, audio_std^2) [C,t,f],
    independent per element. Identity latent format; the host's FLUX-type CONST sampling with
    `shift`. Latents are comfy.nested_tensor.NestedTensor([video [B,...], audio [B,...]])."""
    env = load_comfy()
    model = env.model_base.LTXAV(_analytic_video_config(video_mean.shape[0], shift))
    parts = [(torch.as_tensor(m), torch.as_tensor(s).expand(torch.as_tensor(m).shape))
             for m, s in ((video_mean, video_std), (audio_mean, audio_std))]
    net = NestedGaussianNet(parts)
    model.diffusion_model = net
    net._owner.append(model)
    model.eval()
    return make_patcher(model)


__all__ += ["NestedGaussianNet", "analytic_ltxav_model"]
