"""Tune LanPaint's defaults with the exactness benchmark (benchmarks/exactness.py).

    python -m benchmarks.tune [--steps 20] [--inner 5] [--samples 20000] [--seeds 1]
                              [--joint] [--set name=value ...] [--check]

Default mode: one-at-a-time sweeps of step_size, friction, lam, beta and early_stop around the
current base point (LanPaintParams defaults, overridable with --set; friction only acts with
--set scheme=sho) for LanPaint at
S steps x N thinking steps, on both datasets and both parameterisations. Prints KL per
panel; the reference rows give Replace (S (N + 1) Euler steps) and plain Langevin (ou, lam 0)
at the same call budget.
--joint: a step_size x beta x lam grid instead.
--check: KL of the base point over the steps x inner grid of exactness.py (monotonicity).
"""
import argparse
import itertools
import time

import torch

from . import exactness as E

SWEEPS = {
    "step_size": (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.3, 1.5, 1.7, 1.9),  # lm: stable below 2
    "friction": (2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0),
    "lam": (0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 16.0),
    "beta": (0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    "early_stop": (0, 1, 2, 3),
}
JOINT = {"step_size": (0.5, 1.0, 1.5, 1.9), "beta": (0.5, 1.0, 2.0), "lam": (4.0, 8.0, 16.0)}


def panels(n_samples):
    return [(prob, pname, flow, sched) for prob in E.make_problems(n_samples)
            for pname, flow, sched in E.PARAMETERISATIONS]


def kl(panel, method, steps, inner, n, seeds, **params):
    prob, _, flow, sched = panel
    vals = [E.run_one(prob, flow, sched, method, steps, inner, n, seed=E.SEED + k, **params)[0]
            for k in range(seeds)]
    return sum(vals) / len(vals)


def row(label, vals):
    return f"{label:<28}" + " ".join(f"{E.fmt(v):>9}" for v in vals)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--inner", type=int, default=5)
    ap.add_argument("--samples", type=int, default=20000)
    ap.add_argument("--seeds", type=int, default=1, help="average the KL over this many seeds")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--joint", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated parameters to sweep")
    ap.add_argument("--set", nargs="*", default=[], help="base point overrides, e.g. step_size=0.3")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    base = E.parse_overrides(args.set)
    S, N, n = args.steps, args.inner, args.samples
    ps = panels(n)
    t0 = time.perf_counter()
    header = row("", []) + " ".join(f"{p[0].name[:3] + '/' + p[1]:>9}" for p in ps)
    print(f"LanPaint, {S} steps x {N} inner, {n} samples, {args.seeds} seed(s); base = defaults + {base}")
    print(header)
    print(row("floor (exact samples)", [E.exact_floor(p[0], n) for p in ps]))
    print(row(f"Replace ({S * (N + 1)} steps)", [kl(p, "Replace", S, N, n, args.seeds) for p in ps]))
    print(row("Langevin (ou, lam 0)", [kl(p, "Langevin", S, N, n, args.seeds, **base) for p in ps]))
    print(row("base", [kl(p, "LanPaint", S, N, n, args.seeds, **base) for p in ps]), flush=True)
    if args.check:
        for steps, inner in itertools.product(E.STEPS, E.INNER[1:]):
            print(row(f"S={steps} N={inner}", [kl(p, "LanPaint", steps, inner, n, args.seeds, **base)
                                                for p in ps]), flush=True)
    elif args.joint:
        for combo in itertools.product(*JOINT.values()):
            params = dict(base, **dict(zip(JOINT, combo)))
            label = " ".join(f"{k[:4]}={v:g}" for k, v in zip(JOINT, combo))
            print(row(label, [kl(p, "LanPaint", S, N, n, args.seeds, **params) for p in ps]), flush=True)
    else:
        names = args.only.split(",") if args.only else list(SWEEPS)
        for name in names:
            for value in SWEEPS[name]:
                params = dict(base, **{name: value})
                print(row(f"{name}={value:g}", [kl(p, "LanPaint", S, N, n, args.seeds, **params)
                                               for p in ps]), flush=True)
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
