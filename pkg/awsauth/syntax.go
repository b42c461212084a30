package awsauth

import (
	"fmt"
	"slices"
	"strings"
)

// rowAt returns the index of the row of the YAML list text that line
// (1-based) of text belongs to, or -1 when text is not a block list or
// line comes before its first row. It reads only indentation: text may
// not parse.
func rowAt(text string, line int) int {
	indent, row := -1, -1
	for i, l := range strings.Split(text, "\n") {
		if i >= line {
			break
		}
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		n := len(l) - len(t)
		item := t == "-" || strings.HasPrefix(t, "- ")
		if indent < 0 {
			if !item {
				return -1
			}
			indent = n
		}
		if item && n == indent {
			row++
		}
	}
	return row
}

// blockHint is the hint for a syntax error at line of the ConfigMap data,
// where the rows of mapRoles, mapUsers or mapAccounts sit no deeper than
// the key itself: "mapRoles: |" then "- rolearn: ..." under the m of
// mapRoles, as a copy of the examples in the EKS docs often ends up. The
// YAML parser then sees an empty string and a list where a key should
// be. "" when that is not the case.
func blockHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		key, rest, ok := strings.Cut(t, ":")
		if !ok || !slices.Contains(mapKeys, key) {
			continue
		}
		if v := strings.TrimSpace(rest); v != "|" && v != "|-" && v != "" {
			return ""
		}
		// The first row below the key.
		for _, next := range lines[i+1:] {
			nt := strings.TrimLeft(next, " ")
			if nt == "" || nt[0] == '#' {
				continue
			}
			if strings.HasPrefix(nt, "- ") && len(next)-len(nt) <= len(l)-len(t) {
				return fmt.Sprintf(`indent the rows below "%s: |" further than %s itself, as kubectl writes them (%s 2 spaces in, its rows 4)`, key, key, key)
			}
			break
		}
		return ""
	}
	return ""
}
