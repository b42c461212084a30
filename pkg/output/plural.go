package output

import "fmt"

// Plural is n with the word for one or for more: Plural(1, "entry",
// "entries") is "1 entry", Plural(2, ...) "2 entries", Plural(0, ...) "0
// entries". The words may carry their verb: Plural(n, "entry matches",
// "entries match").
func Plural(n int, one, more string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, more)
}
