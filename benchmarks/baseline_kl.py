"""The baselines on the analytic cases: KL to the exact conditional at their paper settings and at equal
model calls, next to LanPaint FLD, so that a weak baseline is a measured fact and not a bug.

    python -m benchmarks.baseline_kl [--quick] [--samples N] [--out DIR]

Cases: the 2-D Gaussian and the 25-component mixture of benchmarks/exactness.py (its metrics and exact
denoisers) on VE (SDXL's Karras sigmas) and flow (shift 3), and two many-dimensional Gaussians
(16-D wishart, 4 regenerated; 64-D field, 8 regenerated; moment-fitted Gaussian KL). Budgets: the
paper settings at 20 steps, then 40 / 60 / 120 / 220 model calls = LanPaint FLD at 20 steps x 1 / 2 /
5 / 10 thinking steps; the other methods spend the same calls as benchmarks.baselines says (more
steps, or for RePaint more resampling); last, "tuned": DPS's and MCG's step and CoPaint's learning rate
at their best value for the case at 120 calls. Writes results/baseline_kl.txt.
"""
import argparse
import os
import time

import torch

import lanpaint_core as lp

from . import exactness as ex
from .baselines import BASELINES

STEPS = 20
THINKING = (1, 2, 5, 10)           # LanPaint's budgets: STEPS * (N + 1) calls
QUICK_THINKING = (2, 5)
ND_CASES = (ex.GaussianCase(16, 4, "wishart", 0), ex.GaussianCase(64, 8, "field", 0))
LANPAINT = "LanPaint FLD"
# The gradient methods' step is tuned for images of ~10^5 pixels and ~10^3 steps (a normalised push per
# step); on small cases and short schedules it over- or under-shoots. The "tuned" column gives each its
# best value on the case itself (an oracle: it sees the exact answer) at LanPaint FLD 5's budget.
TUNED_KNOB = {"DPS": ("step", (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)), "MCG": ("step", (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)),
              "CoPaint": ("lr", (0.005, 0.02, 0.05, 0.2, 0.5))}
TUNED_THINKING = 5


def run_method(name, denoise, latent, mask, schedule, flow, steps, settings, seed=ex.SEED):
    gen = torch.Generator().manual_seed(seed)
    if name == LANPAINT:
        return lp.inpaint(denoise, latent, mask, schedule(steps), flow=flow, generator=gen, **settings)
    return BASELINES[name].run(denoise, latent, mask, schedule(steps), flow=flow, generator=gen, **settings)


def budgets(thinking):
    """[(label, {method: (steps, settings)})]: the paper settings, then each equal-call budget."""
    paper = {name: b.paper(STEPS) for name, b in BASELINES.items()}
    paper[LANPAINT] = (STEPS, dict(thinking_steps=5))
    out = [("paper", paper)]
    for n in thinking:
        calls = STEPS * (n + 1)
        row = {name: b.at_calls(calls, STEPS) for name, b in BASELINES.items()}
        row[LANPAINT] = (STEPS, dict(thinking_steps=n))
        out.append((f"{calls} calls", row))
    return out


def two_d_case(problem, flow, n):
    """(call counter, denoise, latent, mask, metric of the output) of a 2-D panel of benchmarks/exactness.py."""
    calls = [0]
    latent = torch.zeros(n, 2)
    latent[:, 1] = problem.y_obs
    return (calls, ex.fast_denoiser(problem.gmm, flow, calls), latent, torch.tensor([[1.0, 0.0]]),
            lambda out: problem.metric(out[:, 0]))


def nd_case(case, flow, n):
    calls = [0]
    denoise, latent, mask, regen, mean, cov = ex.gaussian_case_problem(case, flow, n, calls)
    return calls, denoise, latent, mask, lambda x: ex.gaussian_scores(x[:, regen], mean, cov)[0]


def measure(m, make, schedule, flow, steps, settings):
    """(KL, model calls) of one run."""
    calls, denoise, latent, mask, metric = make()
    out = run_method(m, denoise, latent, mask, schedule, flow, steps, settings)
    keep = mask.expand_as(latent) < 0.5
    if not torch.equal(out[keep], latent[keep]):
        raise AssertionError(f"{m}: the kept region changed")
    return (metric(out) if torch.isfinite(out).all() else float("nan")), calls[0]


def tuned(m, make, schedule, flow):
    """'KL / calls @ knob=value' at the best value of TUNED_KNOB[m] at STEPS * (TUNED_THINKING + 1) calls."""
    if m not in TUNED_KNOB:
        return "-"
    knob, grid = TUNED_KNOB[m]
    steps, settings = BASELINES[m].at_calls(STEPS * (TUNED_THINKING + 1), STEPS)
    runs = [(measure(m, make, schedule, flow, steps, {**settings, knob: v}), v) for v in grid]
    (kl, calls), value = min(runs, key=lambda r: (r[0][0] != r[0][0], r[0][0]))  # NaN last
    return f"{ex.fmt(kl)} / {calls} @{knob}={value}"


def panel(title, make, flow, schedule, plan, emit):
    """One table: rows = methods, columns = budgets (and the tuned column); each cell KL / model calls."""
    methods = (LANPAINT,) + tuple(BASELINES)
    emit()
    emit(f"== {title} ==")
    emit(f"{'method':<14}" + "".join(f"{label:>22}" for label, _ in plan) + f"{'tuned':>32}")
    t0 = time.perf_counter()
    for m in methods:
        cells = [measure(m, make, schedule, flow, *row[m]) for _, row in plan]
        emit(f"{m:<14}" + "".join(f"{ex.fmt(kl) + ' / ' + str(calls):>22}" for kl, calls in cells)
             + f"{tuned(m, make, schedule, flow):>32}")
    emit(f"({time.perf_counter() - t0:.0f} s)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="two budgets, 5000 samples, no many-dimensional cases")
    ap.add_argument("--samples", type=int, default=None, help="samples per run (default 20000, quick 5000)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    n = args.samples or (5000 if args.quick else 20000)
    plan = budgets(QUICK_THINKING if args.quick else THINKING)
    lines = []

    def emit(s=""):
        print(s, flush=True)
        lines.append(s)

    emit(f"Baselines on the analytic cases: KL to the exact conditional / model calls ({n} samples, seed {ex.SEED}).")
    emit("Columns: each method at its paper settings (20 steps; LanPaint FLD at 20 x 5), then at equal model calls "
         "(LanPaint FLD 20 x N; the others more steps, RePaint more resampling).")
    start = time.perf_counter()
    for problem in ex.make_problems(n):
        for pname, flow, schedule in ex.PARAMETERISATIONS:
            floor = ex.exact_floor(problem, n)
            panel(f"{problem.name} / {pname} (exact-sample floor {floor:.4f})",
                  lambda: two_d_case(problem, flow, n), flow, schedule, plan, emit)
    if not args.quick:
        for case in ND_CASES:
            for pname, flow, schedule in ex.PARAMETERISATIONS:
                floor = ex.gaussian_case_floor(case, n)[0]
                panel(f"{case.name} / {pname} (exact-sample floor {floor:.4f})",
                      lambda: nd_case(case, flow, n), flow, schedule, plan, emit)
    emit()
    emit(f"total {time.perf_counter() - start:.0f} s")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "baseline_kl.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
