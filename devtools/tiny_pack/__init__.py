"""Test-only ComfyUI node pack: tiny seeded real models, matching conditioning and masked latents.

Installed by tests/test_server.py as ``custom_nodes/lanpaint_test_models`` of a throwaway server.
It builds everything with the repo's test harness (devtools/host/tiny_models.py); the copy does not
know where the repo is, so the env var LANPAINT_DEVTOOLS_DIR (set by the test) must name its devtools/.
"""
import importlib.util
import os
import sys

FAMILIES = ["sdxl", "sd3", "flux", "hidream"]
_HOST_MODULE = "lanpaint_test_host"


def _host():
    """devtools/host imported as package `lanpaint_test_host` (it uses relative imports)."""
    if _HOST_MODULE in sys.modules:
        return sys.modules[_HOST_MODULE]
    devtools_dir = os.environ.get("LANPAINT_DEVTOOLS_DIR")
    if not devtools_dir or not os.path.isfile(os.path.join(devtools_dir, "host", "tiny_models.py")):
        raise RuntimeError("lanpaint_test_models: set LANPAINT_DEVTOOLS_DIR to the LanPaint repo's devtools/ "
                           "directory (got %r)" % devtools_dir)
    host_dir = os.path.join(devtools_dir, "host")
    spec = importlib.util.spec_from_file_location(_HOST_MODULE, os.path.join(host_dir, "__init__.py"),
                                                  submodule_search_locations=[host_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules[_HOST_MODULE] = module
    spec.loader.exec_module(module)
    return module


def _tiny_models():
    import importlib
    _host().load_comfy()
    return importlib.import_module(_HOST_MODULE + ".tiny_models")


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
        return (_tiny_models().TINY_BUILDERS[family](seed=seed),)


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
        return tuple(_tiny_models().conds_for(family, seed))


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
        tm = _tiny_models()
        shape = tm.latent_shape_for(family, batch, height // 8, width // 8)
        samples = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
        return ({"samples": samples, "noise_mask": tm.half_mask(shape[2], shape[3], batch)},)


NODE_CLASS_MAPPINGS = {
    "LanPaintTestTinyModel": LanPaintTestTinyModel,
    "LanPaintTestConditioning": LanPaintTestConditioning,
    "LanPaintTestLatent": LanPaintTestLatent,
}
