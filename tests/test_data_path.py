"""The adapter's data path: one Langevin refiner per run, and the host function it mirrors."""
import ast
import importlib
import inspect
import textwrap

import pytest
import torch

from devtools.host import tiny_families as fam
from devtools.host import tiny_models as tm
from devtools.lanpaint_pack import load_pack
from tests.node_runner import NODE_PATHS, masked_latent, run


def _pack_module(name):
    return importlib.import_module(f"{load_pack().__name__}.nodes.{name}")


@pytest.fixture
def refiners_built(monkeypatch):
    """Counts LangevinRefiner constructions in the adapter (the real class, counted)."""
    denoiser = _pack_module("denoiser")
    built = []

    class Counted(denoiser.LangevinRefiner):
        def __init__(self, *args, **kwargs):
            built.append(args[2])  # the region mask it was built for
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(denoiser, "LangevinRefiner", Counted)
    return built


@pytest.mark.parametrize("path", NODE_PATHS)
def test_one_refiner_per_run(comfy, refiners_built, path):
    model = tm.tiny_sd3(0)
    run(path, model, masked_latent("sd3"), conds=fam.conds_for("sd3"), steps=4, thinking=3, sampler="heun")
    assert len(refiners_built) == 1  # 4 steps x (3 + 1) calls + heun's corrector calls, one refiner


def test_refiner_rebuilt_only_when_the_mask_changes(comfy, refiners_built):
    """Differential Diffusion changes the mask per step; a refiner per distinct mask, no more."""
    model = tm.tiny_sdxl(0)
    dd = comfy.nodes_differential_diffusion.DifferentialDiffusion.execute(model).result[0]
    shape = fam.latent_shape_for("sdxl")
    mask = torch.linspace(0, 1, shape[-1] * 8).expand(1, shape[-2] * 8, -1).clone()
    latent = {"samples": masked_latent("sdxl")["samples"], "noise_mask": mask}
    run("ksampler", dd, latent, conds=fam.conds_for("sdxl"), steps=6, thinking=2)
    distinct = [m for i, m in enumerate(refiners_built) if i == 0 or not torch.equal(m, refiners_built[i - 1])]
    assert 1 < len(refiners_built) == len(distinct) <= 6


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


LOGGING_CALLS = ("detail", "logging.")
BUILTINS = ("len", "getattr", "tuple", "isinstance")


def host_calls(function):
    """The calls a host function makes, in source order, as dotted names; logging and builtins left out."""
    calls = []

    def visit(node):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name is not None and name.startswith(LOGGING_CALLS):
                return  # nor what its arguments call
            if name is not None and name not in BUILTINS and name not in calls:
                calls.append(name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(textwrap.dedent(inspect.getsource(function))))
    return tuple(calls)


def test_the_mirrored_host_function_has_not_changed_shape(comfy):
    """lanpaint_sample mirrors KSAMPLER.sample; a host that changes it must be looked at first."""
    sampling = _pack_module("sampling")
    module, cls, name = sampling.MIRRORED_HOST_FUNCTION.rsplit(".", 2)
    host_function = getattr(getattr(importlib.import_module(module), cls), name)
    assert host_function is comfy.samplers.KSAMPLER.sample
    assert inspect.signature(host_function) == inspect.signature(_pack_module("hooks").LanPaintSamplerObject.sample)
    # lanpaint_sample(ksampler, settings, guider, <the host's arguments after model_wrap>)
    assert list(inspect.signature(sampling.lanpaint_sample).parameters)[3:] == \
        list(inspect.signature(host_function).parameters)[2:]
    assert host_calls(host_function) == sampling.MIRRORED_HOST_CALLS


def test_the_call_fingerprint_can_fail():
    def changed(self, model_wrap, sigmas, extra_args, callback, noise, latent_image=None, denoise_mask=None,
                disable_pbar=False):
        noise = model_wrap.inner_model.model_sampling.noise_scaling(sigmas[0], noise, latent_image)
        return self.sampler_function(model_wrap, noise, sigmas, extra_args=extra_args)
    assert host_calls(changed) != _pack_module("sampling").MIRRORED_HOST_CALLS
