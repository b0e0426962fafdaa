"""Median simple regret of Optuna 3.1's TPESampler on Branin and Hartmann-6,
asked and told in batches, for comparison with pkg/search's tpe (main.go)."""
import math
import sys
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


H_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
H_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                       [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(H_ALPHA * np.exp(-np.sum(H_A * (x - H_P) ** 2, axis=1))))


def mixed(x):
    c, lr, units, y = x
    return {"a": 0.0, "b": 0.5, "c": 1.0}[c] + (math.log10(lr) + 2.5) ** 2 + ((units - 96) / 64) ** 2 + (y - 1) ** 2


PROBLEMS = {
    "branin": (branin, [(-5, 10), (0, 15)], 0.397887),
    "hartmann6": (hartmann6, [(0, 1)] * 6, -3.32237),
    "mixed": (mixed, None, 0.0),
}


def suggest(t, bounds):
    if bounds is not None:
        return [t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
    return [t.suggest_categorical("c", ["a", "b", "c"]), t.suggest_float("lr", 1e-4, 1, log=True),
            t.suggest_int("units", 16, 256, step=16), t.suggest_float("x", -5, 5)]


def run(problem, multivariate, seed, budget, batch):
    f, bounds, fmin = PROBLEMS[problem]
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=multivariate)
    study = optuna.create_study(sampler=sampler)
    best = math.inf
    done = 0
    while done < budget:
        k = min(batch, budget - done)
        trials = [study.ask() for _ in range(k)]
        xs = [suggest(t, bounds) for t in trials]
        for t, x in zip(trials, xs):
            v = f(x)
            best = min(best, v)
            study.tell(t, v)
        done += k
    return best - fmin


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    for problem in sys.argv[3:] or PROBLEMS:
        for mv in (False, True):
            regrets = [run(problem, mv, s, budget, 3) for s in range(seeds)]
            name = "multivariate-tpe" if mv else "tpe"
            print(f"{problem} {name} median regret {np.median(regrets):.6g}")
