#!/usr/bin/python3
"""Optuna 3.1's side of `make bench-search` (hack/benchsearch).

Two modes, both speaking JSON:

  optuna_runner.py eval < points.json
      points.json is a list of {"function": NAME, "params": {...}}; prints the
      list of their values. Only the standard library is needed: the Go test
      TestFunctionsAgreeWithPython checks these definitions against
      functions.go.

  optuna_runner.py run --samplers tpe,random --functions branin --seeds 1,2 \
      --trials 60 --batch 3 [--sobol-scramble]
      prints {"optuna": VERSION}, then one JSON line per (sampler, function, seed):
      {"sampler", "function", "seed", "values": [value of trial 1..N], "seconds"}
      Trials are proposed in batches: study.ask() `batch` times, then the
      values are computed and study.tell() `batch` times, as a driver with
      parallelTrialCount `batch` proposes them.

The functions are the same as hack/benchsearch/functions.go, term by term.
"""

import argparse
import json
import math
import sys
import time

# --- The test functions (keep in step with functions.go) ---

BRANIN_A = 1.0
BRANIN_B = 5.1 / (4 * math.pi ** 2)
BRANIN_C = 5 / math.pi
BRANIN_R = 6.0
BRANIN_S = 10.0
BRANIN_T = 1 / (8 * math.pi)


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    return (
        BRANIN_A * (x2 - BRANIN_B * x1 * x1 + BRANIN_C * x1 - BRANIN_R) ** 2
        + BRANIN_S * (1 - BRANIN_T) * math.cos(x1)
        + BRANIN_S
    )


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def hartmann6(p):
    x = [p["x%d" % (j + 1)] for j in range(6)]
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            d = x[j] - HARTMANN_P[i][j] * 1e-4
            inner += HARTMANN_A[i][j] * d * d
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


MIXED_OFFSET = {"adam": 0.0, "rmsprop": 0.1, "sgd": 0.25}
MIXED_BASE_LR = {"adam": 3e-3, "rmsprop": 1e-3, "sgd": 3e-2}


def mixed(p):
    opt, lr, units, dropout = p["optimizer"], p["lr"], p["units"], p["dropout"]
    best_lr = MIXED_BASE_LR[opt] * math.sqrt(128.0 / units)
    best_dropout = 0.1 + 0.3 * (units - 16) / 240.0
    dl = math.log10(lr) - math.log10(best_lr)
    du = math.log2(units) - math.log2(100.0)
    dd = dropout - best_dropout
    return MIXED_OFFSET[opt] + 0.5 * dl * dl + 0.3 * du * du + 4.0 * dd * dd


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "mixed": mixed}


def distributions(name):
    """The search space of a function, as Optuna distributions."""
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if name == "branin":
        return {
            "x1": FloatDistribution(-5.0, 10.0),
            "x2": FloatDistribution(0.0, 15.0),
        }
    if name == "hartmann6":
        return {"x%d" % (j + 1): FloatDistribution(0.0, 1.0) for j in range(6)}
    if name == "mixed":
        return {
            "optimizer": CategoricalDistribution(["sgd", "adam", "rmsprop"]),
            "lr": FloatDistribution(1e-5, 1e-1, log=True),
            "units": IntDistribution(16, 256, step=16),
            "dropout": FloatDistribution(0.0, 0.5),
        }
    raise ValueError("unknown function %r" % name)


def sampler(name, seed, scramble):
    """The Optuna sampler our algorithm of the same role is compared with."""
    import optuna

    s = optuna.samplers
    if name == "tpe":
        return s.TPESampler(seed=seed)
    if name == "multivariate-tpe":
        return s.TPESampler(seed=seed, multivariate=True, warn_independent_sampling=False)
    if name == "cmaes":
        return s.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    if name == "sobol":
        return s.QMCSampler(
            qmc_type="sobol", scramble=scramble, seed=seed, warn_independent_sampling=False
        )
    if name == "random":
        return s.RandomSampler(seed=seed)
    raise ValueError("unknown sampler %r" % name)


def run_one(sampler_name, function, seed, trials, batch, scramble):
    import optuna

    study = optuna.create_study(sampler=sampler(sampler_name, seed, scramble))
    dists = distributions(function)
    f = FUNCTIONS[function]
    values = []
    while len(values) < trials:
        asked = [study.ask(dists) for _ in range(min(batch, trials - len(values)))]
        got = [f(t.params) for t in asked]
        for t, v in zip(asked, got):
            study.tell(t, v)
        values.extend(got)
    return values


def cmd_run(args):
    import warnings

    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # ExperimentalWarning of multivariate, QMC, CMA-ES
    print(json.dumps({"optuna": optuna.__version__}), flush=True)
    for name in args.samplers.split(","):
        for function in args.functions.split(","):
            for seed in [int(s) for s in args.seeds.split(",")]:
                t0 = time.process_time()
                values = run_one(name, function, seed, args.trials, args.batch, args.sobol_scramble)
                line = {
                    "sampler": name,
                    "function": function,
                    "seed": seed,
                    "values": values,
                    "seconds": time.process_time() - t0,
                }
                print(json.dumps(line), flush=True)


def cmd_eval(_args):
    points = json.load(sys.stdin)
    json.dump([FUNCTIONS[p["function"]](p["params"]) for p in points], sys.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--samplers", required=True)
    run.add_argument("--functions", required=True)
    run.add_argument("--seeds", required=True)
    run.add_argument("--trials", type=int, default=60)
    run.add_argument("--batch", type=int, default=3)
    run.add_argument("--sobol-scramble", action="store_true")
    run.set_defaults(func=cmd_run)
    sub.add_parser("eval").set_defaults(func=cmd_eval)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
