package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestIAMPolicy keeps docs/iam-policy.json, the tables of
// docs/guides/iam-policy.md and the commands agree: each statement of the
// JSON is the guide's statement of that Sid, action for action; each action
// is justified in the guide; and every action a command of the guide was
// seen to call (TestGuides checks the `calls:` comments against the
// emulator) is allowed by the JSON.
func TestIAMPolicy(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid      string
			Effect   string
			Action   []string
			Resource any
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
		t.Fatalf("docs/iam-policy.json: version %q, %d statements", doc.Version, len(doc.Statement))
	}
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "iam-policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	bySid, justified := iamTables(string(md))

	allowed := map[string]bool{}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || s.Resource == nil {
			t.Errorf("statement %q: effect %q, resource %v", s.Sid, s.Effect, s.Resource)
		}
		want, ok := bySid[s.Sid]
		if !ok {
			t.Errorf("statement %q is not in the guide's table of statements", s.Sid)
		}
		got := slices.Sorted(slices.Values(s.Action))
		if !slices.Equal(got, want) {
			t.Errorf("statement %q: the JSON allows %v, the guide says %v", s.Sid, got, want)
		}
		delete(bySid, s.Sid)
		for _, a := range s.Action {
			if allowed[a] {
				t.Errorf("%s is in two statements", a)
			}
			allowed[a] = true
			if !justified[a] {
				t.Errorf("%s: the guide does not say why it is needed", a)
			}
		}
	}
	for sid := range bySid {
		t.Errorf("the guide's statement %q is not in the JSON", sid)
	}
	for a := range justified {
		if !allowed[a] {
			t.Errorf("the guide justifies %s, which the JSON does not allow", a)
		}
	}

	g, err := guideScript(string(md), commandRegistered)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.calls) == 0 {
		t.Fatal("the guide's commands declare no calls")
	}
	for _, a := range slices.Sorted(maps.Keys(g.calls)) {
		if !allowed[a] {
			t.Errorf("%q calls %s, which docs/iam-policy.json does not allow", g.calls[a], a)
		}
	}
}

var backticked = regexp.MustCompile("`([^`]+)`")

// iamTables reads the guide's two tables: statement Sid -> its actions
// (sorted), and the set of actions the guide says why it needs.
func iamTables(md string) (bySid map[string][]string, justified map[string]bool) {
	bySid, justified = map[string][]string{}, map[string]bool{}
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		first := backticked.FindAllStringSubmatch(cells[1], -1)
		if len(first) == 1 && !strings.Contains(first[0][1], ":") {
			var actions []string
			for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
				actions = append(actions, m[1])
			}
			bySid[first[0][1]] = slices.Sorted(slices.Values(actions))
			continue
		}
		for _, m := range first {
			justified[m[1]] = true
		}
	}
	return bySid, justified
}
