"""What ComfyUI-Manager and the registry need from the pack: metadata and names of its own, the
registry's own checks (the pinned comfy-cli of scripts/comfy-cli.txt) passing, an archive holding
exactly the product files, and nothing unsafe in it."""
import ast
import json
import os
import re
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from devtools.lanpaint_pack import REPO_ROOT
from devtools.workflows.catalog import OLDEST_HOST  # the pinned PyPI host, the lowest one CI tests

META = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
PACK_CODE = ["__init__.py", "nodes", "lanpaint_core", "lanpaint_demo"]
# Node ids are saved in users' workflows: they never change.
PUBLISHED_NODE_IDS = {"LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint",
                      "LanPaintMaskBlend", "LanPaintDemoModelLoader", "LanPaintDemoScene", "LanPaintVideoMask",
                      "LanPaintCrop", "LanPaintStitch", "LanPaintSideBySide", "LanPaintDemoVideoModelLoader",
                      "LanPaintDemoClip"}
# The older LanPaint pack's public registry metadata (publisher scraed), which ours must not repeat.
OLDER_PACK_ID = "LanPaint"
OLDER_PACK_NODE_NAMES = {"LanPaint KSampler", "LanPaint KSampler (Advanced)", "LanPaint Mask Blend"}
# The registry archive: these top-level entries and, inside the folders, only these files.
PRODUCT_TOP_LEVEL = {"__init__.py", "LICENSE", "README.md", "pyproject.toml", "nodes", "lanpaint_core",
                     "lanpaint_demo", "workflows", "web"}
PRODUCT_FILES = {"nodes": r"[\w/]+\.py", "lanpaint_core": r"[\w/]+\.py", "workflows": r"\w+\.(json|jpg)",
                 "lanpaint_demo": r"\w+\.py|weights/(\w+\.safetensors|(video_)?training\.(json|log))", "web": r"\w+\.js"}
# The one model the pack ships: the demo model's weights (lanpaint_demo/weights), at most this size.
DEMO_WEIGHTS = "lanpaint_demo/weights/"
DEMO_WEIGHTS_MAX_BYTES = 25 * 2 ** 20
WEIGHT_SUFFIXES = (".safetensors", ".pt", ".pth", ".ckpt", ".bin", ".npz", ".npy", ".onnx", ".gguf", ".pkl")
# CI publishes with the registry's own action on a version tag (.github/workflows/publish.yml).
PUBLISH_WORKFLOW = REPO_ROOT / ".github" / "workflows" / "publish.yml"
REGISTRY_ACTION = "Comfy-Org/publish-node-action@"
COMFY_CLI_HINT = ("run the suite with `bash scripts/test.sh` (it sets LANPAINT_COMFY_CLI), or "
                  "`export LANPAINT_COMFY_CLI=\"$(bash scripts/comfy_cli.sh)\"`")


def _mapping_keys_and_literals(name):
    """The dict `name` assigned in nodes/__init__.py: {key: literal value or None}."""
    for node in ast.parse((REPO_ROOT / "nodes" / "__init__.py").read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return {ast.literal_eval(k): (ast.literal_eval(v) if isinstance(v, ast.Constant) else None)
                    for k, v in zip(node.value.keys, node.value.values)}
    raise AssertionError("nodes/__init__.py assigns no %s" % name)


def test_pyproject_has_registry_metadata():
    project, comfy = META["project"], META["tool"]["comfy"]
    # The registry's rules for the id (docs.comfy.org/registry/specifications; checked by the
    # registry server, not by comfy-cli): under 100 characters, letters, digits and single - _ .
    # between them, starting with a letter; and no "ComfyUI" in it.
    assert len(project["name"]) < 100 and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*([-_.][A-Za-z0-9]+)*",
                                                       project["name"]), project["name"]
    assert "comfyui" not in project["name"].lower()
    major, minor, patch = project["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))
    assert project["description"] and project["license"]
    assert re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", project["urls"]["Repository"])
    assert re.fullmatch(r"[a-z][a-z0-9-]*", comfy["PublisherId"]), comfy["PublisherId"]
    assert project.get("dependencies", []) == []  # nothing beyond what ComfyUI has
    for key in ("PublisherId", "DisplayName", "Icon", "requires-comfyui"):
        assert key in comfy


def _publish_steps():
    flow = yaml.safe_load(PUBLISH_WORKFLOW.read_text())
    assert flow[True] == {"push": {"tags": ["v*.*.*"]}}  # YAML reads the key `on` as true
    steps = flow["jobs"]["publish-node"]["steps"]
    publish = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith(REGISTRY_ACTION))
    assert steps[publish]["with"] == {"personal_access_token": "${{ secrets.REGISTRY_ACCESS_TOKEN }}"}
    check = next(i for i, s in enumerate(steps) if "GITHUB_REF_NAME" in s.get("run", ""))
    assert check < publish, "the tag is checked before publishing"
    return steps[check]["run"]


def _run_check(script, tag):
    return subprocess.run(["bash", "-c", script], cwd=REPO_ROOT, env=dict(os.environ, GITHUB_REF_NAME=tag),
                          capture_output=True, text=True)


def test_ci_publishes_with_the_registry_action_on_the_version_tag_only():
    """A tag that is not v<pyproject version> stops the publish job; so does the placeholder publisher
    id (the owner sets it, README / docs/development.md)."""
    check = _publish_steps()
    version = META["project"]["version"]
    wrong = _run_check(check, "v%s.1" % version)
    assert wrong.returncode != 0 and "bump the version" in wrong.stdout, wrong.stdout + wrong.stderr
    right = _run_check(check, "v" + version)
    if META["tool"]["comfy"]["PublisherId"] == "your-publisher-id":
        assert right.returncode != 0 and "PublisherId" in right.stdout, right.stdout + right.stderr
    else:
        assert right.returncode == 0, right.stdout + right.stderr


def test_no_symlinks_bytecode_or_eval_in_the_pack():
    tracked = subprocess.run(["git", "ls-files", "-s"], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert not [line for line in tracked if line.startswith("120000")], "symlinks are tracked"
    assert not [line for line in tracked if line.endswith((".pyc", ".pyo"))], "bytecode is tracked"
    for root in PACK_CODE:
        for path in ([REPO_ROOT / root] if root.endswith(".py") else (REPO_ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text())
            calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            assert not calls & {"eval", "exec", "compile", "__import__"}, path


def test_pack_imports_no_third_party_module():
    # tqdm: in ComfyUI's own requirements.txt (its samplers' console bars); the progress bar matches theirs
    allowed = {"torch", "comfy", "nodes", "math", "logging", "dataclasses", "typing", "__future__", "copy",
               "functools", "pathlib", "random", "json", "re", "inspect", "tqdm"}
    for path in [REPO_ROOT / "__init__.py", *(REPO_ROOT / "nodes").rglob("*.py"),
                 *(REPO_ROOT / "lanpaint_core").rglob("*.py"), *(REPO_ROOT / "lanpaint_demo").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module.split(".")[0]]
            else:
                continue
            assert set(names) <= allowed, (path, names)


# ---------------------------------------------------------------------------- names of our own

def test_names_of_our_own():
    """Registry id, DisplayName and node display names differ from the older LanPaint pack's and
    still say LanPaint; every node's name carries the pack's DisplayName; node ids are unchanged."""
    project, comfy = META["project"], META["tool"]["comfy"]
    assert project["name"].lower() != OLDER_PACK_ID.lower() and "lanpaint" in project["name"].lower()
    brand = comfy["DisplayName"]
    assert brand != OLDER_PACK_ID and brand.startswith("LanPaint"), brand
    assert set(_mapping_keys_and_literals("NODE_CLASS_MAPPINGS")) == PUBLISHED_NODE_IDS
    names = _mapping_keys_and_literals("NODE_DISPLAY_NAME_MAPPINGS")
    assert set(names) == PUBLISHED_NODE_IDS
    for node_id, name in names.items():
        assert brand in name and name not in OLDER_PACK_NODE_NAMES, (node_id, name)
    assert len(set(names.values())) == len(names)
    # Our own menu folders in Add Node (the SAMPLER node sits with the stock samplers).
    for path in (REPO_ROOT / "nodes").glob("*.py"):
        for category in re.findall(r'CATEGORY = "([^"]*)"', path.read_text()):
            assert "LanPaint" not in category or category.endswith("/" + brand), (path.name, category)


def test_workflows_name_our_registry_id():
    """ComfyUI-Manager installs a workflow's missing nodes by the cnr_id saved with them."""
    for path in sorted((REPO_ROOT / "workflows").glob("*.json")):
        ours = [n for n in json.loads(path.read_text())["nodes"] if n["type"] in PUBLISHED_NODE_IDS]
        assert ours, path.name
        assert {n["properties"].get("cnr_id") for n in ours} == {META["project"]["name"]}, path.name


def test_requires_comfyui_is_the_lowest_tested_host_and_no_cap(comfy):
    """requires-comfyui is exactly a lower bound: ComfyUI-Manager flags every host above an upper cap
    as incompatible, and nothing in the pack depends on one. The bound holds the host under test and
    every host tree CI runs the suite on (../shared/hosts), and is the lowest of them."""
    spec = SpecifierSet(META["tool"]["comfy"]["requires-comfyui"])
    assert [s.operator for s in spec] == [">="], "requires-comfyui must be one lower bound, no cap: %s" % spec
    hosts = {"host under test": _comfyui_version(comfy.path)}
    for tree in sorted((REPO_ROOT.parent / "shared" / "hosts").glob("ComfyUI-*.tar.gz")):
        hosts[tree.name] = Version(tree.name[len("ComfyUI-"):-len(".tar.gz")])
    for where, version in hosts.items():
        assert spec.contains(version), "%s is ComfyUI %s, outside requires-comfyui %s" % (where, version, spec)
    (bound,) = spec
    assert Version(bound.version) == Version(OLDEST_HOST), (spec, OLDEST_HOST)
    assert spec.contains(Version("99.0.0")), "a newer ComfyUI must not be flagged incompatible: %s" % spec


def _comfyui_version(path):
    text = (Path(path) / "comfyui_version.py").read_text()
    return Version(re.search(r'__version__ = "([^"]+)"', text).group(1))


# ---------------------------------------------------------------------------- the registry's own tool

@pytest.fixture(scope="module")
def comfy_cli():
    """The pinned comfy-cli's `comfy` command (its own venv, made by scripts/comfy_cli.sh)."""
    path = os.environ.get("LANPAINT_COMFY_CLI", "")
    if not (path and os.access(path, os.X_OK)):
        pytest.fail("no comfy-cli at LANPAINT_COMFY_CLI=%r; %s" % (path, COMFY_CLI_HINT))
    return Path(path)


def _comfy_cli_env(tmp_path):
    """Offline and non-interactive: a throwaway HOME (comfy-cli writes its config.ini there),
    telemetry and the PyPI update check off, no ruff cache in the repo, and any HTTP(S) it might
    still attempt sent to a closed local port."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    closed = "http://127.0.0.1:9"
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
            "DO_NOT_TRACK": "1", "COMFY_NO_TELEMETRY": "1", "COMFY_NO_UPDATE_CHECK": "1",
            "RUFF_NO_CACHE": "true", "NO_COLOR": "1", "COLUMNS": "200", "NO_PROXY": "",
            "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "http_proxy": closed, "https_proxy": closed}


def _validate(comfy_cli, folder, tmp_path):
    run = subprocess.run([str(comfy_cli), "--skip-prompt", "node", "validate"], cwd=folder,
                         env=_comfy_cli_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=300)
    return run.returncode, run.stdout + run.stderr


def test_comfy_node_validate_passes(comfy_cli, tmp_path):
    """`comfy node validate`: pyproject parsing and field checks, then ruff's security rules
    (S102 exec, S307 eval, E702 one-line statements) over the repository. comfy-cli reports a bad
    field or a security finding as a warning and still exits 0, so the output is checked too."""
    rc, out = _validate(comfy_cli, REPO_ROOT, tmp_path)
    print(out)
    assert rc == 0, out
    assert "All validation checks passed successfully" in out, out
    assert not re.search(r"warning|error", out, re.IGNORECASE), out


def test_comfy_node_validate_would_catch_a_bad_pack(comfy_cli, tmp_path):
    """The check above can fail: on a copy of our pyproject with an unparseable requires-comfyui
    next to an eval(), the same comfy-cli prints the warnings that test looks for."""
    pack = tmp_path / "bad_pack"
    pack.mkdir()
    text = (REPO_ROOT / "pyproject.toml").read_text()
    (pack / "pyproject.toml").write_text(re.sub(r'requires-comfyui = "[^"]*"', 'requires-comfyui = "0.3"', text))
    (pack / "__init__.py").write_text("NODE_CLASS_MAPPINGS = eval('{}')\n")
    rc, out = _validate(comfy_cli, pack, tmp_path)
    assert "Invalid requires-comfyui" in out and "Security warnings found" in out and "S307" in out, out


def _registry_archive(comfy_cli, tmp_path):
    """Names in the zip that `comfy node publish` uploads, built by comfy-cli's own functions: the
    body of `comfy node pack` (git-tracked files, minus .comfyignore, plus [tool.comfy].includes)
    with the zip written outside the repository."""
    archive = tmp_path / "node.zip"
    code = ("import sys\n"
            "from comfy_cli.file_utils import zip_files\n"
            "from comfy_cli.registry.config_parser import extract_node_configuration\n"
            "config = extract_node_configuration()\n"
            "zip_files(sys.argv[1], includes=config.tool_comfy.includes)\n")
    run = subprocess.run([str(comfy_cli.parent / "python"), "-c", code, str(archive)], cwd=REPO_ROOT,
                         env=_comfy_cli_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0 and archive.is_file(), run.stdout + run.stderr
    with zipfile.ZipFile(archive) as zf:
        return sorted(zf.namelist())


def test_registry_archive_holds_exactly_the_product(comfy_cli, tmp_path):
    names = _registry_archive(comfy_cli, tmp_path)
    print("\n".join(names))
    top = {name.split("/")[0] for name in names}
    assert top == PRODUCT_TOP_LEVEL, "unexpected in the archive: %s; missing: %s (list it in .comfyignore " \
        "or PRODUCT_TOP_LEVEL)" % (sorted(top - PRODUCT_TOP_LEVEL), sorted(PRODUCT_TOP_LEVEL - top))
    stray = [n for n in names if "/" in n and not re.fullmatch(PRODUCT_FILES[n.split("/")[0]], n.split("/", 1)[1])]
    assert not stray, "files in product folders that are not product files: %s" % stray
    weights = [n for n in names if n.lower().endswith(WEIGHT_SUFFIXES)]
    assert weights and all(n.startswith(DEMO_WEIGHTS) for n in weights), "model weights beyond the demo's: %s" % weights
    assert sum((REPO_ROOT / n).stat().st_size for n in weights) <= DEMO_WEIGHTS_MAX_BYTES
    # Nothing of the product is lost: every tracked file of the product folders ships.
    tracked = subprocess.run(["git", "ls-files", *PRODUCT_FILES], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert sorted(set(tracked) - set(names)) == []
    flows = {n[:-5] for n in names if n.startswith("workflows/") and n.endswith(".json")}
    assert flows and flows == {n[:-4] for n in names if n.startswith("workflows/") and n.endswith(".jpg")}
