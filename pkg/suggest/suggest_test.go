package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"activation", "dropout", "lr"}
	for _, c := range []struct{ in, want string }{
		{"activaton", "activation"},
		{"Dropout", "dropout"},
		{"dropuot", "dropout"},
		{"batch_size", ""},
		{"", ""},
	} {
		if got := Closest(c.in, known); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "abc", 0}} {
		if got := distance(c.a, c.b); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
