"""Prints the expected values of pkg/search/tpe_test.go and parzen_test.go,
computed by Optuna 3.1.0's own functions (run with /usr/bin/python3)."""
import math
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe import sampler as tpe
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.trial import TrialState, create_trial

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.WARNING)
np.set_printoptions(precision=17, linewidth=200)


def split():
    # 30 finished trials (gamma: ceil(0.1*30) = 4 in floating point), with
    # ties, pruned trials at several steps, a failed and a running one.
    study = optuna.create_study(direction="maximize")
    dist = {"x": FloatDistribution(0, 1)}
    values = [0.5, 0.9, 0.1, 0.9, 0.7, 0.3, 0.95, 0.2, 0.6, 0.4,
              0.8, 0.85, 0.05, 0.65, 0.55, 0.45, 0.35, 0.25, 0.15, 0.75,
              0.12, 0.22, 0.32, 0.42, 0.52, 0.62]
    pruned = {26: {1: 0.99, 3: 0.97}, 27: {3: 0.1}, 28: {5: 0.2}, 29: {}}
    n = 0
    for i in range(32):
        if i < 26:
            study.add_trial(create_trial(state=TrialState.COMPLETE, value=values[i], params={"x": 0.5}, distributions=dist))
        elif i in pruned:
            study.add_trial(create_trial(state=TrialState.PRUNED, params={"x": 0.5}, distributions=dist, intermediate_values=pruned[i]))
        elif i == 30:
            study.add_trial(create_trial(state=TrialState.FAIL, params={"x": 0.5}, distributions=dist))
        else:
            study.add_trial(create_trial(state=TrialState.RUNNING, params={"x": 0.5}, distributions=dist))
    _, scores, _ = tpe._get_observation_pairs(study, ["x"])
    n = len(scores)
    below, above = tpe._split_observation_pairs(scores, tpe.default_gamma(n), None)
    print("split n", n, "gamma", tpe.default_gamma(n), "below", list(below), "above", list(above))
    below, above = tpe._split_observation_pairs(scores, 28, None)
    print("split 28 below", list(below), "above", list(above))
    for k in (5, 24, 25, 26, 27, 30):
        print("default_weights", k, list(tpe.default_weights(k)))
    for k in (10, 30, 100, 1000):
        print("gamma", k, tpe.default_gamma(k), tpe.hyperopt_default_gamma(k))


SPACE = {
    "f": FloatDistribution(-5, 10),
    "lg": FloatDistribution(1e-4, 1e-1, log=True),
    "i": IntDistribution(1, 10, step=2),
    "c": CategoricalDistribution(["a", "b", "c"]),
    "li": IntDistribution(1, 64, log=True),
}
OBS = {
    "f": [1.0, -2.5, 7.0, 7.0, 3.2],
    "lg": [1e-3, 5e-2, 2e-4, 2e-4, 1e-2],
    "i": [3, 5, 9, 1, 3],
    "c": [0, 2, 2, 1, 2],
    "li": [2, 60, 7, 1, 7],
}
POINTS = {"f": 6.5, "lg": 3e-3, "i": 5, "c": 2, "li": 8}


def parzen():
    params = _ParzenEstimatorParameters(True, 1.0, True, False, tpe.default_weights, False)
    for name in SPACE:
        pe = _ParzenEstimator({name: np.asarray(OBS[name], dtype=float)}, {name: SPACE[name]}, params)
        print("univariate", name, "weights", list(pe._weights))
        if pe._mus[name] is not None:
            print("  low", pe._low[name], "high", pe._high[name])
            print("  mus", list(pe._mus[name]))
            print("  sigmas", list(pe._sigmas[name]))
        else:
            print("  cats", pe._categorical_weights[name].tolist())
        x = POINTS[name]
        print("  logpdf", x, list(pe.log_pdf({name: np.asarray([x], dtype=int if name == "c" else float)})))
    params = _ParzenEstimatorParameters(True, 1.0, True, False, tpe.default_weights, True)
    pe = _ParzenEstimator({k: np.asarray(v, dtype=float) for k, v in OBS.items()}, SPACE, params)
    print("multivariate weights", list(pe._weights))
    for name in SPACE:
        if pe._mus[name] is not None:
            print("  ", name, "sigmas", list(pe._sigmas[name]))
    pts = {k: np.asarray([v], dtype=int if k == "c" else float) for k, v in POINTS.items()}
    print("multivariate logpdf", list(pe.log_pdf(pts)))


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def suggestions(seeds=1000):
    """Quantiles (10%, 50%, 90%) of the next suggestion after a fixed
    history of 20 Branin trials, over TPESampler seeds 0..seeds-1 (slow)."""
    rng = np.random.RandomState(0)
    hist = [(float(rng.uniform(-5, 10)), float(rng.uniform(0, 15))) for _ in range(20)]
    print("branin history", hist)
    dist = {"x": FloatDistribution(-5, 10), "y": FloatDistribution(0, 15)}
    for mv in (False, True):
        xs = []
        for seed in range(seeds):
            study = optuna.create_study(sampler=tpe.TPESampler(seed=seed, multivariate=mv))
            for a, b in hist:
                study.add_trial(create_trial(value=branin(a, b), params={"x": a, "y": b}, distributions=dist))
            t = study.ask()
            xs.append((t.suggest_float("x", -5, 10), t.suggest_float("y", 0, 15)))
        xs = np.asarray(xs)
        print("multivariate" if mv else "univariate", "quantiles x", np.percentile(xs[:, 0], [10, 50, 90]).round(3),
              "y", np.percentile(xs[:, 1], [10, 50, 90]).round(3))


split()
parzen()
suggestions()
