package main

import (
	"io"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	cfg, out, err := parseFlags([]string{"-seeds", "31", "-set", "hyperband:eta=2", "-set", "tpe:n_startup_trials=5", "-stop-set", "start_step=3", "-optuna=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Seeds) != 31 || cfg.Seeds[0] != 1 || cfg.Seeds[30] != 31 {
		t.Errorf("seeds %v, want 1..31", cfg.Seeds)
	}
	if hb := cfg.Settings["hyperband"]; hb["eta"] != "2" || hb["resource_name"] != epochsParam || hb["r_l"] != "27" {
		t.Errorf("hyperband settings %v: want eta=2 over the defaults", hb)
	}
	if cfg.Settings["tpe"]["n_startup_trials"] != "5" || cfg.StopSettings["start_step"] != "3" {
		t.Errorf("settings %v, stop settings %v", cfg.Settings, cfg.StopSettings)
	}
	if cfg.Optuna != nil || len(cfg.Budgets) != 2 || len(cfg.Functions) != 3 || out.doc != "docs/search.md" {
		t.Errorf("config %+v, outputs %+v", cfg, out)
	}
	for _, bad := range [][]string{{"-budgets", "61"}, {"-functions", "rosenbrock"}, {"-set", "eta"}, {"-seeds", "0"}} {
		if _, _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%s: no error", strings.Join(bad, " "))
		}
	}
}
