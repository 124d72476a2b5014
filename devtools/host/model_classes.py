"""Every model class of the host (comfy.supported_models.models): its tiny test case, or why it has none.

CASES: one tiny seeded model per class an artist can inpaint with (some classes have two cases:
Flux.2 dev and klein, SD 2.x eps and v-prediction, Qwen-Image and its Edit conditioning), with the
conditioning and masked latent a real workflow gives it; tests/test_families.py samples each through
LanPaint's entry points. Video cases get a per-frame mask; MiniMax H3 an audio+video NestedTensor
with a mask for each part.
NOT_TESTED: classes that are not an inpainting model here, with the reason (upscalers, refiners, a
decoder). TESTED_ELSEWHERE: classes tested by another module, with it. The classes LanPaint refuses
(nodes.host_model.NOT_INPAINTABLE: image-to-image models, audio-only, 3-D, non-generative) are the
product's fact. tests/test_model_coverage.py fails on a host class that is in none of these.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from . import stand_ins
from . import tiny_dits as dits
from . import tiny_families as fam
from . import tiny_pixel_models as pixel
from . import tiny_unets as unets
from . import tiny_video_models as videos
from . import video_models
from .comfy_env import load_comfy

__all__ = ["TinyCase", "CASES", "NOT_TESTED", "TESTED_ELSEWHERE", "image_latent", "video_latent", "frames_latent",
           "av_latent", "per_frame_mask", "host_classes"]


@dataclass(frozen=True)
class TinyCase:
    """model_class: the comfy.supported_models class the tiny model is; build: seed -> ModelPatcher;
    conds: () -> (positive, negative); latent: () -> LATENT dict with its noise_mask."""
    model_class: str
    build: Callable
    conds: Callable
    latent: Callable


# ----------------------------------------------------------------------------- latents and masks
def _randn(shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def image_latent(channels: int, h: int = 16, w: int = 16, downscale: int = 8):
    """[1,channels,h,w] latent; image-pixel mask [1,1,h*downscale,w*downscale] regenerating the right half."""
    return {"samples": _randn((1, channels, h, w)), "noise_mask": fam.half_mask(h * downscale, w * downscale)}


def per_frame_mask(frames: int, height: int, width: int) -> torch.Tensor:
    """[frames,1,height,width] (SetLatentNoiseMask's video layout): frame f regenerates a band half the
    width wide that moves from the left edge (first frame) to the right edge (last frame)."""
    mask = torch.zeros(frames, 1, height, width)
    for f in range(frames):
        start = round(f * (width // 2) / max(frames - 1, 1))
        mask[f, :, :, start:start + width // 2] = 1.0
    return mask


def video_latent(channels: int, t: int = 3, h: int = 8, w: int = 8, downscale: int = 8, frames_per_latent: int = 4):
    """[1,channels,t,h,w] latent with a per_frame_mask over the (t-1)*frames_per_latent+1 video frames
    (the host resamples it over the latent's t frames)."""
    frames = (t - 1) * frames_per_latent + 1
    mask = per_frame_mask(frames, h * downscale, w * downscale)
    return {"samples": _randn((1, channels, t, h, w)), "noise_mask": mask}


def frames_latent(channels: int = 4, frames: int = 3, h: int = 16, w: int = 16):
    """Stable Video's layout: the frames are the batch [frames,channels,h,w], one mask per frame."""
    return {"samples": _randn((frames, channels, h, w)), "noise_mask": per_frame_mask(frames, h * 8, w * 8)}


def av_latent(video_channels: int, audio: tuple, t: int = 2, h: int = 8, w: int = 8, audio_frames: int = 8,
              downscale: int = 16):
    """An audio+video LATENT (comfy.nested_tensor.NestedTensor [video [1,C,t,h,w], audio [1,*audio,frames]])
    with a mask for each part: per-frame on the video, the second half of the audio frames."""
    nested = load_comfy().comfy.nested_tensor.NestedTensor
    video = _randn((1, video_channels, t, h, w))
    sound = _randn((1,) + tuple(audio) + (audio_frames,), seed=1)
    audio_mask = torch.zeros((1, 1) + tuple(audio[1:]) + (audio_frames,))
    audio_mask[..., audio_frames // 2:] = 1.0
    video_mask = per_frame_mask((t - 1) * 4 + 1, h * downscale, w * downscale)
    return {"samples": nested([video, sound]), "noise_mask": nested([video_mask, audio_mask])}


# ----------------------------------------------------------------------------- conditioning
def _text(**kw):
    return lambda: fam.text_conds(**kw)


def _tokens(**extra):
    """Text tokens without a pooled output (models whose text encoder gives none)."""
    return _text(pooled=False, **extra)


def _with_mask(**extra):
    """Tokens with the integer attention mask their tokenizer gives (models that read its length)."""
    return lambda: fam.text_conds(pooled=False, attention_mask=fam.token_mask(), **extra)


def _hunyuan_dit_conds():
    t5 = _randn((1, 5, dits.HUNYUAN_DIT_T5_DIM), seed=3)
    return fam.text_conds(pooled=False, conditioning_mt5xl=t5, attention_mask=fam.token_mask(),
                          attention_mask_mt5xl=torch.ones(1, 5, dtype=torch.long))


def _anima_conds():
    """Qwen3 states with the T5 token ids and weights Anima's text encoder adds."""
    ids = torch.randint(0, 32128, (fam.TOKENS,), generator=torch.Generator().manual_seed(4))
    return fam.text_conds(token_width=dits.ANIMA_TEXT_DIM, pooled=False, t5xxl_ids=ids,
                          t5xxl_weights=torch.ones(fam.TOKENS))


def _start_frame(channels: int, concat: bool = False, t: int = 3, h: int = 8, w: int = 8):
    """What an image-to-video node (Kandinsky5ImageToVideo, HunyuanVideo15ImageToVideo) adds to the
    text: the start frame (as the concatenated image with ``concat``, else as the frame the model
    puts first) and a one-channel concat_mask, 0 on the first latent frame. Without it the
    host feeds the noise mask, all its channels, into the model's one mask channel: its own sampler
    fails on a masked latent too."""
    def conds():
        mask = torch.ones(1, 1, t, h, w)
        mask[:, :, 0] = 0.0
        start = _randn((1, channels, 1, h, w), seed=5)
        entries = {"concat_latent_image": start.expand(1, channels, t, h, w).clone()} if concat else \
            {"time_dim_replace": start}
        return fam.text_conds(concat_mask=mask, **entries)
    return conds


# ----------------------------------------------------------------------------- the cases
def _existing(key, model_class):
    """A family of tiny_families: its builder, conditioning and latent shape."""
    def latent():
        shape = fam.latent_shape_for(key)
        downscale = stand_ins.VAE_DOWNSCALE.get(key, 8)
        if len(shape) == 5:
            return video_latent(shape[1], t=shape[2], h=shape[3], w=shape[4], downscale=downscale)
        return image_latent(shape[1], shape[2], shape[3], downscale)
    return TinyCase(model_class, fam.builder_for(key), lambda: fam.conds_for(key), latent)


def _as(build, class_name):
    """A builder serving several classes, for one of them."""
    return lambda seed=0: build(seed, class_name=class_name)


def _image(channels, h=16, w=16, downscale=8):
    return lambda: image_latent(channels, h, w, downscale)


def _video(channels, **kw):
    return lambda: video_latent(channels, **kw)


_SD = _image(4)
_FLUX2_VAE = _image(128, 8, 8, 16)
_PIXELS = _image(3, 32, 32, 1)
_WAN_VIDEO = _video(16)

CASES = {
    # SD 1.x / 2.x / XL and the other UNets
    "SD15": _existing("sd15", "SD15"),
    "SD20": TinyCase("SD20", unets.tiny_sd20, _tokens(), _SD),
    "SD20_vpred": TinyCase("SD20", unets.tiny_sd20_vpred, _tokens(), _SD),
    "SD21UnclipL": TinyCase("SD21UnclipL", _as(unets.tiny_sd21_unclip, "SD21UnclipL"), _tokens(), _SD),
    "SD21UnclipH": TinyCase("SD21UnclipH", _as(unets.tiny_sd21_unclip, "SD21UnclipH"), _tokens(), _SD),
    "SDXL": _existing("sdxl", "SDXL"),
    "SDXL_vpred": _existing("sdxl_vpred", "SDXL"),
    **{name: TinyCase(name, _as(unets.tiny_sdxl_variant, name), fam.sdxl_conds, _SD)
       for name in ("SSD1B", "Segmind_Vega", "KOALA_700M", "KOALA_1B")},
    "SDXLRefiner": TinyCase("SDXLRefiner", unets.tiny_sdxl_refiner, fam.sdxl_conds, _SD),
    **{name: TinyCase(name, _as(unets.tiny_ip2p, name), fam.sdxl_conds if name.startswith("SDXL") else _tokens(), _SD)
       for name in ("SD15_instructpix2pix", "SDXL_instructpix2pix")},
    "Stable_Zero123": TinyCase("Stable_Zero123", unets.tiny_zero123, _tokens(token_width=unets.ZERO123_CONTEXT_DIM),
                               _SD),
    **{name: TinyCase(name, _as(unets.tiny_svd, name), _tokens(), frames_latent)
       for name in ("SVD_img2vid", "SV3D_u", "SV3D_p")},
    "Stable_Cascade_C": TinyCase("Stable_Cascade_C", unets.tiny_cascade_c, _text(), _image(16, 12, 12, 42)),
    "Stable_Cascade_B": TinyCase("Stable_Cascade_B", unets.tiny_cascade_b, _text(), _image(4, 32, 32, 4)),
    # image transformers
    "SD3": _existing("sd3", "SD3"),
    "Flux": _existing("flux", "Flux"),
    "FluxSchnell": TinyCase("FluxSchnell", dits.tiny_flux_schnell, _text(), _image(16)),
    "FluxInpaint": TinyCase("FluxInpaint", dits.tiny_flux_fill, fam.flux_conds, _image(16)),
    "Flux2": _existing("flux2", "Flux2"),
    "Flux2_klein": TinyCase("Flux2", dits.tiny_flux2_klein, _text(), _FLUX2_VAE),
    "LongCatImage": TinyCase("LongCatImage", dits.tiny_longcat_image, _tokens(), _image(16)),
    "Chroma": _existing("chroma", "Chroma"),
    "HiDream": _existing("hidream", "HiDream"),
    "HunyuanImage21": _existing("hunyuan_image", "HunyuanImage21"),
    "QwenImage": _existing("qwen_image", "QwenImage"),
    "QwenImage_edit": _existing("qwen_image_edit", "QwenImage"),
    "ZImage": _existing("zimage", "ZImage"),
    "Lumina2": TinyCase("Lumina2", dits.tiny_lumina2, _tokens(), _image(16)),
    "AuraFlow": TinyCase("AuraFlow", dits.tiny_auraflow, _tokens(), _SD),
    "PixArtAlpha": TinyCase("PixArtAlpha", _as(dits.tiny_pixart, "PixArtAlpha"), _tokens(width=384, height=384),
                            _image(4, 48, 48)),
    "PixArtSigma": TinyCase("PixArtSigma", _as(dits.tiny_pixart, "PixArtSigma"), _tokens(), _image(4, 48, 48)),
    "HunyuanDiT": TinyCase("HunyuanDiT", _as(dits.tiny_hunyuan_dit, "HunyuanDiT"), _hunyuan_dit_conds, _SD),
    "HunyuanDiT1": TinyCase("HunyuanDiT1", _as(dits.tiny_hunyuan_dit, "HunyuanDiT1"), _hunyuan_dit_conds, _SD),
    "Omnigen2": TinyCase("Omnigen2", dits.tiny_omnigen2, _with_mask(), _image(16)),
    "Boogu": TinyCase("Boogu", dits.tiny_boogu, _with_mask(), _image(16)),
    "Ideogram4": TinyCase("Ideogram4", dits.tiny_ideogram4, _tokens(), _FLUX2_VAE),
    "Krea2": TinyCase("Krea2", dits.tiny_krea2, _tokens(token_width=dits.KREA2_TEXT_LAYERS * fam.CONTEXT_DIM),
                      _image(16)),
    "Kandinsky5Image": TinyCase("Kandinsky5Image", dits.tiny_kandinsky5_image, _text(), _image(16)),
    "MageFlow": TinyCase("MageFlow", dits.tiny_mage_flow, _tokens(), _FLUX2_VAE),
    "JoyImage": TinyCase("JoyImage", dits.tiny_joyimage, _tokens(), _image(16)),
    "ErnieImage": TinyCase("ErnieImage", dits.tiny_ernie_image, _tokens(), _FLUX2_VAE),
    "Lens": TinyCase("Lens", dits.tiny_lens, _tokens(), _FLUX2_VAE),
    "CosmosT2IPredict2": TinyCase("CosmosT2IPredict2", dits.tiny_cosmos_predict2, _tokens(), _image(16)),
    "Anima": TinyCase("Anima", dits.tiny_anima, _anima_conds, _image(16)),
    # pixel space
    "ChromaRadiance": TinyCase("ChromaRadiance", pixel.tiny_chroma_radiance, _text(), _PIXELS),
    "ZImagePixelSpace": TinyCase("ZImagePixelSpace", pixel.tiny_zimage_pixel, _tokens(), _PIXELS),
    "PixelDiTT2I": TinyCase("PixelDiTT2I", pixel.tiny_pixeldit, _tokens(), _PIXELS),
    "HiDreamO1": TinyCase("HiDreamO1", pixel.tiny_hidream_o1, pixel.hidream_o1_conds, _image(3, 64, 64, 1)),
    # video
    "WAN21_T2V": _existing("wan22_t2v", "WAN21_T2V"),
    "WAN22_T2V": _existing("wan22_ti2v", "WAN22_T2V"),
    **{name: TinyCase(name, _as(videos.tiny_wan_variant, name), video_models.wan_conds, _WAN_VIDEO)
       for name in videos.WAN_VARIANTS if name != "WAN21_FlowRVS"},
    "HunyuanVideo": TinyCase("HunyuanVideo", videos.tiny_hunyuan_video, _text(), _WAN_VIDEO),
    "HunyuanVideoI2V": TinyCase("HunyuanVideoI2V", lambda seed=0: videos.tiny_hunyuan_video(seed, 33), _text(),
                                _WAN_VIDEO),
    "HunyuanVideoSkyreelsI2V": TinyCase("HunyuanVideoSkyreelsI2V", lambda seed=0: videos.tiny_hunyuan_video(seed, 32),
                                        _text(), _WAN_VIDEO),
    "HunyuanVideo15": TinyCase("HunyuanVideo15", videos.tiny_hunyuan_video15, _start_frame(32, concat=True),
                               _video(32, downscale=16)),
    "GenmoMochi": TinyCase("GenmoMochi", videos.tiny_mochi, _with_mask(), _video(videos.MOCHI_CHANNELS,
                                                                                  frames_per_latent=6)),
    "LTXV": TinyCase("LTXV", videos.tiny_ltxv, _with_mask(), _video(videos.LTXV_CHANNELS, h=4, w=4, downscale=32,
                                                                    frames_per_latent=8)),
    "CosmosT2V": TinyCase("CosmosT2V", videos.tiny_cosmos, _tokens(), _video(16, frames_per_latent=8)),
    "CosmosI2V": TinyCase("CosmosI2V", _as(videos.tiny_cosmos, "CosmosI2V"), _tokens(),
                          _video(16, frames_per_latent=8)),
    "CosmosI2VPredict2": TinyCase("CosmosI2VPredict2", videos.tiny_cosmos_predict2_i2v, _tokens(), _WAN_VIDEO),
    **{name: TinyCase(name, _as(videos.tiny_cogvideox, name), _tokens(), _WAN_VIDEO)
       for name in ("CogVideoX_T2V", "CogVideoX_I2V", "CogVideoX_Inpaint")},
    "Kandinsky5": TinyCase("Kandinsky5", videos.tiny_kandinsky5, _start_frame(16), _WAN_VIDEO),
    "MiniMaxH3": TinyCase("MiniMaxH3", videos.tiny_minimax_h3, _tokens(),
                          lambda: av_latent(24, videos.MINIMAX_AUDIO)),
}

UPSCALER = "an upscaler: it samples a sharper picture of a low-resolution one given in its conditioning, not a region"
NOT_TESTED = {
    "SD_X4Upscaler": UPSCALER,
    "HunyuanVideo15_SR_Distilled": UPSCALER,
    "SeedVR2": UPSCALER + " (video restoration)",
    "PiD": "a decoder: it turns a VAE latent given in its conditioning into pixels (PixelDiT's decoder)",
    "HunyuanImage21Refiner": "a refiner: it polishes HunyuanImage 2.1's finished picture, given in its conditioning "
                             "(inpaint with HunyuanImage 2.1 itself)",
}
TESTED_ELSEWHERE = {
    "LTXAV": "tests/test_nested_latents.py: an exact denoiser in the host's LTXAV model (a real one-layer LTX-2 "
             "is ~700 M parameters)",
}


def host_classes() -> list:
    """The names of the model classes the running host can load (comfy.supported_models.models)."""
    return [cls.__name__ for cls in load_comfy().supported_models.models]
