"""Run each sampler-side LanPaint node, and its stock counterpart, the way a graph would."""
import torch

from devtools.host import tiny_families as fam
from devtools.host.comfy_env import load_comfy
from devtools.lanpaint_pack import load_pack
from devtools.measure import recording

NODE_PATHS = ("ksampler", "advanced", "sampler", "apply")


def node(name):
    return load_pack().NODE_CLASS_MAPPINGS[name]()


def widget_defaults(name, keys):
    required = load_pack().NODE_CLASS_MAPPINGS[name].INPUT_TYPES()["required"]
    return {k: required[k][1]["default"] for k in keys}


METHOD_KEYS = ("lambda_", "step_size", "friction", "beta", "early_stop", "inner_scheme", "big_cfg")


def method_defaults(name="LanPaintKSamplerAdvanced", **overrides):
    return {**widget_defaults(name, METHOD_KEYS), **overrides}


def _custom_sample(model, seed, steps, cfg, sampler, pos, neg, latent, scheduler="normal"):
    env = load_comfy()
    sigmas = env.samplers.calculate_sigmas(model.get_model_object("model_sampling"), scheduler, steps).cpu()
    out = env.nodes_custom_sampler.SamplerCustom.execute(model, True, seed, cfg, pos, neg, sampler, sigmas, latent)
    return out.result[0]["samples"]


def _custom_sample_advanced(model, seed, steps, cfg, sampler, pos, neg, latent, scheduler="normal"):
    """SamplerCustomAdvanced with RandomNoise and CFGGuider, as a graph wires it."""
    ncs = load_comfy().nodes_custom_sampler
    sigmas = load_comfy().samplers.calculate_sigmas(model.get_model_object("model_sampling"), scheduler, steps).cpu()
    noise = ncs.RandomNoise.execute(seed).result[0]
    guider = ncs.CFGGuider.execute(model, pos, neg, cfg).result[0]
    return ncs.SamplerCustomAdvanced.execute(noise, guider, sampler, sigmas, latent).result[0]["samples"]


def run(path, model, latent, *, sampler="euler", seed=1, steps=3, cfg=3.0, thinking=2, conds,
        prompt_mode="Image First", scheduler="normal", crop_padding=-1, think_every=None, **method):
    """Sample `latent` (a LATENT dict) through one of the LanPaint entry points: NODE_PATHS or
    "custom_advanced" (LanPaint FLD Sampler in SamplerCustomAdvanced). think_every None: the node's
    default (the graph leaves the widget as it is)."""
    pos, neg = conds
    env = load_comfy()
    appended = {"crop_padding": crop_padding}
    if think_every is not None:
        appended["think_every"] = think_every
    if path == "ksampler":
        assert not method, "LanPaint KSampler has no method knobs"
        return node("LanPaintKSampler").sample(model, seed, steps, cfg, sampler, scheduler, pos, neg, latent,
                                              1.0, thinking, prompt_mode, **appended)[0]["samples"]
    knobs = dict(method_defaults(**method), **appended)
    if path == "advanced":
        return node("LanPaintKSamplerAdvanced").sample(
            model, "enable", seed, steps, cfg, sampler, scheduler, pos, neg, latent, 0, 10000, "disable",
            thinking, prompt_mode, **knobs)[0]["samples"]
    if path in ("sampler", "custom_advanced"):
        lp_sampler = node("LanPaintSampler").get_sampler(sampler, thinking, prompt_mode, **knobs)[0]
        sample = _custom_sample if path == "sampler" else _custom_sample_advanced
        return sample(model, seed, steps, cfg, lp_sampler, pos, neg, latent, scheduler)
    if path == "apply":
        patched = node("ApplyLanPaint").patch(model, thinking, prompt_mode, **knobs)[0]
        return env.nodes.common_ksampler(patched, seed, steps, cfg, sampler, scheduler, pos, neg, latent)[0]["samples"]
    raise ValueError(path)


def run_stock(path, model, latent, *, sampler="euler", seed=1, steps=3, cfg=3.0, conds, scheduler="normal"):
    """The stock node each LanPaint entry point stands in for."""
    pos, neg = conds
    env = load_comfy()
    if path == "advanced":
        return env.nodes.KSamplerAdvanced().sample(model, "enable", seed, steps, cfg, sampler, scheduler, pos, neg,
                                                   latent, 0, 10000, "disable")[0]["samples"]
    if path in ("sampler", "custom_advanced"):
        sample = _custom_sample if path == "sampler" else _custom_sample_advanced
        return sample(model, seed, steps, cfg, env.samplers.sampler_object(sampler), pos, neg, latent, scheduler)
    return env.nodes.common_ksampler(model, seed, steps, cfg, sampler, scheduler, pos, neg, latent)[0]["samples"]


def latent_mask(mask, latent_shape):
    """The host's resize of a noise mask to the latent, binarised with LanPaint's rule (>= 0.5)."""
    env = load_comfy()
    return env.utils.reshape_mask(mask.float(), latent_shape) >= 0.5


def counting_clone(model):
    """A clone of `model` that records the timestep of every (batched) model call; returns it and
    the list of those timesteps."""
    clone, calls = recording(model, what=lambda args: float(args["timestep"].reshape(-1)[0]))
    return clone, calls.seen


def cancelling_clone(model, at_call):
    """A clone of `model` that presses Cancel (the host's interrupt flag) at model call `at_call`;
    returns it and the list of the calls' input sizes (h, w). The caller clears the flag afterwards."""
    mm = load_comfy().model_management
    clone, calls = recording(model, what=lambda args: tuple(args["input"].shape[-2:]),
                             on_call=lambda n: n == at_call and mm.interrupt_current_processing(True))
    return clone, calls.seen


def masked_latent(family, batch=1, seed=0, mask=None):
    shape = fam.latent_shape_for(family, batch)
    lat = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    if mask is None:
        mask = fam.half_mask(shape[-2] * 8, shape[-1] * 8, batch)
    return {"samples": lat, "noise_mask": mask}
