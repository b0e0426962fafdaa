package params

import "testing"

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{
		"lr": true, "num-layers": true, "_x": true, "a1": true, "Layer_2-b": true,
		"": false, "1a": false, "-a": false, "a-": false, "a.b": false, "a b": false, "é": false, "${a}": false,
	} {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}

// A parameter with a dash selects like any other.
func TestSelectorWithDashedName(t *testing.T) {
	sel, err := ParseSelector("num-layers=3,lr!=0.1")
	if err != nil {
		t.Fatal(err)
	}
	p := Params{{"num-layers", int64(3)}, {"lr", 0.2}}
	if !sel.Matches(p) {
		t.Errorf("%v does not match %v", sel, p)
	}
	if sel.Matches(Params{{"num-layers", int64(4)}, {"lr", 0.2}}) {
		t.Errorf("%v matches num-layers=4", sel)
	}
}
