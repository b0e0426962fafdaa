package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// optunaLine is one line of `optuna_runner.py run`: one search.
type optunaLine struct {
	Sampler  string    `json:"sampler"`
	Function string    `json:"function"`
	Seed     uint64    `json:"seed"`
	Values   []float64 `json:"values"`
	Seconds  float64   `json:"seconds"`
}

// runOptuna runs process job of cfg.PyJobs: every sampler and function on
// the seeds job, job+PyJobs, ... and files each search's best-so-far
// regret into series[sampler][function]. The runner's first line names
// Optuna's version, handed to version.
func runOptuna(ctx context.Context, cfg Config, job int, series map[string]map[string]*Series, version func(string)) error {
	index := map[uint64]int{}
	var seeds []string
	for i, s := range cfg.Seeds {
		if i%max(1, cfg.PyJobs) == job {
			index[s] = i
			seeds = append(seeds, strconv.FormatUint(s, 10))
		}
	}
	if len(seeds) == 0 {
		return nil
	}
	names := make([]string, len(cfg.Functions))
	for i, f := range cfg.Functions {
		names[i] = f.Name
	}
	args := []string{cfg.Runner, "run",
		"--samplers", strings.Join(cfg.Optuna, ","),
		"--functions", strings.Join(names, ","),
		"--seeds", strings.Join(seeds, ","),
		"--trials", strconv.Itoa(cfg.Trials),
		"--batch", strconv.Itoa(cfg.Batch)}
	if cfg.SobolScramble {
		args = append(args, "--sobol-scramble")
	}
	cmd := exec.CommandContext(ctx, cfg.Python, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("optuna: %v", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var parseErr error
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), `{"optuna": "`); ok {
			version(strings.TrimSuffix(v, `"}`))
			continue
		}
		var l optunaLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			parseErr = fmt.Errorf("optuna: line %q: %v", sc.Text(), err)
			continue
		}
		fn, err := FunctionByName(l.Function)
		s := series[l.Sampler][l.Function]
		i, ok := index[l.Seed]
		if err != nil || s == nil || !ok {
			parseErr = fmt.Errorf("optuna: unexpected line for %s on %s, seed %d", l.Sampler, l.Function, l.Seed)
			continue
		}
		s.Regret[i] = BestSoFar(l.Values, fn.Min, cfg.Trials)
		s.Seconds[i] = l.Seconds
		if len(l.Values) < cfg.Trials {
			seriesMu.Lock()
			s.Exhausted++
			seriesMu.Unlock()
		}
		fmt.Fprintf(cfg.Log, "optuna %s %s seed %d: %.1fs\n", l.Sampler, l.Function, l.Seed, l.Seconds)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s cannot run the Optuna searches (apt-get install python3-optuna python3-scipy python3-cmaes, or -optuna=false): %v: %s",
			cfg.Python, err, strings.TrimSpace(stderr.String()))
	}
	return parseErr
}
