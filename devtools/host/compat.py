"""Every difference between the ComfyUI hosts the project is tested on, in one place.

The harness builds tiny models from the host's own model detection and config classes
(tiny_models), so most host changes need nothing here. What remains:

- ``requires_host(check, reason)``: the one skip helper for tests that need a newer host's feature
  (a model class, a node, a module). The reason names the missing feature and the host version.
- ``has_model_class`` / ``has_module`` / ``host_at_least``: the feature checks it takes.
- Conditioning: ComfyUI 0.3.75's Flux-derived BaseModels (Flux.2, Chroma) read ``pooled_output``
  unconditionally (``encode_adm``), 0.33.0 defaults it; the tiny conditionings always carry one
  (a real text encoder gives one too), so no branch is needed.
- Frontend (comfyui-frontend-package 1.32 on 0.3.75, 1.49.6 on 0.33.0): 1.49 puts its start-up
  workflow in place a moment after ``window.app`` exists (the test waits for it) and shows a
  template browser on first run unless ``Comfy.TutorialCompleted``; it reports missing node
  types in a ``role=status`` panel ("Missing node: X") where 1.32 opens a dialog, and keeps node ids
  as strings; see FRONTEND_*.
- Progress: 0.33.0's ProgressBar throttles hook calls (at most one per 100 ms unless first, final or
  with a preview); a test hook may not see every value there.
- Workflows: stock node schemas grow (0.33.0's SaveImage has an IMAGE output, 0.3.75's none), so
  a workflow is generated on the host it declares as its minimum (devtools.make_workflows) and
  only validated and run on newer hosts; ``version_tuple`` orders host versions.
"""
from __future__ import annotations

import importlib
import re

from .comfy_env import load_comfy


def host_version() -> str:
    """The host's version string (comfyui_version.py), e.g. "0.33.0"."""
    env = load_comfy()
    text = (env.path / "comfyui_version.py").read_text()
    m = re.search(r"__version__\s*=\s*[\"']([^\"']+)", text)
    if not m:
        raise RuntimeError("no __version__ in %s" % (env.path / "comfyui_version.py"))
    return m.group(1)


def version_tuple(version: str) -> tuple:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def host_at_least(version: str) -> bool:
    return version_tuple(host_version()) >= version_tuple(version)


def has_model_class(name: str) -> bool:
    """comfy.supported_models has a config class ``name`` (a model family the host can load)."""
    return hasattr(load_comfy().supported_models, name)


def has_module(name: str) -> bool:
    """The host has module ``name`` (e.g. comfy.nested_tensor, LTX-2's audio+video latents)."""
    load_comfy()
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def requires_host(check: bool, reason: str):
    """pytest mark: skip unless ``check`` (a has_* result) holds; the reason names the feature.

        @requires_host(has_model_class("WAN22_T2V"), "the Wan 2.2 model class WAN22_T2V")
    """
    import pytest
    return pytest.mark.skipif(not check, reason="needs a ComfyUI host with %s (this host is %s)"
                              % (reason, host_version()))


# ----------------------------------------------------------------------------- frontend
# Settings that keep the graph clear on a fresh profile: the first-run template browser (1.49:
# shown while Comfy.TutorialCompleted is unset), release notes, the minimap.
FRONTEND_SETTINGS = {"Comfy.TutorialCompleted": True, "Comfy.Notification.ShowVersionUpdates": False,
                     "Comfy.Minimap.Visible": False}
# The frontend has finished start-up: the app, its canvas and LiteGraph exist and the start-up
# workflow is in place (the workflow store's activeWorkflow; 1.49 sets it after window.app exists,
# so a workflow loaded before then would race the start-up one).
FRONTEND_READY_JS = """() => {
  const app = window.app;
  if (!(app && app.graph && app.canvas && window.LiteGraph && window.comfyAPI && window.comfyAPI.app
        && window.comfyAPI.app.app === app)) return false;
  const store = app.extensionManager && app.extensionManager.workflow;
  return !store || !("activeWorkflow" in store) || !!store.activeWorkflow;
}"""
# Text of a frontend notice or dialog that reports missing node types (1.32's dialog, 1.49's
# role=status panel); 1.49 also posts notices about missing model files and inputs, which are not this.
FRONTEND_MISSING_NODE_NOTICE = re.compile(r"missing node|nodes? (are|is) missing|isn't installed", re.I)
