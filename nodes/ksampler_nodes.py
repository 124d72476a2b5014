"""LanPaint FLD KSampler and LanPaint FLD KSampler (Advanced): the stock nodes, sampling with LanPaint."""
import nodes as comfy_nodes  # ComfyUI's own nodes.py

from .inputs import check_finite_inputs, check_noise_mask
from .hooks import with_lanpaint
from .settings import (DEFAULT_THINK_EVERY, WHOLE_LATENT, LanPaintSettings, appended_inputs, method_inputs,
                       prompt_mode_input, settings_from_method_inputs, thinking_steps_input)


# Tooltips for stock inputs that some hosts ship without one (KSamplerAdvanced in 0.3.75).
STOCK_TOOLTIPS = {
    "model": "The model used for denoising the input latent.",
    "add_noise": "enable: start from fresh noise; disable: the latent already carries its noise "
                 "(a chained second stage).",
    "noise_seed": "The random seed used for the noise and for LanPaint's Langevin noise.",
    "steps": "The number of diffusion steps of the full schedule.",
    "cfg": "Classifier-free guidance scale.",
    "sampler_name": "The ComfyUI sampler LanPaint drives.",
    "scheduler": "The noise schedule.",
    "positive": "Conditioning describing what to include.",
    "negative": "Conditioning describing what to exclude.",
    "latent_image": "The latent to inpaint; its noise mask (1 = regenerate) selects the region.",
    "start_at_step": "First step of the schedule to run.",
    "end_at_step": "Step at which to stop (past the last step = run to the end).",
    "return_with_leftover_noise": "enable: stop with the remaining noise (for a second stage); "
                                  "disable: fully denoise.",
}


def _stock_inputs(node_class):
    required = {}
    for name, (kind, *options) in node_class.INPUT_TYPES()["required"].items():
        spec = dict(options[0]) if options else {}
        if "tooltip" not in spec and name in STOCK_TOOLTIPS:
            spec["tooltip"] = STOCK_TOOLTIPS[name]
        required[name] = (kind, spec)
    return required


def _sample(model, settings, latent, **kwargs):
    if latent.get("noise_mask") is not None:
        check_noise_mask(latent["noise_mask"], latent["samples"])
    return comfy_nodes.common_ksampler(with_lanpaint(model, settings), latent=latent, **kwargs)


class LanPaintKSampler:
    DESCRIPTION = ("KSampler that inpaints with LanPaint: before each diffusion step it 'thinks' for a few "
                   "Langevin steps so the masked region agrees with the rest of the image. Use with a "
                   "latent that has a noise mask (Set Latent Noise Mask / VAE Encode for Inpainting).")
    CATEGORY = "sampling/LanPaint FLD"
    RETURN_TYPES = ("LATENT",)
    OUTPUT_TOOLTIPS = ("The inpainted latent; outside the mask it equals the input latent.",)
    FUNCTION = "sample"

    @classmethod
    def INPUT_TYPES(cls):
        required = _stock_inputs(comfy_nodes.KSampler)
        required["thinking_steps"] = thinking_steps_input()
        required["prompt_mode"] = prompt_mode_input()
        return {"required": required, "optional": appended_inputs()}

    def sample(self, model, seed, steps, cfg, sampler_name, scheduler, positive, negative, latent_image,
               denoise, thinking_steps, prompt_mode, crop_padding=WHOLE_LATENT, think_every=DEFAULT_THINK_EVERY):
        check_finite_inputs(cfg=cfg, denoise=denoise)
        settings = LanPaintSettings.from_inputs(thinking_steps, prompt_mode, crop_padding=crop_padding,
                                                think_every=think_every)
        return _sample(model, settings, latent_image, seed=seed, steps=steps, cfg=cfg,
                       sampler_name=sampler_name, scheduler=scheduler, positive=positive,
                       negative=negative, denoise=denoise)


class LanPaintKSamplerAdvanced:
    DESCRIPTION = ("KSampler (Advanced) with LanPaint inpainting and every knob of the method exposed: "
                   "start/end steps, leftover noise, BiG lambda, step size, friction, beta, early stop, "
                   "inner scheme and the BiG CFG scale.")
    CATEGORY = "sampling/LanPaint FLD"
    RETURN_TYPES = ("LATENT",)
    OUTPUT_TOOLTIPS = ("The inpainted latent; outside the mask it equals the input latent (noised, when "
                       "returning with leftover noise).",)
    FUNCTION = "sample"

    @classmethod
    def INPUT_TYPES(cls):
        required = _stock_inputs(comfy_nodes.KSamplerAdvanced)
        required["thinking_steps"] = thinking_steps_input()
        required["prompt_mode"] = prompt_mode_input()
        required.update(method_inputs())
        return {"required": required, "optional": appended_inputs()}

    def sample(self, model, add_noise, noise_seed, steps, cfg, sampler_name, scheduler, positive, negative,
               latent_image, start_at_step, end_at_step, return_with_leftover_noise, thinking_steps,
               prompt_mode, **method):
        check_finite_inputs(cfg=cfg)
        settings = settings_from_method_inputs(thinking_steps, prompt_mode, **method)
        return _sample(model, settings, latent_image, seed=noise_seed, steps=steps, cfg=cfg,
                       sampler_name=sampler_name, scheduler=scheduler, positive=positive,
                       negative=negative, denoise=1.0, disable_noise=add_noise == "disable",
                       start_step=start_at_step, last_step=end_at_step,
                       force_full_denoise=return_with_leftover_noise != "enable")

