"""A real ComfyUI server round trip with the LanPaint pack installed as a custom node.

Starts ``main.py`` of the ComfyUI tree (COMFYUI_PATH, else .cache/ComfyUI-0.3.75) on a free port
with a throwaway base directory whose custom_nodes/ holds a copy of this pack (``LanPaint``) and
the test-only pack devtools/tiny_pack (``lanpaint_test_models``: tiny seeded models, conditioning
and masked latents). Then: the LanPaint nodes in /object_info with tooltips on every input,
a LanPaint KSampler prompt run to a saved latent, and a prompt with an out-of-range input
rejected by the server's validation with a 400 naming the node and input.
"""
import time

import pytest
import torch


torch.set_num_threads(1)

LANPAINT_NODES = ("LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint",
                  "LanPaintMaskBlend", "LanPaintVideoMask", "LanPaintDemoModelLoader", "LanPaintDemoScene",
                  "LanPaintCrop", "LanPaintStitch", "LanPaintDemoVideoModelLoader", "LanPaintDemoClip")
# load the shipped demo models: nothing to choose
INPUTLESS_NODES = ("LanPaintDemoModelLoader", "LanPaintDemoVideoModelLoader")
TEST_NODES = ("LanPaintTestTinyModel", "LanPaintTestConditioning", "LanPaintTestLatent")
RUN_TIMEOUT_S = 60
LATENT_SEED = 5


@pytest.fixture(scope="module")
def server(comfy_server):
    return comfy_server


def _prompt(thinking_steps=2, seed=42):
    return {
        "1": {"class_type": "LanPaintTestTinyModel", "inputs": {"family": "sdxl", "seed": 0}},
        "2": {"class_type": "LanPaintTestConditioning", "inputs": {"family": "sdxl", "seed": 1}},
        "3": {"class_type": "LanPaintTestLatent",
              "inputs": {"family": "sdxl", "width": 128, "height": 128, "batch": 1, "seed": LATENT_SEED}},
        "4": {"class_type": "LanPaintKSampler",
              "inputs": {"model": ["1", 0], "seed": seed, "steps": 3, "cfg": 3.0, "sampler_name": "euler",
                         "scheduler": "normal", "positive": ["2", 0], "negative": ["2", 1],
                         "latent_image": ["3", 0], "denoise": 1.0, "thinking_steps": thinking_steps,
                         "prompt_mode": "Image First"}},
        "5": {"class_type": "SaveLatent",
              "inputs": {"samples": ["4", 0], "filename_prefix": "latents/lanpaint_server_test"}},
    }


def _object_info(server):
    status, info = server.request("/object_info")
    assert status == 200, status
    return info


def test_object_info_lists_lanpaint_nodes(server):
    with server.explain():
        info = _object_info(server)
        log = server.log_path.read_text(errors="replace")
        custom = str(server.base / "custom_nodes")
        failed = [line for line in log.splitlines()
                  if custom in line and ("IMPORT FAILED" in line or "Cannot import" in line)]
        assert not failed, "a custom node pack failed to import: %s" % failed
        for node in TEST_NODES:
            assert node in info, "test pack node %s missing" % node
        for node in LANPAINT_NODES:
            assert node in info, "LanPaint node %s missing from /object_info" % node
            spec = info[node]
            inputs = _inputs(spec)
            assert inputs or node in INPUTLESS_NODES, "%s has no inputs" % node
            listed = [n for section in spec["input_order"].values() for n in section]
            assert sorted(listed) == sorted(inputs), (node, listed, list(inputs))
            assert spec["category"] and spec["display_name"], node
        ks = info["LanPaintKSampler"]["input"]["required"]
        for name in ("model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative",
                     "latent_image", "denoise", "thinking_steps", "prompt_mode"):
            assert name in ks, "LanPaintKSampler lacks input %s" % name
        assert ks["thinking_steps"][0] == "INT" and ks["thinking_steps"][1]["max"] < 1000


def _inputs(spec):
    inputs = {}
    for section in ("required", "optional"):
        inputs.update(spec["input"].get(section, {}))
    return inputs


def test_every_lanpaint_input_has_a_tooltip(server):
    with server.explain():
        info = _object_info(server)
        missing = []
        for node in LANPAINT_NODES:
            for name, entry in _inputs(info[node]).items():
                opts = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
                if not opts.get("tooltip"):
                    missing.append("%s.%s" % (node, name))
        assert not missing, "LanPaint inputs without a tooltip: %s" % missing


def _wait_history(server, prompt_id):
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        status, hist = server.request("/history/%s" % prompt_id)
        assert status == 200
        entry = hist.get(prompt_id) if isinstance(hist, dict) else None
        if entry and entry.get("status", {}).get("completed") is not None \
                and (entry["status"]["completed"] or entry["status"].get("status_str") == "error"):
            return entry
        if server.proc.poll() is not None:
            raise AssertionError("server died while running the prompt (code %s)" % server.proc.returncode)
        time.sleep(0.25)
    raise AssertionError("prompt %s not finished after %d s" % (prompt_id, RUN_TIMEOUT_S))


def _run(server, prompt):
    """Queue `prompt`, wait for it, return the latent its SaveLatent node wrote."""
    from safetensors.torch import load_file

    status, body = server.request("/prompt", {"prompt": prompt, "client_id": "lanpaint-test"})
    assert status == 200, body
    assert not body.get("node_errors"), body
    entry = _wait_history(server, body["prompt_id"])
    st = entry["status"]
    assert st.get("status_str") == "success" and st.get("completed") is True, st
    files = entry["outputs"]["5"]["latents"]
    assert len(files) == 1, files
    f = files[0]
    path = server.base / "output" / f["subfolder"] / f["filename"]
    assert path.is_file(), "output latent %s not written" % path
    return load_file(str(path))["latent_tensor"]


def test_lanpaint_ksampler_prompt_round_trip(server):
    with server.explain():
        out = _run(server, _prompt(thinking_steps=2))
        assert out.shape == (1, 4, 16, 16) and torch.isfinite(out).all(), out.shape
        # the kept (left) half is the input latent, the masked (right) half was regenerated
        lat = torch.randn((1, 4, 16, 16), generator=torch.Generator().manual_seed(LATENT_SEED))
        torch.testing.assert_close(out[..., :8], lat[..., :8], rtol=1e-5, atol=1e-5)
        assert (out[..., 8:] - lat[..., 8:]).abs().mean() > 0.05
        # the thinking steps took effect: 0 thinking steps (plain masked sampling) differs
        plain = _run(server, _prompt(thinking_steps=0))
        torch.testing.assert_close(plain[..., :8], lat[..., :8], rtol=1e-5, atol=1e-5)
        assert (out[..., 8:] - plain[..., 8:]).abs().max() > 1e-3


def test_out_of_range_input_rejected_with_400(server):
    with server.explain():
        status, body = server.request("/prompt", {"prompt": _prompt(thinking_steps=1000)})
        assert status == 400, (status, body)
        errs = body["node_errors"]
        assert "4" in errs and errs["4"]["class_type"] == "LanPaintKSampler", errs
        (err,) = [e for e in errs["4"]["errors"] if e.get("extra_info", {}).get("input_name") == "thinking_steps"]
        assert err["type"] == "value_bigger_than_max", err
        assert "1000" in err["message"] and err["extra_info"]["received_value"] == 1000, err
        # an invalid combo value is rejected the same way
        bad = _prompt()
        bad["4"]["inputs"]["prompt_mode"] = "Mask First"
        status, body = server.request("/prompt", {"prompt": bad})
        assert status == 400, (status, body)
        names = [e.get("extra_info", {}).get("input_name") for e in body["node_errors"]["4"]["errors"]]
        assert "prompt_mode" in names, body
