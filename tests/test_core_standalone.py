"""The core needs PyTorch alone: its package and its tests import and collect without ComfyUI."""
import glob
import os
import subprocess
import sys

from devtools.lanpaint_pack import REPO_ROOT

NO_HOST = dict(os.environ, COMFYUI_PATH=str(REPO_ROOT / "no-comfyui-here"))  # load_comfy() would raise


def _run(*args):
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=NO_HOST, capture_output=True, text=True,
                          timeout=300)


def test_core_package_imports_no_comfyui():
    out = _run("-c", "import sys, lanpaint_core, lanpaint_core.sampling; "
                     "print(sorted(m for m in sys.modules if m.split('.')[0] in ('comfy', 'nodes')))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_core_tests_collect_without_comfyui():
    core_tests = sorted(glob.glob(str(REPO_ROOT / "tests" / "test_core_*.py")))
    out = _run("-m", "pytest", "--collect-only", "-q", *core_tests)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "tests collected" in out.stdout and " error" not in out.stdout
    # The negative control: a host test module cannot be collected without the host.
    host = _run("-m", "pytest", "--collect-only", "-q", str(REPO_ROOT / "tests" / "test_mask_blend.py"))
    assert host.returncode != 0 and "No ComfyUI tree found" in host.stdout + host.stderr
