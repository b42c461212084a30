package access

import (
	"slices"
	"strings"
)

// This file holds the "did you mean" of policy names and flags: which
// known name a user most likely meant.

// SuggestPolicy returns the catalog name that name most likely means, or ""
// when none is close. Names are compared without case, and also in their
// expanded form (View and ViewPolicy stand for AmazonEKSViewPolicy); the
// first rule that matches wins:
//
//  1. the same name (or its expansion)
//  2. the name nearest within two edits (a typo, two swapped letters)
//  3. the shortest name that begins with it (AmazonEKSAdmin: AmazonEKSAdminPolicy)
func SuggestPolicy(name string, catalog []string) string {
	const maxEdits = 2
	full, short := policyForms(name)
	forms := []string{full, "amazoneks" + short + "policy"}
	lower := make([]string, len(catalog))
	for i, c := range catalog {
		lower[i] = strings.ToLower(c)
	}
	for i, c := range lower {
		if slices.Contains(forms, c) {
			return catalog[i]
		}
	}
	best, bestEdits := "", maxEdits+1
	for i, c := range lower {
		for _, f := range forms {
			if d := EditDistance(f, c); d < bestEdits || d == bestEdits && catalog[i] < best {
				best, bestEdits = catalog[i], d
			}
		}
	}
	if best != "" {
		return best
	}
	if short == "" {
		return "" // "AmazonEKS" begins every name
	}
	for i, c := range lower {
		if strings.HasPrefix(c, "amazoneks"+short) && (best == "" || len(c) < len(best) || len(c) == len(best) && catalog[i] < best) {
			best = catalog[i]
		}
	}
	return best
}

// policyForms returns name in lower case, and its core without the
// "amazoneks" prefix and "policy" suffix that most policy names share.
func policyForms(name string) (full, short string) {
	full = strings.ToLower(name)
	short = strings.TrimPrefix(full, "amazoneks")
	if s := strings.TrimSuffix(short, "policy"); s != "" {
		short = s
	}
	return full, short
}

// EditDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost 1.
func EditDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
