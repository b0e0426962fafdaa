// Package search holds the adaptive searches of an experiment (TPE,
// multivariate TPE, Bayesian optimization, CMA-ES, Sobol, Hyperband and
// random) and its early stopping (median stopping): pure functions of the
// trials seen so far, with no client-go and no state of their own.
//
// A driver reads every trial of an experiment from its Jobs (parameters,
// suggestion index, final objective, per-step values and what the
// algorithm attached to the suggestion), passes them to Suggest and creates
// the trials it returns. An algorithm is deterministic for a seed: the same
// trials give the same suggestions, so a driver stopped and started again on
// another machine continues the same search.
//
// Objective values are handed over as the experiment's metric reports them
// together with its Goal; algorithms minimize internally (see Loss).
package search
