"""Two CFG scales from one batched model call.

The guider computes cond and uncond predictions together; a post-CFG hook (a supported
extension point, added to a per-run copy of model_options) also records
uncond + w_big * (cond - uncond) for the BiG known-region term, at no extra model cost.
"""
import math


class BigCfgCapture:
    def __init__(self, big_cfg: float):
        self.big_cfg = big_cfg
        self.value = None

    def __call__(self, args):
        cond, uncond = args["cond_denoised"], args["uncond_denoised"]
        if uncond is None:  # no negative prediction: only one scale exists
            self.value = args["denoised"]
        else:
            self.value = uncond + (cond - uncond) * self.big_cfg
        return args["denoised"]


def with_big_cfg(model_options: dict, cfg: float, big_cfg: float | None):
    """Return (model_options for this run, capture or None). The input dict is not modified."""
    if big_cfg is None or math.isclose(cfg, 1.0) or math.isclose(cfg, big_cfg):
        return model_options, None  # with cfg = 1 or equal scales, x0_big = x0
    capture = BigCfgCapture(big_cfg)
    options = dict(model_options)
    options["sampler_post_cfg_function"] = list(options.get("sampler_post_cfg_function", [])) + [capture]
    return options, capture
