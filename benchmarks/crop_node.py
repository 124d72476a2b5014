"""LanPaint FLD Crop on big pictures: seconds, peak memory and how soon Cancel takes effect.

    python -m benchmarks.crop --part node      (writes benchmarks/results/crop_node.txt)

Each row runs LanPaint FLD Crop (and LanPaint FLD Stitch on its own crops) in a fresh process on a
seeded random picture: the 10 % offset disc of the speed part at the widgets' defaults and at their
maxima (read from the node's INPUT_TYPES), and the two cases the hostile-user campaign of issue 27
reported (a one-pixel mask grown by 128 on 1024^2; a 40 x 40 square feathered by 64 on 2048^2).
Seconds: Crop, then Stitch; peak: resident MiB above the start (devtools.measure.PeakMemory, glibc's
mmap threshold fixed as in the speed part). Cancel: a second process presses the host's interrupt
(comfy.model_management.interrupt_current_processing) 0.3 s into the Crop and reports how long the
node ran on after it. A case still running after TIMEOUT seconds is stopped and shown as such.
crop_node_before.txt is this benchmark run on the code before issue 27's fixes (its header names
that code's commit: square pooling windows, labelling at full resolution, no Cancel inside).
"""
import json
import math
import os
import subprocess
import sys
import threading
import time

from devtools.lanpaint_pack import REPO_ROOT

TIMEOUT = 150               # s per process
PRESS_AT = 0.3              # s into the Crop when Cancel is pressed
DISC_AREA, DISC_CENTRE = 0.10, (0.4, 0.6)
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}

# (label, picture side, mask, widget values other than the defaults; "maxima" = every widget at its max)
CASES = (
    ("one dot, grow 128", 1024, "dot", dict(padding=0, target_size=64, mask_grow=128)),
    ("40x40, feather 64", 2048, "square", dict(feather=64)),
    ("defaults", 2048, "disc", {}),
    ("defaults", 4096, "disc", {}),
    ("maxima", 2048, "disc", "maxima"),
    ("maxima", 4096, "disc", "maxima"),
    ("maxima, target 4096", 2048, "disc", dict(maxima=True, target_size=4096)),
    ("maxima, target 4096", 4096, "disc", dict(maxima=True, target_size=4096)),
)


def _widgets(node_class, changes) -> dict:
    """The Crop's widget values: defaults, the maxima, or the defaults with `changes`."""
    spec = node_class.INPUT_TYPES()
    inputs = {k: v for section in ("required", "optional") for k, v in spec[section].items() if v[0] == "INT"}
    values = {k: v[1]["default"] for k, v in inputs.items()}
    if changes == "maxima" or (isinstance(changes, dict) and changes.get("maxima")):
        values = {k: v[1]["max"] for k, v in inputs.items()}
    if isinstance(changes, dict):
        values.update({k: v for k, v in changes.items() if k != "maxima"})
    return values


def _mask(kind, side):
    import torch
    mask = torch.zeros(1, side, side)
    if kind == "dot":
        mask[0, side // 2, side // 2] = 1
    elif kind == "square":
        mask[0, side // 2 - 20:side // 2 + 20, side // 2 - 20:side // 2 + 20] = 1
    else:
        r = side * math.sqrt(DISC_AREA / math.pi)
        yy, xx = torch.meshgrid(torch.arange(side) + 0.5, torch.arange(side) + 0.5, indexing="ij")
        mask[0] = (((yy - DISC_CENTRE[0] * side) ** 2 + (xx - DISC_CENTRE[1] * side) ** 2) <= r * r).float()
    return mask


def worker(case_index: int, mode: str):
    """One case in this process: mode 'time' prints seconds and peak, 'cancel' the run-on after Cancel."""
    import torch
    torch.set_num_threads(1)
    from devtools.host.comfy_env import load_comfy
    from devtools.lanpaint_pack import load_pack
    from devtools.measure import PeakMemory
    mm = load_comfy().model_management
    nodes = load_pack().NODE_CLASS_MAPPINGS
    label, side, kind, changes = CASES[case_index]
    widgets = _widgets(nodes["LanPaintCrop"], changes)
    print("WIDGETS " + json.dumps(widgets), flush=True)   # read even when the run is stopped
    image = torch.rand(1, side, side, 3, generator=torch.Generator().manual_seed(0))
    mask = _mask(kind, side)
    crop, stitch = nodes["LanPaintCrop"](), nodes["LanPaintStitch"]()
    result = {"widgets": widgets}
    if mode == "time":
        with PeakMemory() as peak:
            t0, cpu0 = time.perf_counter(), time.process_time()
            try:
                images, _, record = crop.crop(image, mask, **widgets)
            except ValueError as e:
                result.update(refused=str(e), crop_s=time.perf_counter() - t0, cpu_s=time.process_time() - cpu0)
            else:
                t1, cpu1 = time.perf_counter(), time.process_time()
                stitch.stitch([record], images)
                result.update(crop_s=t1 - t0, cpu_s=cpu1 - cpu0, stitch_s=time.perf_counter() - t1,
                              crops=sum(i.shape[0] for i in images), size=tuple(images[0].shape[1:3]))
        result.update(peak_mib=peak.mib)
    else:
        pressed = []
        timer = threading.Timer(PRESS_AT, lambda: (pressed.append(time.perf_counter()),
                                                   mm.interrupt_current_processing(True)))
        t0 = time.perf_counter()
        timer.start()
        try:
            crop.crop(image, mask, **widgets)
            outcome = "finished"
        except mm.InterruptProcessingException:
            outcome = "cancelled"
        except ValueError:
            outcome = "refused"
        end = time.perf_counter()
        timer.cancel()
        mm.interrupt_current_processing(False)
        result.update(outcome=outcome, total_s=end - t0, after_press_s=(end - pressed[0]) if pressed else None)
    print("RESULT " + json.dumps(result), flush=True)


def _run(index, mode):
    """The worker's result, or {"widgets": ...} alone when it ran past TIMEOUT."""
    cmd = [sys.executable, "-m", "benchmarks.crop_node", str(index), mode]
    try:
        proc = subprocess.run(cmd, cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, **MALLOC_ENV, "OMP_NUM_THREADS": "1"})
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = (e.stdout.decode() if isinstance(e.stdout, bytes) else e.stdout or ""), "", None
    lines = {line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1]) for line in out.splitlines()
             if line.startswith(("WIDGETS ", "RESULT "))}
    if rc and "WIDGETS" not in lines:
        raise RuntimeError(f"crop_node worker {index} {mode} failed before the Crop:\n{err[-3000:]}")
    widgets = lines.get("WIDGETS", {})   # {} when it had not started the Crop by TIMEOUT (a loaded machine)
    if rc and "RESULT" not in lines:     # killed (out of memory) or crashed inside the Crop
        return {"widgets": widgets, "died": f"exit {rc}"}
    return lines.get("RESULT", {"widgets": widgets})


def _cancel_text(c) -> str:
    if "died" in c:
        return f"the process died ({c['died']})"
    if "outcome" not in c:
        return f"still running at {TIMEOUT} s"
    if c["outcome"] == "cancelled":
        return f"stopped {c['after_press_s']:.2f} s after"
    if c["after_press_s"] is None:
        return f"{c['outcome']} before the press"
    return f"{c['outcome']} {c['after_press_s']:.2f} s after"


def node(emit, args):
    commit = subprocess.run(["git", "log", "-1", "--format=%h", "--", "nodes", "lanpaint_core"], cwd=str(REPO_ROOT),
                            capture_output=True, text=True).stdout.strip()
    emit(f"== LanPaint FLD Crop node on big pictures (nodes/ and lanpaint_core/ as of {commit}), one process per "
         f"row, torch threads 1 ==")
    emit("crop s / stitch s: wall seconds of the Crop, then Stitch on its own crops; cpu s: the Crop's CPU seconds "
         "(one thread: what the Crop costs whatever else the machine runs); peak: resident MiB above the start; "
         f"cancel: Cancel pressed {PRESS_AT} s into the Crop. Masks: disc = {DISC_AREA:.0%} offset disc, dot = one "
         "pixel, square = 40x40 in the middle.")
    emit(f"{'case':<20} {'picture':>7} {'mask':>6} {'pad':>5} {'target':>6} {'grow':>4} {'fthr':>4} {'crops':>13} "
         f"{'crop s':>7} {'cpu s':>7} {'stitch s':>8} {'peak MiB':>8}  cancel")
    rows = []
    for index, (label, side, kind, _) in enumerate(CASES):
        timed, cancelled = _run(index, "time"), _run(index, "cancel")
        rows.append((label, side, timed, cancelled))
        w = {k: timed["widgets"].get(k, "?") for k in ("padding", "target_size", "mask_grow", "feather")}
        head = (f"{label:<20} {side:>7} {kind:>6} {w['padding']:>5} {w['target_size']:>6} {w['mask_grow']:>4} "
                f"{w['feather']:>4}")
        if "died" in timed:
            body = f"{'died':>13} {timed['died']:>7} {'':>7} {'':>8} {'':>8}"
        elif "crop_s" not in timed:
            body = f"{'':>13} {'> ' + str(TIMEOUT):>7} {'':>7} {'':>8} {'':>8}"
        elif "refused" in timed:
            body = f"{'refused':>13} {timed['crop_s']:>7.2f} {timed['cpu_s']:>7.2f} {'':>8} {timed['peak_mib']:>8.0f}"
        else:
            size = "%s x %dx%d" % (timed["crops"], *timed["size"])
            body = (f"{size:>13} {timed['crop_s']:>7.2f} {timed['cpu_s']:>7.2f} {timed['stitch_s']:>8.2f} "
                    f"{timed['peak_mib']:>8.0f}")
        emit(f"{head} {body}  {_cancel_text(cancelled)}")
        if "refused" in timed:
            emit(f"  refused: {timed['refused']}")
    return rows


if __name__ == "__main__":
    worker(int(sys.argv[1]), sys.argv[2])
