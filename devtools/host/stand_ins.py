"""Stand-ins for the files a real workflow loads (checkpoint / text encoders / VAE).

So a bundled workflow can run end to end on the tiny models: CLIPTextEncode (and the
family-specific CLIPTextEncodeSDXL/SD3/Flux/HiDream nodes) accept ``tiny_clip(family)``;
VAEEncode/VAEDecode accept ``tiny_vae(family)``. The test pack's loaders (devtools/tiny_pack) serve
LOADER_FAMILIES.
"""
from __future__ import annotations

import math

import torch

from .comfy_env import load_comfy
from .tiny_models import CONTEXT_DIM, POOLED_DIM, TOKENS, init_weights
from .tiny_pixel_models import hidream_o1_token_ids

__all__ = ["TINY_FAMILIES", "LOADER_FAMILIES", "TEXT_KEYS", "VAE_Z_CHANNELS", "VAE_DOWNSCALE", "PIXEL_SPACE",
           "TinyTokenizer", "TinyTextEncoder", "tiny_clip", "tiny_vae_config", "tiny_vae", "tiny_video_vae",
           "tiny_wan22_video_vae", "tiny_minimax_h3_video_vae", "tiny_minimax_h3_audio_vae", "tiny_audio_vae",
           "VIDEO_VAES", "AUDIO_VAES"]

TINY_FAMILIES = ("sdxl", "sd3", "flux", "hidream")
# every family the stand-in loaders (devtools/tiny_pack) serve: the above plus those of the other
# bundled workflows (qwen_image also serves Qwen-Image-Edit: same model)
LOADER_FAMILIES = TINY_FAMILIES + ("sd15", "zimage", "qwen_image", "flux2", "chroma", "hunyuan_image",
                                   "wan22_t2v", "wan22_ti2v", "flux2_klein", "krea2", "kandinsky5_image",
                                   "chroma_radiance", "hidream_o1", "ideogram4", "minimax_h3")
# token-dict keys the real tokenizer of each family returns (the family's text-encode nodes
# read and write these)
TEXT_KEYS = {"sd15": ("l",), "sdxl": ("g", "l"), "sd3": ("g", "l", "t5xxl"), "flux": ("l", "t5xxl"),
             "hidream": ("g", "l", "t5xxl", "llama"), "zimage": ("qwen3_4b",), "qwen_image": ("qwen25_7b",),
             "flux2": ("mistral3_24b",), "chroma": ("t5xxl",), "hunyuan_image": ("qwen25_7b",),
             "wan22_t2v": ("umt5xxl",), "wan22_ti2v": ("umt5xxl",), "flux2_klein": ("qwen3_4b",),
             "krea2": ("qwen3vl_4b",), "kandinsky5_image": ("qwen25_7b", "l"), "chroma_radiance": ("t5xxl",),
             "hidream_o1": ("hidream_o1",), "ideogram4": ("qwen3vl_8b",), "minimax_h3": ("qwen3vl_32b",)}
TEXT_VOCAB = 1024       # stand-in vocabulary size (token 0 = padding)
LLAMA_TOKENS = 5        # HiDream conditioning_llama3 tokens, as in tiny_families.hidream_conds
LLAMA_LAYERS = 2        # = len(llama_layers) of tiny_hidream
LLAMA_DIM = 48          # = caption_channels[1] of tiny_hidream
VAE_Z_CHANNELS = {"sd15": 4, "sdxl": 4, "sd3": 16, "flux": 16, "hidream": 16, "zimage": 16, "qwen_image": 16,
                  "flux2": 128, "chroma": 16, "hunyuan_image": 64, "flux2_klein": 128, "krea2": 16,
                  "kandinsky5_image": 16, "ideogram4": 128}
# image px per latent px (8 for the others)
VAE_DOWNSCALE = {"flux2": 16, "hunyuan_image": 32, "flux2_klein": 16, "wan22_ti2v": 16, "ideogram4": 16}
PIXEL_SPACE = ("chroma_radiance", "hidream_o1")   # no VAE: the host's pixel-space conversion (VAELoader "pixel_space")


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
    conditioning_llama3 = per-layer W_l(e_llama[:, :5]) -> [1, 2, 5, 48]; HiDream-O1 (which embeds
    tokens itself) gets the token ids in its chat template as text_input_ids, as its own encoder
    gives. These are the shapes and keys conds_for(family) builds (minus the SDXL size / Flux guidance entries, which the host
    defaults or FluxGuidance sets, as with the real encoders). Weights are fp32 whatever dtype the
    host asks for, so the result does not depend on the device's text-encoder dtype.
    """

    def __init__(self, family: str = "sdxl", seed: int = 0, device=None, dtype=None, model_options={}):
        super().__init__()
        if family not in TEXT_KEYS:
            raise ValueError("unknown tiny text-encoder family %r (one of %s)" % (family, LOADER_FAMILIES))
        self.family = family
        self.keys = TEXT_KEYS[family]
        g = torch.Generator(device="cpu").manual_seed(_family_seed(family, seed))
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
        if self.family == "hidream_o1":     # HiDream-O1 embeds the token ids itself (hidream_o1_conds)
            ids = hidream_o1_token_ids([int(t[0]) for t in token_weight_pairs["hidream_o1"][0] if int(t[0]) > 0])
            return ids.unsqueeze(-1).float().to(out_dev), None, {"text_input_ids": ids}
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


def tiny_minimax_h3_video_vae(seed: int = 0):
    """A real ``comfy.sd.VAE`` around a tiny seeded MiniMax H3 video VAE: the host's class, detected by
    the file's keys, built while its width is swapped for 32 channels (one res block, on the last level
    where the host's detection looks) and its ViT decoder for one 16-wide layer. Images [F,H,W,3] with
    F = 17k + 5 frames encode to [1,24,5k+2,H/16,W/16]."""
    import functools
    import unittest.mock
    load_comfy()
    import comfy.sd
    from comfy.ldm.minimax import vae as minimax_vae
    decoder = functools.partial(minimax_vae.ViT3DDecoder, num_layers=1, heads=2, dim_head=8)
    tiny = functools.partial(minimax_vae.MiniMaxH3VideoVAE, ch=32, ch_mult=(1,) * 6, num_res_blocks=[0] * 5 + [1])
    with unittest.mock.patch.object(minimax_vae, "ViT3DDecoder", decoder):
        module = init_weights(tiny(), seed=_family_seed("minimax_h3_vae", seed))
        with unittest.mock.patch.object(minimax_vae, "MiniMaxH3VideoVAE", lambda **host_config: tiny()):
            return comfy.sd.VAE(sd=module.state_dict())


def tiny_minimax_h3_audio_vae(seed: int = 0):
    """A real ``comfy.sd.VAE`` around a tiny seeded MiniMax H3 audio VAE (the host's class at 4 / 16 / 128
    channels for its encoder, latent projection and vocoder, swapped in while the host builds it from the
    file's keys): stereo audio at 32 kHz [B,L,2] encodes to [B,32,2,L/800], 40 latent frames a second."""
    import functools
    import unittest.mock
    load_comfy()
    import comfy.sd
    from comfy.ldm.minimax import audio_vae
    tiny = functools.partial(audio_vae.MiniMaxH3AudioVAE, encoder_dim=4, latent_dim=16, decoder_dim=128)
    module = init_weights(tiny(), seed=_family_seed("minimax_h3_audio_vae", seed))
    with torch.no_grad():      # buffers a checkpoint fills: no normalisation, the attention's zero key bias
        module.latents_mean.zero_()
        module.latents_std.fill_(1.0)
        module.pre_block.attn.zero_k_bias.zero_()
    with unittest.mock.patch.object(audio_vae, "MiniMaxH3AudioVAE", lambda **host_config: tiny()):
        return comfy.sd.VAE(sd=module.state_dict())


VIDEO_VAES = {"wan22_t2v": tiny_video_vae, "wan22_ti2v": tiny_wan22_video_vae,
              "minimax_h3": tiny_minimax_h3_video_vae}   # loader family -> video VAE
AUDIO_VAES = {"minimax_h3": tiny_minimax_h3_audio_vae}   # loader family -> the audio VAE of an audio+video model


def tiny_audio_vae(family: str, seed: int = 0):
    """The family's audio VAE (AUDIO_VAES); ValueError for a family without audio."""
    if family not in AUDIO_VAES:
        raise ValueError("tiny family %r has no audio VAE (those with one: %s)" % (family, ", ".join(AUDIO_VAES)))
    return AUDIO_VAES[family](seed)


def tiny_vae(family: str = "sdxl", seed: int = 0):
    """A real ``comfy.sd.VAE`` (AutoencoderKL architecture, tiny config, seeded weights).

    Latent channels 4 (sdxl), 128 (flux2, 16x like Flux.2's packed latent) or 16 (the others), 8x
    spatial compression unless VAE_DOWNSCALE says otherwise; image sides must be multiples of 8
    (VAEEncode crops others, as with any SD VAE). Quality is irrelevant: the weights
    are random (init_weights), so decode(encode(x)) is an image-shaped, host-clamped [0,1] tensor,
    not a reconstruction. The mid blocks keep the architecture's single attention layer.
    """
    if family in VIDEO_VAES:
        return VIDEO_VAES[family](seed)
    load_comfy()
    if family in PIXEL_SPACE:
        import comfy.sd
        return comfy.sd.VAE(sd={"pixel_space_vae": torch.tensor(1.0)})
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
