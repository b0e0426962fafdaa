package model

import "testing"

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{300: "300 bytes", 64 << 10: "64 KiB", 2 << 20: "2 MiB", 10<<20 + 1<<19: "10.5 MiB"} {
		if got := ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
