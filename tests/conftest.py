"""Shared pytest setup: one CPU thread, the real ComfyUI host as a session fixture.

Test modules import the harness (devtools/host) as ``from host import ...`` (devtools/ is put on
sys.path below, so that works whether or not tests/ is a package) and take the ``comfy``
fixture (a namespace of host modules, see host.comfy_env.load_comfy).
"""
import os
import sys

import pytest
import torch

torch.set_num_threads(1)

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
for _p in (_HERE, _ROOT, os.path.join(_ROOT, "devtools")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from host.comfy_env import load_comfy  # noqa: E402

# Import the host now, before collection: the pack's root __init__.py (collected by pytest as a
# package) imports comfy.*, which only resolves once ComfyUI is on sys.path. Raises with setup
# instructions if ComfyUI is missing -- tests never silently skip.
load_comfy()


@pytest.fixture(scope="session")
def comfy_server(tmp_path_factory):
    """One real headless ComfyUI server with LanPaint and the tiny test pack, shared by the
    server, workflow and browser tests (devtools/comfy_server.py)."""
    from comfy_server import running_server
    with running_server(tmp_path_factory.mktemp("comfy_base")) as srv:
        yield srv


@pytest.fixture(scope="session")
def comfy():
    """The real ComfyUI host (raises with setup instructions if it is missing)."""
    return load_comfy()
