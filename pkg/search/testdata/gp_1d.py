# Reference values of a 1-D Gaussian process for gp_model_test.go, by
# Rasmussen & Williams (2006) Algorithm 2.1 in numpy, with the kernel
# amp * Matern52(r / length) + noise * I (+ 1e-10 on the diagonal, sklearn's
# alpha). Run with /usr/bin/python3 (numpy 1.24, scipy 1.10).
import numpy as np
from scipy.optimize import minimize

X = np.array([0.05, 0.2, 0.35, 0.5, 0.62, 0.8, 0.95])
Y = np.array([0.3, -0.8, -1.2, 0.1, 0.9, 1.5, -0.4])
XS = np.array([0.0, 0.2, 0.27, 0.5, 0.7, 1.0])
AMP, LENGTH, NOISE = 1.3, 0.2, 1e-3

def matern52(r):
    s = np.sqrt(5) * r
    return (1 + s + s * s / 3) * np.exp(-s)

def cov(a, b, amp, length):
    return amp * matern52(np.abs(a[:, None] - b[None, :]) / length)

def lml(theta):
    amp, length, noise = np.exp(theta)
    K = cov(X, X, amp, length) + (noise + 1e-10) * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, Y))
    return -0.5 * Y @ alpha - np.log(np.diag(L)).sum() - len(X) / 2 * np.log(2 * np.pi)

K = cov(X, X, AMP, LENGTH) + (NOISE + 1e-10) * np.eye(len(X))
L = np.linalg.cholesky(K)
alpha = np.linalg.solve(L.T, np.linalg.solve(L, Y))
ks = cov(X, XS, AMP, LENGTH)
mean = ks.T @ alpha
v = np.linalg.solve(L, ks)
var = AMP - (v * v).sum(axis=0)
print("mean", mean.tolist())
print("variance", var.tolist())
theta = np.log([AMP, LENGTH, NOISE])
print("lml", repr(lml(theta)))
eps = 1e-6
print("lml gradient", np.array([(lml(theta + eps * e) - lml(theta - eps * e)) / (2 * eps) for e in np.eye(3)]).tolist())

# The prior of Optuna's GPSampler (optuna/_gp/prior.py), in log space.
def log_prior(theta):
    amp, length, noise = np.exp(theta)
    lam = 1 / length**2
    return -(0.1 / lam + 0.1 * lam) + (2 - 1) * np.log(amp) - amp + (1.1 - 1) * np.log(noise) - 30 * noise

print("log prior", repr(log_prior(theta)))

# The maximum of the log marginal likelihood plus the log prior within
# skopt's bounds, from many starts.
bounds = np.log([(0.01, 1000), (0.01, 100), (1e-5, 1e5)])
rng = np.random.default_rng(0)
best = max(
    (-minimize(lambda t: -lml(t) - log_prior(t), x0, method="L-BFGS-B", bounds=bounds).fun
     for x0 in [np.zeros(3)] + [rng.uniform(bounds[:, 0], bounds[:, 1]) for _ in range(30)]),
)
print("max log posterior", repr(best))
