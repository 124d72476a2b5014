"""LanPaint FLD Sampler (a SAMPLER for SamplerCustom) and Apply LanPaint FLD (MODEL -> MODEL)."""
import comfy.samplers

from .hooks import LanPaintSamplerObject, with_lanpaint
from .settings import (appended_inputs, method_inputs, prompt_mode_input, settings_from_method_inputs,
                       thinking_steps_input)


def _lanpaint_inputs():
    return {"thinking_steps": thinking_steps_input(), "prompt_mode": prompt_mode_input(), **method_inputs()}


class LanPaintSampler:
    DESCRIPTION = ("A SAMPLER for SamplerCustom / SamplerCustomAdvanced: the chosen sampler, inpainting "
                   "with LanPaint whenever the latent has a noise mask.")
    CATEGORY = "sampling/custom_sampling/samplers"
    RETURN_TYPES = ("SAMPLER",)
    OUTPUT_TOOLTIPS = ("The sampler with LanPaint thinking steps.",)
    FUNCTION = "get_sampler"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "sampler_name": (comfy.samplers.SAMPLER_NAMES, {"default": "euler",
                             "tooltip": "The host sampler LanPaint drives (euler is the method's reference)."}),
            **_lanpaint_inputs()}, "optional": appended_inputs()}

    def get_sampler(self, sampler_name, thinking_steps, prompt_mode, **method):
        settings = settings_from_method_inputs(thinking_steps, prompt_mode, **method)
        return (LanPaintSamplerObject(sampler_name, settings),)


class ApplyLanPaint:
    DESCRIPTION = ("Makes the stock KSampler, KSampler (Advanced), SamplerCustom and SamplerCustomAdvanced "
                   "inpaint with LanPaint whenever the latent has a noise mask. Returns a patched copy; "
                   "the input model is unchanged.")
    CATEGORY = "sampling/LanPaint FLD"
    RETURN_TYPES = ("MODEL",)
    OUTPUT_TOOLTIPS = ("The model, sampling with LanPaint.",)
    FUNCTION = "patch"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"model": ("MODEL", {"tooltip": "The model to sample with LanPaint."}),
                             **_lanpaint_inputs()}, "optional": appended_inputs()}

    def patch(self, model, thinking_steps, prompt_mode, **method):
        return (with_lanpaint(model, settings_from_method_inputs(thinking_steps, prompt_mode, **method)),)
