// Package drive runs an adaptive search against the cluster: it reads the
// experiment's trials from their Jobs, asks the search algorithm for the
// next ones, creates them, stops the ones the early-stopping rule names and
// records each finished trial's objective on its Job, until the search
// ends. It keeps no state of its own: a driver stopped anywhere is
// continued by another (`kubectl mlexp tune`) from the Jobs alone, and a
// Lease per experiment keeps two drivers from doubling the search.
//
// Decide is the pure heart of it; the rest is reading and writing Jobs.
package drive
