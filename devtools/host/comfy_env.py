"""Locate and import a real ComfyUI host in-process, for tests.

``load_comfy()`` finds ComfyUI (env ``COMFYUI_PATH``, else
``<repo>/.cache/ComfyUI-0.3.75`` as created by ``bash scripts/setup_env.sh``), puts it on
``sys.path``, forces the CPU device (unless ``LANPAINT_TEST_DEVICE=gpu``) *before*
``comfy.model_management`` is imported, imports the modules tests need and returns them in a
namespace. It is idempotent: later calls return the same namespace.
"""
from __future__ import annotations

import importlib
import os
import sys
import types
from pathlib import Path

from devtools.lanpaint_pack import REPO_ROOT

DEFAULT_COMFY_DIR = REPO_ROOT / ".cache" / "ComfyUI-0.3.75"

_ENV: types.SimpleNamespace | None = None


class ComfyNotFoundError(RuntimeError):
    pass


def comfy_path() -> Path:
    """The ComfyUI root the tests use; raises ComfyNotFoundError with a fix if missing."""
    env = os.environ.get("COMFYUI_PATH")
    path = (Path(env).expanduser() if env else DEFAULT_COMFY_DIR).resolve()  # .cache may be a symlink
    if not (path / "comfy" / "model_management.py").is_file() or not (path / "nodes.py").is_file():
        origin = "COMFYUI_PATH=%s" % env if env else "the default location %s" % path
        raise ComfyNotFoundError(
            "No ComfyUI tree found at %s (looked for comfy/model_management.py and nodes.py). "
            "Run `bash scripts/setup_env.sh` from the repo root to fetch ComfyUI 0.3.75 into "
            ".cache/, or point COMFYUI_PATH at your own ComfyUI checkout." % origin)
    return path


def _want_cpu() -> bool:
    return os.environ.get("LANPAINT_TEST_DEVICE", "cpu").strip().lower() != "gpu"


def match_running_host():
    """Inside a running ComfyUI, make the harness's load_comfy() take that host's tree and device.

    load_comfy() defaults to the repo's cached ComfyUI and forces the CPU (test defaults); a server
    started on a GPU without LANPAINT_TEST_DEVICE would otherwise be switched to the CPU by the first
    tiny node it runs, and a server from another ComfyUI tree would be refused.
    """
    nodes_module = sys.modules.get("nodes")
    mm = sys.modules.get("comfy.model_management")
    if mm is None or nodes_module is None or not getattr(nodes_module, "__file__", None):
        return
    root = os.path.dirname(os.path.abspath(nodes_module.__file__))
    if os.path.isfile(os.path.join(root, "comfy", "model_management.py")):
        os.environ.setdefault("COMFYUI_PATH", root)
    if "LANPAINT_TEST_DEVICE" not in os.environ and mm.cpu_state != mm.CPUState.CPU:
        import torch
        if torch.cuda.is_available():
            os.environ["LANPAINT_TEST_DEVICE"] = "gpu"


def load_comfy() -> types.SimpleNamespace:
    """Import the ComfyUI host and return a namespace of its modules.

    Attributes: path (Path), nodes, comfy, model_management, samplers, sample, model_patcher,
    model_base, model_sampling, supported_models, supported_models_base, latent_formats,
    k_diffusion_sampling, patcher_extension, sampler_helpers, utils, ops, conds, cli_args,
    latent_preview, node_helpers, nodes_custom_sampler, nodes_model_advanced,
    nodes_differential_diffusion (the last three may be None if they fail to import),
    device (torch.device used for sampling).
    """
    global _ENV
    if _ENV is not None:
        return _ENV

    import torch
    torch.set_num_threads(1)

    path = comfy_path()
    _put_host_first(path)
    want_cpu = _want_cpu()
    if not want_cpu and not torch.cuda.is_available():
        raise RuntimeError("LANPAINT_TEST_DEVICE=gpu but torch sees no CUDA device; unset it to "
                           "run the tests on the CPU.")
    _import_host(want_cpu)
    import nodes
    if not Path(nodes.__file__).resolve().is_relative_to(path):
        raise ComfyNotFoundError("`import nodes` gave %s, not ComfyUI's nodes.py under %s"
                                 % (nodes.__file__, path))
    _ENV = _namespace(path)
    return _ENV


def _put_host_first(path: Path):
    """ComfyUI's root first on sys.path, as main.py runs it; refuses a `nodes` or `comfy` module
    imported from elsewhere already."""
    p = str(path)
    # Keep it first: a node pack checkout on sys.path has its own ``nodes`` package that must not
    # shadow ComfyUI's.
    while p in sys.path:
        sys.path.remove(p)
    sys.path.insert(0, p)
    for name in ("nodes", "comfy"):
        mod = sys.modules.get(name)
        if mod is None:
            continue
        # `comfy` is a namespace package (no __init__.py): its location is its __path__
        f = getattr(mod, "__file__", None) or next(iter(getattr(mod, "__path__", [])), None)
        if f is None or not Path(f).resolve().is_relative_to(path):
            raise ComfyNotFoundError(
                "module %r was already imported from %s, not from ComfyUI at %s; import the "
                "host through load_comfy() before anything else imports %r." % (name, f, path, name))


def _import_host(want_cpu: bool):
    """Import the host's modules the way its main.py would, on the CPU when asked, without parsing
    the command line."""
    # ComfyUI parses the command line at import of comfy.cli_args only when
    # comfy.options.args_parsing is True (main.py enables it). Keep it off, and hide pytest's
    # argv anyway in case something enabled it.
    saved_argv = sys.argv
    try:
        sys.argv = [saved_argv[0] if saved_argv else "comfy"]
        import comfy.options
        if "comfy.cli_args" not in sys.modules:
            comfy.options.args_parsing = False
        import comfy.cli_args
        if want_cpu:
            comfy.cli_args.args.cpu = True
        already = "comfy.model_management" in sys.modules
        import comfy.model_management as mm
        if want_cpu and already and mm.cpu_state != mm.CPUState.CPU:
            # model_management was imported before us with another device: switch it.
            mm.cpu_state = mm.CPUState.CPU
        import comfy.utils
        comfy.utils.set_progress_bar_enabled(False)
        # before nodes, as main.py does: nodes.py puts comfy/ first on sys.path, where comfy/utils.py would
        # then shadow the host's utils package (server.py, which comfy_extras/nodes_images imports, needs it)
        importlib.import_module("utils.extra_config")
        for name in _HOST_MODULES:
            importlib.import_module(name)
    finally:
        sys.argv = saved_argv


# imported in this order after comfy.model_management and comfy.utils (nodes first: it imports the rest)
_HOST_MODULES = ("nodes", "comfy.samplers", "comfy.sample", "comfy.model_patcher", "comfy.model_base",
                 "comfy.model_sampling", "comfy.supported_models", "comfy.supported_models_base",
                 "comfy.latent_formats", "comfy.k_diffusion.sampling", "comfy.patcher_extension",
                 "comfy.sampler_helpers", "comfy.ops", "comfy.conds", "latent_preview", "node_helpers")


def _optional(name):
    try:
        return importlib.import_module(name)
    except Exception:  # optional extras; tests that need them assert on None
        return None


def _namespace(path: Path) -> types.SimpleNamespace:
    """The host's modules (imported by _import_host) under load_comfy's names."""
    m = sys.modules
    return types.SimpleNamespace(
        path=path,
        nodes=m["nodes"],
        comfy=m["comfy"],
        cli_args=m["comfy.cli_args"],
        model_management=m["comfy.model_management"],
        samplers=m["comfy.samplers"],
        sample=m["comfy.sample"],
        model_patcher=m["comfy.model_patcher"],
        model_base=m["comfy.model_base"],
        model_sampling=m["comfy.model_sampling"],
        supported_models=m["comfy.supported_models"],
        supported_models_base=m["comfy.supported_models_base"],
        latent_formats=m["comfy.latent_formats"],
        k_diffusion_sampling=m["comfy.k_diffusion.sampling"],
        patcher_extension=m["comfy.patcher_extension"],
        sampler_helpers=m["comfy.sampler_helpers"],
        utils=m["comfy.utils"],
        ops=m["comfy.ops"],
        conds=m["comfy.conds"],
        latent_preview=m["latent_preview"],
        node_helpers=m["node_helpers"],
        nodes_custom_sampler=_optional("comfy_extras.nodes_custom_sampler"),
        nodes_model_advanced=_optional("comfy_extras.nodes_model_advanced"),
        nodes_differential_diffusion=_optional("comfy_extras.nodes_differential_diffusion"),
        device=m["comfy.model_management"].get_torch_device(),
    )
