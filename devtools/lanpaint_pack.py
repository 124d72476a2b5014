"""Load this repository as a ComfyUI custom-node package, the way the host loads packs.

The pack's modules import each other relatively (``from ..lanpaint_core import ...``), so the
repository root must be imported as a package of its own name, as ComfyUI does with the folder
in custom_nodes/. This is the one by-path import of the project.
"""
import importlib.util
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACK_NAME = "LanPaint"


def load_pack():
    """Import this repository (after the host is importable) as package `LanPaint`; idempotent."""
    if PACK_NAME in sys.modules:
        return sys.modules[PACK_NAME]
    spec = importlib.util.spec_from_file_location(PACK_NAME, REPO_ROOT / "__init__.py",
                                                  submodule_search_locations=[str(REPO_ROOT)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACK_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACK_NAME]
        raise
    return module
