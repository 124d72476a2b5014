"""Quality per model call: LanPaint FLD's thinking schedules, on the analytic cases (KL) and on the demo model (MAE).

    python -m benchmarks.thinking_cost [--part analytic|demo|all] [--quick] [--samples N] [--scenes 24]
                                       [--out benchmarks/results] [--plot docs/thinking_cost.png]

Schedules, all at 20 steps and every other knob at its default (lanpaint_core.LanPaintParams; the rule
of how many thinking steps step i gets is LanPaintParams.thinking_steps):
- uniform: 0, 1, 2, 3, 5 (the default), 8 thinking steps at every step;
- falling: thinking that tapers as the noise falls, ceil(N (20 - i) / 20) at step i, N = 3, 5, 8;
- late start: no thinking for the first 40 / 50 / 60 % of the steps (think_from), 5 after;
- adaptive: up to 5, a step's thinking ending once the x0 estimate moves by less than a tolerance
  (stop_tolerance 0.1 / 0.2 / 0.4, root mean square in latent units).
Goal (issue 17): a schedule within 10 % of the default's KL (analytic) and 5 % of its MAE (demo model)
at no more than half its model calls, on every case. The verdict is printed and written.

Analytic: the 2-D Gaussian and mixture of benchmarks/exactness.py on VE and flow, and the 16-D and
64-D Gaussians of benchmarks/baseline_kl.py. Demo: held-out scenes under the paper's four mask types
through the real host (benchmarks/paper_table.py's harness and metrics).
Writes thinking_cost.txt under --out and the plot.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import torch

import lanpaint_core as lp

from . import exactness as ex
from .baseline_kl import ND_CASES, nd_case, two_d_case

REPO_ROOT = Path(__file__).resolve().parents[1]
STEPS = 20
DEFAULT = ("uniform", 5, ())
SCHEDULES = (
    [("uniform", n, ()) for n in (0, 1, 2, 3, 5, 8)]
    + [("falling", n, (("taper", "falling"),)) for n in (3, 5, 8)]
    + [("late start", 5, (("think_from", f),)) for f in (0.4, 0.5, 0.6)]
    + [("adaptive", 5, (("stop_tolerance", t),)) for t in (0.1, 0.2, 0.4)]
)
KL_TOLERANCE, MAE_TOLERANCE = 1.10, 1.05


def label(schedule) -> str:
    family, n, knobs = schedule
    return f"{family} {n}" + "".join(f" {k}={v}" for k, v in knobs if k != "taper")


def settings(schedule) -> dict:
    _, n, knobs = schedule
    return dict(thinking_steps=n, **dict(knobs))


# ----------------------------------------------------------------------------- analytic
def analytic_cases(n):
    """[(name, flow, schedule, make)] with make() -> (calls, denoise, latent, mask, metric)."""
    problems = ex.make_problems(n)
    cases = []
    for problem in problems:
        for pname, flow, schedule in ex.PARAMETERISATIONS:
            cases.append((f"{problem.name} / {pname}", flow, schedule,
                          lambda problem=problem, flow=flow: two_d_case(problem, flow, n)))
    for case in ND_CASES:
        for pname, flow, schedule in ex.PARAMETERISATIONS:
            cases.append((f"{case.name.split(',')[0]} / {pname}", flow, schedule,
                          lambda case=case, flow=flow: nd_case(case, flow, n)))
    return cases


def run_analytic(n, emit) -> dict:
    """{case: {schedule label: (KL, calls)}}."""
    out = {}
    emit(f"== analytic cases: KL / model calls ({n} samples, seed {ex.SEED}) ==")
    cases = analytic_cases(n)
    emit(f"{'schedule':<28}" + "".join(f"{name:>26}" for name, *_ in cases))
    for sched in SCHEDULES:
        cells = []
        for name, flow, schedule, make in cases:
            calls, denoise, latent, mask, metric = make()
            res = lp.inpaint(denoise, latent, mask, schedule(STEPS), flow=flow,
                             generator=torch.Generator().manual_seed(ex.SEED), **settings(sched))
            out.setdefault(name, {})[label(sched)] = (metric(res), calls[0])
            cells.append(f"{ex.fmt(metric(res))} / {calls[0]}")
        emit(f"{label(sched):<28}" + "".join(f"{c:>26}" for c in cells))
    return out


# ----------------------------------------------------------------------------- demo model
def run_demo(n_scenes, kinds, seed, emit) -> dict:
    """{kind: {schedule label: (MAE, calls per picture)}}."""
    from .paper_table import LANPAINT, Config, decode, load_scenes, measure, sample_kinds
    sc = load_scenes(n_scenes, kinds)
    out = {}
    emit(f"== demo model: MAE in the hole / model calls per picture ({n_scenes} held-out scenes per mask) ==")
    emit(f"{'schedule':<28}" + "".join(f"{k:>20}" for k in kinds) + f"{'s / picture':>14}")
    for sched in SCHEDULES:
        t0 = time.perf_counter()
        results = sample_kinds(sc, Config(label(sched), LANPAINT, STEPS, settings(sched)), seed)
        cells = []
        for kind, (samples, calls, _) in results.items():
            mae = measure(decode(sc, samples), sc, kind)["mae"]
            out.setdefault(kind, {})[label(sched)] = (mae, calls)
            cells.append(f"{mae:.4f} / {calls:.0f}")
        secs = (time.perf_counter() - t0) / (n_scenes * len(kinds))
        emit(f"{label(sched):<28}" + "".join(f"{c:>20}" for c in cells) + f"{secs:>14.3f}")
    return out


# ----------------------------------------------------------------------------- verdict and plot
def verdict(tables: dict, emit):
    """Schedules within tolerance of the default at no more than half its calls on every case."""
    ref = label(DEFAULT)
    emit()
    emit(f"== goal: within {KL_TOLERANCE - 1:.0%} of the default's KL / {MAE_TOLERANCE - 1:.0%} of its MAE "
         f"at <= half its calls, on every case ==")
    winners = []
    for sched in SCHEDULES:
        name = label(sched)
        if name == ref:
            continue
        over, worse = [], []
        for _, tolerance, table in tables:
            for case, rows in table.items():
                (q, calls), (q_ref, calls_ref) = rows[name], rows[ref]
                if calls > calls_ref / 2:
                    over.append(case)
                elif not q <= tolerance * q_ref:
                    worse.append(f"{case} {q:.4f} vs {q_ref:.4f} (x{q / q_ref:.2f})")
        if not over and not worse:
            winners.append(name)
        elif over:
            emit(f"{name:<30} more than half the default's calls on {len(over)} cases")
        else:
            emit(f"{name:<30} within the calls; outside the tolerance on {len(worse)}: {'; '.join(worse)}")
    emit(f"meets the goal on every case: {', '.join(winners) if winners else 'none'}")
    return winners


def plot(tables, path: Path):
    from .paper_table import save_figure
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    panels = [(metric_name, case, rows) for metric_name, _, table in tables for case, rows in table.items()]
    ncol = 4
    nrow = (len(panels) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.0 * ncol, 3.3 * nrow), squeeze=False)
    colours = dict(zip(("uniform", "falling", "late start", "adaptive"),
                       plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    ref = label(DEFAULT)
    for ax, (metric_name, case, rows) in zip(axes.flat, panels):
        for family, colour in colours.items():
            pts = sorted((rows[label(s)][1], rows[label(s)][0]) for s in SCHEDULES if s[0] == family)
            ax.plot(*zip(*pts), "o-" if family in ("uniform", "falling") else "s", color=colour, ms=4, label=family)
        q_ref, calls_ref = rows[ref]
        tol = KL_TOLERANCE if metric_name == "KL" else MAE_TOLERANCE
        ax.axvline(calls_ref / 2, color="grey", lw=0.8, ls=":")
        ax.axhline(q_ref * tol, color="grey", lw=0.8, ls="--")
        ax.set_yscale("log" if metric_name == "KL" else "linear")
        ax.set_title(f"{case} ({metric_name})", fontsize=9)
        ax.set_xlabel("model calls", fontsize=8)
        ax.grid(True, which="both", alpha=0.2)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, title="dotted: half the default's calls\ndashed: default x tolerance",
                        title_fontsize=6)
    save_figure(fig, path, dpi=100)


def main(argv=None):
    from .paper_table import PAPER_KINDS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("analytic", "demo", "all"), default="all")
    ap.add_argument("--quick", action="store_true", help="5000 samples, 2 scenes")
    ap.add_argument("--samples", type=int, default=None, help="analytic samples per run (default 20000)")
    ap.add_argument("--scenes", type=int, default=None, help="held-out scenes per mask type (default 24)")
    ap.add_argument("--kinds", nargs="+", default=list(PAPER_KINDS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results")
    ap.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "thinking_cost.png")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    lines = []

    def emit(s=""):
        print(s, flush=True)
        lines.append(s)

    t0 = time.time()
    tables = []
    if args.part in ("analytic", "all"):
        tables.append(("KL", KL_TOLERANCE, run_analytic(args.samples or (5000 if args.quick else 20000), emit)))
        emit()
    if args.part in ("demo", "all"):
        tables.append(("MAE", MAE_TOLERANCE, run_demo(args.scenes or (2 if args.quick else 24), args.kinds,
                                                      args.seed, emit)))
    verdict(tables, emit)
    emit(f"(total {time.time() - t0:.0f} s)")
    args.out.mkdir(parents=True, exist_ok=True)
    name = "thinking_cost.txt" if args.part == "all" else f"thinking_cost_{args.part}.txt"
    (args.out / name).write_text("\n".join(lines) + "\n")
    plot(tables, args.plot)
    print(f"wrote {args.out / name}, {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
