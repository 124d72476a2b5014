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


def load_pack(root: Path = REPO_ROOT, name: str = PACK_NAME):
    """Import the checkout at `root` (this repository by default; after the host is importable) as
    package `name`; idempotent. Another checkout under another name loads beside this one (its
    modules import each other relatively), e.g. an older version for a benchmark to compare."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(root) / "__init__.py",
                                                  submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
