"""Start a real headless ComfyUI server with this pack (and the tiny-model pack) installed.

Shared by the demo (scripts/run.sh) and the server tests. ``running_server(base)`` runs ComfyUI's
main.py (COMFYUI_PATH, else .cache/ComfyUI-0.3.75) on a free loopback port with ``base`` as its
base directory, whose custom_nodes/ holds a copy of this pack (``LanPaint``: the files the pack
ships) and devtools/tiny_pack (``lanpaint_test_models``), isolated with
--disable-all-custom-nodes --whitelist-custom-nodes. It yields a ``Server`` once GET /object_info
answers, and always stops the process. A missing host or a server that does not come up raises
``ServerError`` with the server log attached.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools.host.comfy_env import comfy_path
from devtools.tiny_loaders import install_tiny_pack

from devtools.lanpaint_pack import PACK_NAME, REPO_ROOT
PACK_SOURCES = ("__init__.py", "nodes", "lanpaint_core", "lanpaint_demo", "web", "workflows", "pyproject.toml")
READY_TIMEOUT_S = 90
RUN_TIMEOUT_S = 120


class ServerError(RuntimeError):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, proc, url, base, log_path):
        self.proc, self.url, self.base, self.log_path = proc, url, base, log_path

    def log_tail(self, n=80):
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError as e:
            return "<no server log: %s>" % e
        return "\n".join(lines[-n:])

    @contextlib.contextmanager
    def explain(self):
        """Re-raise any failure (assertions included) with the tail of the server log attached."""
        try:
            yield
        except Exception as e:  # noqa: BLE001
            raise AssertionError("%s: %s\n----- server log tail (%s) -----\n%s"
                                 % (type(e).__name__, e, self.log_path, self.log_tail())) from e

    def request(self, path, payload=None, timeout=30):
        """(status, decoded JSON body); HTTP errors return their status instead of raising."""
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.url + path, data=data,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                body = r.read()
                try:
                    return r.status, json.loads(body.decode() or "null")
                except (UnicodeDecodeError, ValueError):
                    return r.status, body
        except urllib.error.HTTPError as e:
            body = e.read().decode(errors="replace")
            try:
                return e.code, json.loads(body)
            except ValueError:
                return e.code, body

    def wait_history(self, prompt_id, timeout=RUN_TIMEOUT_S):
        """The /history entry of `prompt_id` once it succeeded or failed (ServerError on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, hist = self.request("/history/%s" % prompt_id)
            if status != 200:
                raise ServerError("GET /history answered %s: %s" % (status, hist))
            entry = hist.get(prompt_id) if isinstance(hist, dict) else None
            if entry and entry.get("status", {}).get("completed") is not None \
                    and (entry["status"]["completed"] or entry["status"].get("status_str") == "error"):
                return entry
            if self.proc.poll() is not None:
                raise ServerError("server died while running the prompt (code %s)\n%s"
                                  % (self.proc.returncode, self.log_tail()))
            time.sleep(0.2)
        raise ServerError("prompt %s not finished after %d s\n%s" % (prompt_id, timeout, self.log_tail()))


def install_packs(base: Path, sources=PACK_SOURCES):
    """custom_nodes/LanPaint (a copy of the pack's shipped files) and custom_nodes/lanpaint_test_models."""
    custom = base / "custom_nodes"
    lanpaint = custom / PACK_NAME
    if lanpaint.exists():
        shutil.rmtree(lanpaint)
    lanpaint.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in sources:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, lanpaint / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, lanpaint / name)
    if (custom / "lanpaint_test_models").exists():
        shutil.rmtree(custom / "lanpaint_test_models")
    install_tiny_pack(custom)
    return custom


def server_command(port: int, base: Path, listen: str = "127.0.0.1"):
    return [sys.executable, "main.py", "--cpu", "--listen", listen, "--port", str(port),
            "--base-directory", str(base), "--disable-auto-launch", "--database-url", "sqlite:///:memory:",
            "--disable-api-nodes", "--disable-all-custom-nodes",
            "--whitelist-custom-nodes", PACK_NAME, "lanpaint_test_models"]


@contextlib.contextmanager
def running_server(base: Path, sources=PACK_SOURCES):
    comfy_dir = comfy_path()  # raises with set-up instructions when ComfyUI is missing
    if not (comfy_dir / "main.py").is_file():
        raise ServerError("ComfyUI tree at %s has no main.py; run `bash scripts/setup_env.sh` or set "
                          "COMFYUI_PATH to a full ComfyUI checkout" % comfy_dir)
    install_packs(base, sources)
    port = free_port()
    log_path = base / "server.log"
    # The repository root on PYTHONPATH lets the test pack import devtools; main.py's own folder
    # stays first on sys.path, so ComfyUI's nodes.py still wins over the pack's nodes/ package.
    pythonpath = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, PYTHONPATH=pythonpath, COMFYUI_PATH=str(comfy_dir),
               PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    log = open(log_path, "wb")
    proc = subprocess.Popen(server_command(port, base), cwd=str(comfy_dir), env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    srv = Server(proc, "http://127.0.0.1:%d" % port, base, log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise ServerError("ComfyUI server exited with code %s before becoming ready:\n%s"
                                  % (proc.returncode, srv.log_tail()))
            try:
                status, _ = srv.request("/object_info", timeout=5)
                if status == 200:
                    break
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise ServerError("ComfyUI server not ready after %d s:\n%s" % (READY_TIMEOUT_S, srv.log_tail()))
            time.sleep(0.5)
        yield srv
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
