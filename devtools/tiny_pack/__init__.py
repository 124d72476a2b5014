"""Test-only ComfyUI node pack: tiny seeded models, stand-in loaders, conditioning and masked latents.

Installed as ``custom_nodes/lanpaint_test_models`` of a throwaway server by
``devtools.tiny_loaders.install_tiny_pack`` (a one-line shim importing this module; the server runs
with the repository root on PYTHONPATH). It builds everything with the repo's test harness
(devtools.host: tiny_families, stand_ins).

Loader stand-ins (same output slots as the stock loaders, so ``tiny_loaders.swap_loaders`` can put
them in place of a workflow's loaders): LanPaintTinyCheckpointLoader (MODEL, CLIP, VAE),
LanPaintTinyUNETLoader (MODEL), LanPaintTinyCLIPLoader (CLIP), LanPaintTinyVAELoader (VAE); each
takes ``family`` (stand_ins.LOADER_FAMILIES) and a weight ``seed``. The CLIP is a real comfy CLIP
around a stand-in text encoder (seeded embedding tables, not CLIP/T5/Llama); the VAE a real comfy
VAE with a tiny randomly initialised AutoencoderKL. Nothing here is meant to look good (the
pack's own LanPaint FLD Demo Model Loader serves the trained demo model).
"""
from devtools.host import comfy_env, stand_ins, tiny_families
from devtools.host.stand_ins import LOADER_FAMILIES as FAMILIES

SHIM = ("# Installed by devtools.tiny_loaders.install_tiny_pack: the test pack lives in the LanPaint\n"
        "# repository's devtools package (the server runs with the repository root on PYTHONPATH).\n"
        "from devtools.tiny_pack import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS  # noqa: F401\n")


def _loaded(module):
    """``module`` of the harness, once the harness runs on the host that runs this server."""
    comfy_env.match_running_host()
    comfy_env.load_comfy()
    return module


def _family_input():
    return (FAMILIES, {"default": "sdxl", "tooltip": "Tiny model family."})


class LanPaintTestTinyModel:
    CATEGORY = "_for_testing/LanPaint"
    RETURN_TYPES = ("MODEL",)
    FUNCTION = "build"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"family": _family_input(),
                             "seed": ("INT", {"default": 0, "min": 0, "max": 2 ** 31 - 1,
                                              "tooltip": "Weight seed."})}}

    def build(self, family, seed):
        return (_loaded(tiny_families).builder_for(family)(seed=seed),)


class LanPaintTestConditioning:
    CATEGORY = "_for_testing/LanPaint"
    RETURN_TYPES = ("CONDITIONING", "CONDITIONING")
    RETURN_NAMES = ("positive", "negative")
    FUNCTION = "build"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"family": _family_input(),
                             "seed": ("INT", {"default": 1, "min": 0, "max": 2 ** 31 - 1,
                                              "tooltip": "Conditioning seed."})}}

    def build(self, family, seed):
        return tuple(_loaded(tiny_families).conds_for(family, seed))


class LanPaintTestLatent:
    CATEGORY = "_for_testing/LanPaint"
    RETURN_TYPES = ("LATENT",)
    FUNCTION = "build"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "family": _family_input(),
            "width": ("INT", {"default": 128, "min": 16, "max": 1024, "step": 16,
                              "tooltip": "Image width (latent width x8)."}),
            "height": ("INT", {"default": 128, "min": 16, "max": 1024, "step": 16,
                               "tooltip": "Image height (latent height x8)."}),
            "batch": ("INT", {"default": 1, "min": 1, "max": 8, "tooltip": "Batch size."}),
            "seed": ("INT", {"default": 5, "min": 0, "max": 2 ** 31 - 1, "tooltip": "Latent seed."}),
        }}

    def build(self, family, width, height, batch, seed):
        import torch
        shape = _loaded(tiny_families).latent_shape_for(family, batch, height // 8, width // 8)
        samples = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
        # the latent's own frames (video [B,C,T,h,w]) and spatial size: one mask per video, frame by frame
        frames = shape[2] if len(shape) == 5 else None
        mask = tiny_families.half_mask(shape[-2], shape[-1], batch, frames=frames)
        return ({"samples": samples, "noise_mask": mask},)


def _seed_input(what):
    return ("INT", {"default": 0, "min": 0, "max": 2 ** 31 - 1, "tooltip": "Seed of the tiny %s weights." % what})


class _TinyLoader:
    CATEGORY = "_for_testing/LanPaint"
    FUNCTION = "load"
    WHAT = "model"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"family": _family_input(), "seed": _seed_input(cls.WHAT)}}


class LanPaintTinyCheckpointLoader(_TinyLoader):
    DESCRIPTION = ("Test stand-in for Load Checkpoint: a tiny seeded model of the family, a stand-in text "
                   "encoder and a tiny random VAE. No files are read.")
    RETURN_TYPES = ("MODEL", "CLIP", "VAE")
    WHAT = "model, text encoder and VAE"

    def load(self, family, seed):
        model = _loaded(tiny_families).builder_for(family)(seed=seed)
        return model, stand_ins.tiny_clip(family, seed), stand_ins.tiny_vae(family, seed)


class LanPaintTinyUNETLoader(_TinyLoader):
    DESCRIPTION = "Test stand-in for Load Diffusion Model: a tiny seeded model of the family."
    RETURN_TYPES = ("MODEL",)
    WHAT = "diffusion model"

    def load(self, family, seed):
        return (_loaded(tiny_families).builder_for(family)(seed=seed),)


class LanPaintTinyCLIPLoader(_TinyLoader):
    DESCRIPTION = ("Test stand-in for the (Dual/Triple/Quadruple) CLIP loaders: a real comfy CLIP object "
                   "around a stand-in text encoder (seeded embedding tables, not CLIP/T5/Llama) whose "
                   "conditioning fits the tiny model of the family.")
    RETURN_TYPES = ("CLIP",)
    WHAT = "text encoder"

    def load(self, family, seed):
        return (_loaded(stand_ins).tiny_clip(family, seed),)


class LanPaintTinyVAELoader(_TinyLoader):
    DESCRIPTION = ("Test stand-in for Load VAE: a real comfy VAE with a tiny randomly initialised "
                   "AutoencoderKL (stand_ins.tiny_vae: the family's latent channels and compression), or "
                   "the family's audio VAE (stand_ins.tiny_audio_vae).")
    RETURN_TYPES = ("VAE",)
    WHAT = "VAE"

    @classmethod
    def INPUT_TYPES(cls):
        spec = super().INPUT_TYPES()
        spec["optional"] = {"audio": ("BOOLEAN", {"default": False,
                                                  "tooltip": "The audio VAE of an audio+video model's family."})}
        return spec

    def load(self, family, seed, audio=False):
        return ((_loaded(stand_ins).tiny_audio_vae if audio else _loaded(stand_ins).tiny_vae)(family, seed),)


NODE_CLASS_MAPPINGS = {
    "LanPaintTestTinyModel": LanPaintTestTinyModel,
    "LanPaintTestConditioning": LanPaintTestConditioning,
    "LanPaintTestLatent": LanPaintTestLatent,
    "LanPaintTinyCheckpointLoader": LanPaintTinyCheckpointLoader,
    "LanPaintTinyUNETLoader": LanPaintTinyUNETLoader,
    "LanPaintTinyCLIPLoader": LanPaintTinyCLIPLoader,
    "LanPaintTinyVAELoader": LanPaintTinyVAELoader,
}

NODE_DISPLAY_NAME_MAPPINGS = {
    "LanPaintTestTinyModel": "LanPaint Test Tiny Model",
    "LanPaintTestConditioning": "LanPaint Test Conditioning",
    "LanPaintTestLatent": "LanPaint Test Latent",
    "LanPaintTinyCheckpointLoader": "LanPaint Tiny Checkpoint Loader (test)",
    "LanPaintTinyUNETLoader": "LanPaint Tiny Diffusion Model Loader (test)",
    "LanPaintTinyCLIPLoader": "LanPaint Tiny CLIP Loader (test)",
    "LanPaintTinyVAELoader": "LanPaint Tiny VAE Loader (test)",
}
