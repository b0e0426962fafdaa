package params

// NameRule says in words which parameter names ValidName accepts, for
// error messages.
const NameRule = "a letter or _ followed by letters, digits, _ or - (not ending in -)"

// ValidName reports whether s may name a parameter: a letter or _, then
// letters, digits, _ or -, not ending in - (Katib's num-layers is one).
// The same names work in ${name}, --param-selector, table columns and CSV.
func ValidName(s string) bool {
	if s == "" || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}
