"""The test pack's stand-in loaders and devtools/tiny_loaders.swap_loaders, in-process.

For each family a hand-written API prompt shaped like the bundled example workflows (stock
loaders with real file names, CLIPTextEncode, LoadImage, VAEEncode, SetLatentNoiseMask, LanPaint
KSampler, VAEDecode, LanPaint Mask Blend, SaveImage) has its loaders swapped for the tiny ones and
is run node by node on the real host (LoadImage gives a synthetic image and mask). Plus the
stand-in CLIP / VAE on their own, the family rule, LoRA bypass, errors and install_tiny_pack.
"""
import importlib.util
import sys

import pytest
import torch

from devtools.host import compat
from devtools.host import model_calls as mc
from devtools.host import stand_ins
from devtools.host import tiny_families as fam
from devtools.host import tiny_models as tm
from devtools.host.comfy_env import load_comfy
from devtools.lanpaint_pack import load_pack
from devtools import tiny_loaders as tl

FEATHER = 9
STEPS = 3
THINKING = 2


# ----------------------------------------------------------------------------- helpers
def _is_link(v):
    return isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], int)


def synthetic_image(h=128, w=128):
    """A smooth colour image [1,H,W,3] in [0,1] and a mask [1,H,W] = 1 on the right half."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    img = torch.stack([xx, yy, 0.5 + 0.4 * torch.sin(6.0 * (xx + yy))], -1)[None].clamp(0, 1)
    mask = torch.zeros(1, h, w)
    mask[:, :, w // 2:] = 1.0
    return img, mask


class FakeLoadImage:
    """Stands in for LoadImage (no input folder in-process): IMAGE + MASK of synthetic_image."""
    size = (128, 128)

    def load_image(self, image):
        return synthetic_image(*self.size)


def registry():
    env = load_comfy()
    from comfy_extras import nodes_flux, nodes_model_advanced
    reg = dict(env.nodes.NODE_CLASS_MAPPINGS)
    reg["FluxGuidance"] = nodes_flux.FluxGuidance
    reg["ModelSamplingSD3"] = nodes_model_advanced.ModelSamplingSD3
    reg.update(load_pack().NODE_CLASS_MAPPINGS)
    reg.update(tl.load_tiny_pack().NODE_CLASS_MAPPINGS)
    reg["LoadImage"] = type("LoadImage", (FakeLoadImage,), {"FUNCTION": "load_image"})
    return reg


def run_prompt(prompt, wanted, reg):
    """Evaluate the nodes `wanted` (and what they depend on) of an API prompt, like the executor."""
    cache = {}

    def outputs(nid):
        if nid not in cache:
            node = prompt[nid]
            cls = reg[node["class_type"]]
            kw = {k: (outputs(v[0])[v[1]] if _is_link(v) else v) for k, v in node["inputs"].items()}
            if hasattr(cls, "define_schema"):          # V3 node (FluxGuidance)
                cache[nid] = tuple(cls.execute(**kw).result)
            else:
                cache[nid] = tuple(getattr(cls(), cls.FUNCTION)(**kw))
        return cache[nid]

    return {nid: outputs(nid) for nid in wanted}


def _tail(model, clip, vae, cfg=3.0, scheduler="normal", width=128, height=128, positive=None):
    """CLIPTextEncode x2, LoadImage, VAEEncode, SetLatentNoiseMask, LanPaint KSampler, VAEDecode,
    LanPaint Mask Blend, SaveImage (ids 10..19) wired to the given loader outputs."""
    return {
        "10": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (red:1.2) fox in fresh snow", "clip": clip}},
        "11": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, low quality", "clip": clip}},
        "12": {"class_type": "LoadImage", "inputs": {"image": "example_%dx%d.png" % (width, height)}},
        "13": {"class_type": "VAEEncode", "inputs": {"pixels": ["12", 0], "vae": vae}},
        "14": {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["13", 0], "mask": ["12", 1]}},
        "15": {"class_type": "LanPaintKSampler",
               "inputs": {"model": model, "seed": 7, "steps": STEPS, "cfg": cfg, "sampler_name": "euler",
                          "scheduler": scheduler, "positive": positive or ["10", 0], "negative": ["11", 0],
                          "latent_image": ["14", 0], "denoise": 1.0, "thinking_steps": THINKING,
                          "prompt_mode": "Image First"}},
        "16": {"class_type": "VAEDecode", "inputs": {"samples": ["15", 0], "vae": vae}},
        "17": {"class_type": "LanPaintMaskBlend",
               "inputs": {"original": ["12", 0], "inpainted": ["16", 0], "mask": ["12", 1], "feather": FEATHER}},
        "19": {"class_type": "SaveImage", "inputs": {"images": ["17", 0], "filename_prefix": "LanPaint"}},
    }


def workflow_prompt(family):
    """(API prompt with the stock loaders a workflow of `family` uses, image (W, H))."""
    if family == "sdxl":       # checkpoint loader + a LoRA, non-square image
        p = {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"},
                   "_meta": {"title": "Load Checkpoint"}},
             "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1],
                                                          "lora_name": "detail.safetensors",
                                                          "strength_model": 1.0, "strength_clip": 1.0}}}
        p.update(_tail(["2", 0], ["2", 1], ["1", 2], width=192, height=128))
        return p, (192, 128)
    if family == "sd3":        # UNET + TripleCLIP + VAE, model-only LoRA and ModelSamplingSD3
        p = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "sd3.5_large.safetensors",
                                                          "weight_dtype": "default"}},
             "2": {"class_type": "TripleCLIPLoader", "inputs": {"clip_name1": "clip_g.safetensors",
                                                                "clip_name2": "clip_l.safetensors",
                                                                "clip_name3": "t5xxl_fp16.safetensors"}},
             "3": {"class_type": "VAELoader", "inputs": {"vae_name": "diffusion_pytorch_model.safetensors"}},
             "4": {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": "x.safetensors",
                                                                   "strength_model": 0.8}},
             "5": {"class_type": "ModelSamplingSD3", "inputs": {"model": ["4", 0], "shift": 3.0}}}
        p.update(_tail(["5", 0], ["2", 0], ["3", 0], cfg=4.0, scheduler="simple"))
        return p, (128, 128)
    if family == "flux":       # UNET + DualCLIP + VAE, FluxGuidance, cfg 1
        p = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors",
                                                          "weight_dtype": "fp8_e4m3fn"}},
             "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "clip_l.safetensors",
                                                              "clip_name2": "t5xxl_fp8_e4m3fn.safetensors",
                                                              "type": "flux", "device": "default"}},
             "3": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}},
             "4": {"class_type": "FluxGuidance", "inputs": {"conditioning": ["10", 0], "guidance": 3.5}}}
        p.update(_tail(["1", 0], ["2", 0], ["3", 0], cfg=1.0, scheduler="simple", positive=["4", 0]))
        return p, (128, 128)
    if family == "hidream":    # UNET + QuadrupleCLIP + VAE (Flux's ae.safetensors)
        p = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "hidream_i1_dev_fp8.safetensors",
                                                          "weight_dtype": "default"}},
             "2": {"class_type": "QuadrupleCLIPLoader",
                   "inputs": {"clip_name1": "clip_l_hidream.safetensors", "clip_name2": "clip_g_hidream.safetensors",
                              "clip_name3": "t5xxl_fp8_e4m3fn_scaled.safetensors",
                              "clip_name4": "llama_3.1_8b_instruct_fp8_scaled.safetensors"}},
             "3": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}}}
        p.update(_tail(["1", 0], ["2", 0], ["3", 0], cfg=2.0, scheduler="simple"))
        return p, (128, 128)
    raise ValueError(family)


def check_swapped(original, swapped, family):
    """No stock loader left, ids kept, every link to a valid slot of a node that exists."""
    assert original == workflow_prompt(family)[0], "swap_loaders modified its input"
    classes = {n["class_type"] for n in swapped.values()}
    assert not classes & set(tl.LOADER_SWAPS) and not classes & set(tl.BYPASSED), classes
    for nid, node in original.items():
        if node["class_type"] in tl.BYPASSED:
            assert nid not in swapped
        elif node["class_type"] in tl.LOADER_SWAPS:
            tiny = swapped[nid]
            assert tiny["class_type"] == tl.LOADER_SWAPS[node["class_type"]]
            assert tiny["inputs"] == {"family": family, "seed": 0}
        else:
            assert swapped[nid]["class_type"] == node["class_type"]
    reg = registry()
    for nid, node in swapped.items():
        for name, v in node["inputs"].items():
            if _is_link(v):
                src = swapped[v[0]]
                n_out = len(reg[src["class_type"]].RETURN_TYPES) if src["class_type"] in tl.TINY_LOADERS else None
                if n_out is not None:
                    assert 0 <= v[1] < n_out, (nid, name, v)
                    want = reg[node["class_type"]].INPUT_TYPES()["required"][name][0] \
                        if not hasattr(reg[node["class_type"]], "define_schema") else None
                    if want is not None:
                        assert reg[src["class_type"]].RETURN_TYPES[v[1]] == want, (nid, name, v)


# ----------------------------------------------------------------------------- end to end
@pytest.mark.parametrize("family", stand_ins.TINY_FAMILIES)
def test_swapped_workflow_runs(family):
    original, (w, h) = workflow_prompt(family)
    swapped = tl.swap_loaders(original)          # family inferred from the file names
    check_swapped(original, swapped, family)
    if family == "sdxl":                         # LoRA bypassed: the sampler takes the loader's MODEL
        assert swapped["15"]["inputs"]["model"] == ["1", 0] and swapped["10"]["inputs"]["clip"] == ["1", 1]
    if family == "sd3":
        assert swapped["5"]["inputs"]["model"] == ["1", 0]

    FakeLoadImage.size = (h, w)
    reg = registry()
    out = run_prompt(swapped, ["13", "14", "15", "16", "17"], reg)
    image, mask = synthetic_image(h, w)
    lat_c = stand_ins.VAE_Z_CHANNELS[family]
    latent = out["13"][0]["samples"]
    assert latent.shape == (1, lat_c, h // 8, w // 8) and torch.isfinite(latent).all(), latent.shape
    assert out["14"][0]["noise_mask"].shape[-2:] == (h, w)
    sampled = out["15"][0]["samples"]
    assert sampled.shape == latent.shape and torch.isfinite(sampled).all()
    half = w // 16                               # latent column of the mask edge (a multiple of 8 px)
    torch.testing.assert_close(sampled[..., :half], latent[..., :half], rtol=1e-5, atol=1e-5)
    assert (sampled[..., half:] - latent[..., half:]).abs().mean() > 0.05, "masked region not regenerated"
    decoded = out["16"][0]
    assert decoded.shape == (1, h, w, 3) and torch.isfinite(decoded).all()
    assert decoded.min() >= 0 and decoded.max() <= 1 and decoded.std() > 0.02
    blended = out["17"][0]
    assert blended.shape == image.shape and torch.isfinite(blended).all()
    assert torch.equal(blended[:, :, :w // 2 - FEATHER], image[:, :, :w // 2 - FEATHER]), \
        "blend differs from the original away from the mask"
    assert torch.equal(blended[:, :, w // 2:], decoded[:, :, w // 2:]), "blend is not the decode inside the mask"
    assert (blended[:, :, w // 2:] - image[:, :, w // 2:]).abs().mean() > 0.01


@pytest.mark.parametrize("family", ["sdxl", pytest.param("wan22_t2v", marks=compat.requires_host(
    compat.has_model_class("WAN21_T2V"), "the Wan 2.1 / 2.2 T2V model class"))])
def test_test_latent_mask_has_the_latents_frames_and_size(family):
    """LanPaintTestLatent's mask fits its latent (a video latent gets [B,1,T,h,w], not frames read as
    height), so LanPaint samples it: kept half bit-exact, masked half regenerated."""
    from tests.node_runner import latent_mask, run
    (latent,) = tl.load_tiny_pack().LanPaintTestLatent().build(family, 128, 96, 1, 5)
    lat, mask = latent["samples"], latent["noise_mask"]
    assert mask.shape == (lat.shape[0], 1) + lat.shape[2:], (mask.shape, lat.shape)
    model = fam.builder_for(family)(seed=0)
    out = run("ksampler", model, latent, conds=fam.conds_for(family), steps=STEPS, thinking=THINKING)
    keep = ~latent_mask(mask, lat.shape).expand(lat.shape)
    assert keep.any() and not keep.all()
    assert torch.equal(out[keep], mc.host_roundtrip(model, lat)[keep])
    assert (out[~keep] - lat[~keep]).abs().min() > 0


# ----------------------------------------------------------------------------- stand-ins
@pytest.mark.parametrize("family", stand_ins.TINY_FAMILIES)
def test_tiny_clip_matches_conds_for(family):
    env = load_comfy()
    encode = env.nodes.CLIPTextEncode().encode
    clip = stand_ins.tiny_clip(family)
    (cond,) = encode(clip, "a photo of a cat on a bench, (sunset:1.3), highly detailed, 35mm")
    (ref, _) = fam.conds_for(family)
    assert cond[0][0].shape == ref[0][0].shape == (1, tm.TOKENS, tm.CONTEXT_DIM)
    ref_keys = set(ref[0][1]) - {"width", "height", "guidance"}   # host defaults / FluxGuidance
    assert set(cond[0][1]) == ref_keys, (set(cond[0][1]), ref_keys)
    for k in ref_keys:
        assert cond[0][1][k].shape == ref[0][1][k].shape, k
    # deterministic in the text (fresh CLIP, same text), sensitive to text, weights and seed
    (again,) = encode(stand_ins.tiny_clip(family), "a photo of a cat on a bench, (sunset:1.3), highly detailed, 35mm")
    torch.testing.assert_close(again[0][0], cond[0][0], rtol=0, atol=0)
    (other,) = encode(clip, "a photo of a dog on a bench, (sunset:1.3), highly detailed, 35mm")
    (weighted,) = encode(clip, "a photo of a cat on a bench, sunset, highly detailed, 35mm")
    (reseeded,) = encode(stand_ins.tiny_clip(family, seed=1),
                         "a photo of a cat on a bench, (sunset:1.3), highly detailed, 35mm")
    for x in (other, weighted, reseeded):
        assert (x[0][0] - cond[0][0]).abs().max() > 1e-3
    assert torch.isfinite(cond[0][0]).all() and 0.5 < cond[0][0].std() < 2
    # CLIPSetLastLayer's clone + clip_layer work on it
    (clipped,) = env.nodes.CLIPSetLastLayer().set_last_layer(clip, -2)
    assert encode(clipped, "x")[0][0][0].shape == cond[0][0].shape


def test_family_text_encode_nodes_accept_tiny_clip():
    from comfy_extras import nodes_clip_sdxl, nodes_flux, nodes_hidream, nodes_sd3
    c = nodes_clip_sdxl.CLIPTextEncodeSDXL.execute(stand_ins.tiny_clip("sdxl"), 1024, 1024, 0, 0, 1024, 1024, "a", "b")
    assert c.result[0][0][0].shape == (1, 7, 64) and c.result[0][0][1]["width"] == 1024
    c = nodes_sd3.CLIPTextEncodeSD3.execute(stand_ins.tiny_clip("sd3"), "a", "", "b", "none")
    assert c.result[0][0][0].shape == (1, 7, 64)
    c = nodes_flux.CLIPTextEncodeFlux.execute(stand_ins.tiny_clip("flux"), "a", "b", 3.5)
    assert c.result[0][0][1]["guidance"] == 3.5 and c.result[0][0][1]["pooled_output"].shape == (1, 32)
    c = nodes_hidream.CLIPTextEncodeHiDream.execute(stand_ins.tiny_clip("hidream"), "a", "b", "c", "d")
    assert c.result[0][0][1]["conditioning_llama3"].shape == (1, 2, 5, 48)


def test_tiny_vae_is_a_deterministic_8x_vae():
    env = load_comfy()
    image, _ = synthetic_image(128, 192)
    for family, ch in (("sdxl", 4), ("flux", 16)):
        vae = stand_ins.tiny_vae(family)
        assert vae.latent_channels == ch and vae.spacial_compression_encode() == 8
        (lat,) = env.nodes.VAEEncode().encode(vae, image)
        assert lat["samples"].shape == (1, ch, 16, 24)
        (lat2,) = env.nodes.VAEEncode().encode(stand_ins.tiny_vae(family), image)
        assert torch.equal(lat["samples"], lat2["samples"]), "tiny VAE not deterministic"
        (dec,) = env.nodes.VAEDecode().decode(vae, lat)
        assert dec.shape == (1, 128, 192, 3) and torch.isfinite(dec).all() and 0 <= dec.min() <= dec.max() <= 1


@compat.requires_host(compat.has_module("comfy.ldm.minimax.audio_vae"), "MiniMax H3's video and audio VAEs")
def test_minimax_h3_stand_in_vaes_are_the_hosts_classes_and_deterministic():
    """The tiny MiniMax H3 VAEs are built by the host from their state dicts (its own detection) into
    its classes: 5 frames <-> 2 latent frames at 1/16 the sides, stereo 32 kHz audio <-> [1,32,2,T] at
    800 samples a latent frame; the same seed gives the same latents, another seed others."""
    from comfy.ldm.minimax.audio_vae import MiniMaxH3AudioVAE
    from comfy.ldm.minimax.vae import MiniMaxH3VideoVAE
    frames = torch.rand(5, 64, 96, 3, generator=torch.Generator().manual_seed(0))
    video = stand_ins.tiny_vae("minimax_h3")
    assert isinstance(video.first_stage_model, MiniMaxH3VideoVAE)
    latent = video.encode(frames)
    assert latent.shape == (1, 24, 2, 4, 6) and torch.isfinite(latent).all()
    assert torch.equal(latent, stand_ins.tiny_vae("minimax_h3").encode(frames))
    assert not torch.equal(latent, stand_ins.tiny_vae("minimax_h3", seed=1).encode(frames))
    decoded = video.decode(latent)
    assert decoded.shape[-4:] == (5, 64, 96, 3) and 0 <= decoded.min() <= decoded.max() <= 1
    audio = stand_ins.tiny_audio_vae("minimax_h3")
    assert isinstance(audio.first_stage_model, MiniMaxH3AudioVAE) and audio.audio_sample_rate == 32000
    sound = audio.encode(torch.rand(1, 4000, 2, generator=torch.Generator().manual_seed(1)) * 2 - 1)
    assert sound.shape[:3] == (1, 32, 2) and torch.isfinite(sound).all()
    assert audio.decode(sound).shape[-2] == 800 * sound.shape[-1]
    with pytest.raises(ValueError, match="no audio VAE"):
        stand_ins.tiny_audio_vae("sdxl")


# ----------------------------------------------------------------------------- swap_loaders rules
def test_family_inference_rule():
    def p(cls, **inputs):
        return {"1": {"class_type": cls, "inputs": inputs}}

    assert tl.infer_family(p("CheckpointLoaderSimple", ckpt_name="juggernautXL_v9.safetensors")) == "sdxl"
    assert tl.infer_family(p("CheckpointLoaderSimple", ckpt_name="sd3.5_medium_incl_clips.safetensors")) == "sd3"
    assert tl.infer_family(p("CheckpointLoaderSimple", ckpt_name="Stable-Diffusion-3-large.safetensors")) == "sd3"
    assert tl.infer_family(p("UNETLoader", unet_name="flux1-dev-fp8.safetensors", weight_dtype="default")) == "flux"
    assert tl.infer_family(p("DualCLIPLoader", clip_name1="a", clip_name2="b", type="flux")) == "flux"
    # newer families: Flux.2 before Flux, Z-Image, Qwen-Image (and -Edit)
    assert tl.infer_family(p("UNETLoader", unet_name="flux2_dev_fp8mixed.safetensors", weight_dtype="default")) == "flux2"
    assert tl.infer_family(p("CLIPLoader", clip_name="mistral.safetensors", type="flux2", device="default")) == "flux2"
    assert tl.infer_family(p("UNETLoader", unet_name="z_image_turbo_bf16.safetensors", weight_dtype="default")) == "zimage"
    assert tl.infer_family(p("CLIPLoader", clip_name="qwen_2.5_vl_7b.safetensors", type="qwen_image",
                             device="default")) == "qwen_image"
    assert tl.infer_family(p("CheckpointLoaderSimple", ckpt_name="v1-5-pruned-emaonly-fp16.safetensors")) == "sd15"
    assert tl.infer_family(p("UNETLoader", unet_name="Chroma1-HD.safetensors", weight_dtype="default")) == "chroma"
    assert tl.infer_family(p("DualCLIPLoader", clip_name1="a", clip_name2="b", type="hunyuan_image")) == \
        "hunyuan_image"
    assert tl.infer_family(p("UNETLoader", unet_name="wan2.2_ti2v_5B_fp16.safetensors", weight_dtype="default")) == \
        "wan22_ti2v"
    assert tl.infer_family(p("UNETLoader", unet_name="wan2.2_t2v_low_noise_14B.safetensors", weight_dtype="default")) \
        == "wan22_t2v"
    # HiDream workflows load the Flux VAE: hidream wins over flux
    both = {**p("UNETLoader", unet_name="HiDream-I1-Fast.safetensors", weight_dtype="default"),
            "2": {"class_type": "VAELoader", "inputs": {"vae_name": "flux_ae.safetensors"}}}
    assert tl.infer_family(both) == "hidream"
    assert tl.infer_family(p("QuadrupleCLIPLoader", clip_name1="a", clip_name2="b", clip_name3="c",
                             clip_name4="d")) == "hidream"
    assert tl.infer_family(p("TripleCLIPLoader", clip_name1="a", clip_name2="b", clip_name3="c")) == "sd3"
    # non-loader nodes' strings do not count
    assert tl.infer_family({**p("VAELoader", vae_name="x.safetensors"),
                            "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "flux capacitor"}}}) == "sdxl"
    # Ideogram 4 loads the FLUX.2 VAE: ideogram wins over flux2; MiniMax H3's audio VAE is its audio stand-in
    ideogram = {**p("UNETLoader", unet_name="ideogram4_fp8_scaled.safetensors", weight_dtype="default"),
                "2": {"class_type": "VAELoader", "inputs": {"vae_name": "flux2-vae.safetensors"}}}
    assert tl.infer_family(ideogram) == "ideogram4"
    minimax = {**p("VAELoader", vae_name="minimax_h3_video_vae_fp16.safetensors"),
               "2": {"class_type": "VAELoader", "inputs": {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}}}
    swapped = tl.swap_loaders(minimax)
    assert swapped["1"]["inputs"] == {"family": "minimax_h3", "seed": 0}
    assert swapped["2"]["inputs"] == {"family": "minimax_h3", "seed": 0, "audio": True}
    # explicit family wins
    swapped = tl.swap_loaders(p("UNETLoader", unet_name="flux1-dev.safetensors", weight_dtype="default"), "sd3")
    assert swapped["1"] == {"class_type": "LanPaintTinyUNETLoader", "inputs": {"family": "sd3", "seed": 0},
                            "_meta": {"title": "UNETLoader (tiny)"}}
    with pytest.raises(ValueError, match="unknown tiny family"):
        tl.swap_loaders(p("VAELoader", vae_name="x"), "sd2")


def test_swap_errors_and_lora_chains():
    base = {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
            "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "a"}},
            "3": {"class_type": "LoraLoader", "inputs": {"model": ["2", 0], "clip": ["2", 1], "lora_name": "b"}},
            "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "t", "clip": ["3", 1]}},
            "5": {"class_type": "KSampler", "inputs": {"model": ["3", 0], "positive": ["4", 0]}}}
    out = tl.swap_loaders(base)
    assert set(out) == {"1", "4", "5"}
    assert out["4"]["inputs"]["clip"] == ["1", 1] and out["5"]["inputs"]["model"] == ["1", 0]
    with pytest.raises(ValueError, match="no tiny stand-in"):
        tl.swap_loaders({**base, "9": {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "c"}}})
    with pytest.raises(ValueError, match="only"):
        tl.swap_loaders({"1": {"class_type": "VAELoader", "inputs": {"vae_name": "v"}},
                         "2": {"class_type": "VAEDecode", "inputs": {"vae": ["1", 1], "samples": ["3", 0]}}})


def test_install_tiny_pack(tmp_path, monkeypatch):
    dest = tl.install_tiny_pack(tmp_path / "custom_nodes")
    assert dest == tmp_path / "custom_nodes" / tl.TINY_PACK_NAME
    assert [p.name for p in dest.iterdir()] == ["__init__.py"]
    # the installed shim loads the way ComfyUI loads a custom node folder
    name = "lanpaint_test_models_installed_copy"
    spec = importlib.util.spec_from_file_location(name, dest / "__init__.py", submodule_search_locations=[str(dest)])
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    for node in tl.TINY_LOADERS:
        assert node in module.NODE_CLASS_MAPPINGS and node in module.NODE_DISPLAY_NAME_MAPPINGS
        assert module.NODE_CLASS_MAPPINGS[node].RETURN_TYPES == tl.TINY_OUTPUTS[node]
