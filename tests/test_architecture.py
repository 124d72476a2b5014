"""The layering of ARCHITECTURE.md, read from the source (pure AST: no ComfyUI, nothing imported).

- lanpaint_core/ imports nothing but itself, torch and the standard library (no ComfyUI module,
  nothing of the pack's other layers), wherever the import stands (module top or function body);
- the product (__init__.py, nodes/, lanpaint_core/, lanpaint_demo/) imports none of the developer
  folders (devtools/, benchmarks/, tests/, scripts/), absolutely or relatively.
Relative imports are resolved the way ComfyUI loads the pack: the repository root is a package.
"""
import ast
import sys

import pytest

from devtools.lanpaint_pack import REPO_ROOT

CORE = "lanpaint_core"
PRODUCT = ("__init__.py", "nodes", CORE, "lanpaint_demo")
DEVELOPER_FOLDERS = {"devtools", "benchmarks", "tests", "scripts"}
# The top-level modules of the tested ComfyUI trees (0.3.75 and 0.33.0; its own nodes.py included),
# named in the report; the core's allow-list rejects them (and any other non-stdlib module) anyway.
COMFYUI_MODULES = {"alembic_db", "api_server", "app", "blueprints", "comfy", "comfy_api", "comfy_api_nodes",
                   "comfy_config", "comfy_execution", "comfy_extras", "comfyui_version", "cuda_malloc", "execution",
                   "folder_paths", "hook_breaker_ac10a0", "latent_preview", "main", "middleware", "new_updater",
                   "node_helpers", "nodes", "protocol", "server", "utils"}
CORE_MAY_IMPORT = {"torch"} | set(sys.stdlib_module_names)


def imported_modules(source: str, rel_path: str):
    """(line, dotted name, relative) of every module an import statement in `source` names.

    rel_path: the file's path from the repository root ("nodes/sampling.py"). A relative import is
    resolved against the file's package, with the repository root as the top package, and given
    as a name from that root ("lanpaint_core.crop"); one that climbs above the root gives "..".
    """
    package = rel_path.split("/")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.lineno, node.module, False))
        elif isinstance(node, ast.ImportFrom):
            up = node.level - 1
            if up > len(package):
                found.append((node.lineno, "..", True))
                continue
            base = package[:len(package) - up]
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found += [(node.lineno, ".".join(base + name.split(".")), True) for name in names]
    return found


def core_violations(source: str, rel_path: str):
    """Imports of a lanpaint_core file that leave the core for anything but torch and the stdlib."""
    bad = []
    for line, name, relative in imported_modules(source, rel_path):
        top = name.split(".")[0]
        if relative and top == CORE:
            continue
        if relative or top not in CORE_MAY_IMPORT or top in COMFYUI_MODULES:
            what = "ComfyUI" if top in COMFYUI_MODULES and not relative else "outside the core"
            bad.append(f"{rel_path}:{line} imports {name} ({what})")
    return bad


def product_violations(source: str, rel_path: str):
    """Imports of a product file that reach the developer folders."""
    return [f"{rel_path}:{line} imports {name}" for line, name, _ in imported_modules(source, rel_path)
            if name.split(".")[0] in DEVELOPER_FOLDERS]


def _files(*roots):
    for root in roots:
        path = REPO_ROOT / root
        for file in ([path] if path.suffix == ".py" else sorted(path.rglob("*.py"))):
            yield file.relative_to(REPO_ROOT).as_posix(), file.read_text()


def test_the_checks_see_what_they_forbid():
    """Negative controls: each forbidden import, in each form, is reported."""
    core_file = f"{CORE}/sampling.py"
    for source in ("import comfy.samplers", "import folder_paths", "from server import PromptServer",
                   "import numpy", "def f():\n    import nodes", "from ..nodes import sampling",
                   "from .. import lanpaint_demo", "from ... import anything"):
        assert core_violations(source, core_file), source
    for source in ("import torch", "import math", "from typing import Optional", "from .crop import crop",
                   "from . import coordinates", "from __future__ import annotations"):
        assert not core_violations(source, core_file), source
    for rel_path, source in (("nodes/sampling.py", "from ..devtools.host import compat"),
                             ("nodes/sampling.py", "import benchmarks.crop"),
                             ("__init__.py", "from .devtools import demo_model"),
                             ("lanpaint_demo/model.py", "def f():\n    from devtools import demo_model"),
                             ("nodes/sampling.py", "from .. import tests")):
        assert product_violations(source, rel_path), (rel_path, source)
    assert not product_violations("from ..lanpaint_core import crop\nimport comfy.samplers", "nodes/sampling.py")


def test_core_imports_only_itself_torch_and_the_standard_library():
    files = list(_files(CORE))
    assert len(files) >= 5
    bad = [v for rel_path, source in files for v in core_violations(source, rel_path)]
    assert not bad, "lanpaint_core must stay pure PyTorch (ARCHITECTURE.md):\n" + "\n".join(bad)


@pytest.mark.parametrize("root", PRODUCT)
def test_product_imports_no_developer_folder(root):
    files = list(_files(root))
    assert files
    bad = [v for rel_path, source in files for v in product_violations(source, rel_path)]
    assert not bad, "the product never imports devtools/, benchmarks/, tests/ or scripts/ " \
                    "(they do not ship):\n" + "\n".join(bad)
