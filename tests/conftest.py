"""Shared pytest setup: one CPU thread, the real ComfyUI host as a session fixture.

Test modules import the harness as the package ``devtools`` (``from devtools.host import ...``;
pytest puts the repository root on sys.path, see pyproject.toml) and take the ``comfy`` fixture
(a namespace of host modules, see devtools.host.comfy_env.load_comfy); fixtures several modules
share are defined here, never imported from another test module. The core tests
(test_core_*.py) need PyTorch alone: ``python -m pytest tests/test_core_*.py`` runs them without
ComfyUI.
"""
import pytest
import torch

from devtools.host.comfy_env import load_comfy

torch.set_num_threads(1)

CORE_TESTS = "test_core_*.py"


def pytest_collectstart(collector):
    """Put the host on sys.path before importing any test module but the core ones: they import
    comfy.* and the pack's nodes at module level. Raises with setup instructions if ComfyUI is
    missing -- tests never silently skip."""
    if isinstance(collector, pytest.Module) and not collector.path.match(CORE_TESTS):
        load_comfy()


@pytest.fixture(scope="session")
def comfy_server(tmp_path_factory):
    """One real headless ComfyUI server with LanPaint and the tiny test pack, shared by the
    server, workflow and browser tests (devtools/comfy_server.py)."""
    from devtools.comfy_server import running_server
    with running_server(tmp_path_factory.mktemp("comfy_base")) as srv:
        yield srv


@pytest.fixture(scope="session")
def comfy():
    """The real ComfyUI host (raises with setup instructions if it is missing)."""
    return load_comfy()


@pytest.fixture(scope="module")
def sdxl(comfy):
    """Tiny seeded SD XL and its conditioning (positive, negative)."""
    from devtools.host import tiny_families as fam
    from devtools.host import tiny_models as tm
    return tm.tiny_sdxl(0), fam.conds_for("sdxl")
