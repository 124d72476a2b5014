"""What ComfyUI-Manager and the registry need from the pack: metadata, and nothing unsafe in it."""
import ast
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACK_CODE = ["__init__.py", "nodes", "lanpaint_core"]


def test_pyproject_has_registry_metadata():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    project, comfy = meta["project"], meta["tool"]["comfy"]
    assert project["name"] and "comfyui" not in project["name"].lower()
    major, minor, patch = project["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))
    assert project["description"] and project["license"] and project["urls"]["Repository"]
    assert project.get("dependencies", []) == []  # nothing beyond what ComfyUI has
    for key in ("PublisherId", "DisplayName", "Icon", "requires-comfyui"):
        assert key in comfy


def test_no_symlinks_bytecode_or_eval_in_the_pack():
    tracked = subprocess.run(["git", "ls-files", "-s"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert not [line for line in tracked if line.startswith("120000")], "symlinks are tracked"
    assert not [line for line in tracked if line.endswith((".pyc", ".pyo"))], "bytecode is tracked"
    for root in PACK_CODE:
        for path in ([REPO / root] if root.endswith(".py") else (REPO / root).rglob("*.py")):
            tree = ast.parse(path.read_text())
            calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            assert not calls & {"eval", "exec", "compile", "__import__"}, path


def test_pack_imports_no_third_party_module():
    allowed = {"torch", "comfy", "nodes", "math", "logging", "dataclasses", "typing", "__future__"}
    for path in [REPO / "__init__.py", *(REPO / "nodes").rglob("*.py"), *(REPO / "lanpaint_core").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module.split(".")[0]]
            else:
                continue
            assert set(names) <= allowed, (path, names)
