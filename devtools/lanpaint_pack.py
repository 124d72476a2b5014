"""Load this repository as a ComfyUI custom-node package, the way the host loads packs."""
import importlib.util
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACK_NAME = "LanPaint"


def import_package(name: str, folder: Path):
    """Import `folder` (with its __init__.py) as package `name`; idempotent, undone on failure."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(folder) / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_pack():
    """Import this repository (after the host is importable) as package `LanPaint`."""
    return import_package(PACK_NAME, REPO_ROOT)
