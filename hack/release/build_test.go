package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestArchiveName(t *testing.T) {
	tests := map[string]struct {
		p    Platform
		want string
	}{
		"linux":   {Platform{"linux", "amd64"}, "kubectl-mlexp_v0.1.0_linux_amd64.tar.gz"},
		"darwin":  {Platform{"darwin", "arm64"}, "kubectl-mlexp_v0.1.0_darwin_arm64.tar.gz"},
		"windows": {Platform{"windows", "amd64"}, "kubectl-mlexp_v0.1.0_windows_amd64.zip"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.p.ArchiveName("v0.1.0")); diff != "" {
				t.Errorf("ArchiveName (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePlatforms(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    []Platform
		wantErr bool
	}{
		"all":     {in: "all", want: allPlatforms},
		"empty":   {in: "", want: allPlatforms},
		"two":     {in: "linux/amd64, windows/arm64", want: []Platform{{"linux", "amd64"}, {"windows", "arm64"}}},
		"unknown": {in: "plan9/386", wantErr: true},
		"no arch": {in: "linux", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parsePlatforms(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parsePlatforms(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parsePlatforms (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVersionPattern(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.1.0": true, "v1.22.333": true, "v1.0.0-rc.1": true, "v1.0.0+meta": true,
		"0.1.0": false, "v0.1": false, "v01.0.0": false, "v0.1.0\n": false, "": false,
	} {
		if got := versionPattern.MatchString(v); got != want {
			t.Errorf("versionPattern.MatchString(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestLdflags(t *testing.T) {
	s := Source{Commit: strings.Repeat("a", 40), Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))}
	want := "-s -w -X github.com/mlexp/kubectl-mlexp/pkg/version.Version=v0.1.0" +
		" -X github.com/mlexp/kubectl-mlexp/pkg/version.Commit=" + s.Commit +
		" -X github.com/mlexp/kubectl-mlexp/pkg/version.Date=2026-01-02T02:04:05Z"
	if diff := cmp.Diff(want, ldflags("v0.1.0", s)); diff != "" {
		t.Errorf("ldflags (-want +got):\n%s", diff)
	}
}

func TestBuildEnv(t *testing.T) {
	t.Setenv("GOFLAGS", "-race")
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("GOAMD64", "v3")
	got := map[string][]string{}
	for _, kv := range buildEnv(Platform{"linux", "amd64"}) {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = append(got[k], v)
	}
	want := map[string][]string{
		"GOFLAGS": {""}, "CGO_ENABLED": {"0"}, "GOOS": {"linux"}, "GOARCH": {"amd64"}, "GOAMD64": {"v1"},
	}
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
}
