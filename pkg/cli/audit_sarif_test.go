package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// TestAuditSARIF runs audit -o sarif against the emulator, with findings
// about entries and about a cluster, and checks the log against the
// SARIF 2.1.0 schema's required fields and GitHub code scanning's
// ingestion rules (checkSARIF).
func TestAuditSARIF(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.srv.AddCluster("prod", "API_AND_CONFIG_MAP") // aws-auth-honoured: a finding without a principal
	for _, name := range []string{"gone", "empty"} {
		if _, err := td.srv.CreateRole(emulator.Role{Name: name, Path: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	client, err := td.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gone", "empty"} {
		p, err := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "prod", Principal: p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := td.srv.DeleteRole("gone"); err != nil {
		t.Fatal(err)
	}
	td.Output.Format = output.SARIF
	o := &auditOptions{deps: td.Deps, build: BuildInfo{Version: "1.2.3"}, concurrency: 4}
	if err := o.fleet.clusters.Set("prod"); err != nil {
		t.Fatal(err)
	}
	err = runAudit(t.Context(), o)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitFindings {
		t.Fatalf("exit %d (%v), want %d: deleted-principal is high; stderr:\n%s", code, err, cmdutil.ExitFindings, td.errOut)
	}

	var log map[string]any
	if err := json.Unmarshal(td.out.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, td.out)
	}
	for _, problem := range checkSARIF(log) {
		t.Error(problem)
	}
	run := log["runs"].([]any)[0].(map[string]any)
	if v := run["tool"].(map[string]any)["driver"].(map[string]any)["version"]; v != "1.2.3" {
		t.Errorf("driver version %v, want 1.2.3", v)
	}
	var got []string
	for _, r := range run["results"].([]any) {
		got = append(got, r.(map[string]any)["ruleId"].(string))
	}
	slices.Sort(got)
	if want := []string{access.RuleAWSAuthHonoured, access.RuleDeleted, access.RuleGrantsNothing}; !slices.Equal(got, want) {
		t.Errorf("results %v, want one per finding: %v", got, want)
	}

	// The same findings a second time: the same fingerprints (GitHub
	// keeps one alert per fingerprint across runs).
	first := fingerprints(t, log)
	td.out.Reset()
	_ = runAudit(t.Context(), o)
	var again map[string]any
	if err := json.Unmarshal(td.out.Bytes(), &again); err != nil {
		t.Fatal(err)
	}
	if second := fingerprints(t, again); !slices.Equal(first, second) {
		t.Errorf("fingerprints changed between runs:\n%v\n%v", first, second)
	}
	if len(slices.Compact(slices.Clone(first))) != len(first) {
		t.Errorf("two results share a fingerprint: %v", first)
	}
}

func fingerprints(t *testing.T, log map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range log["runs"].([]any)[0].(map[string]any)["results"].([]any) {
		out = append(out, r.(map[string]any)["partialFingerprints"].(map[string]any)[fingerprintKey].(string))
	}
	slices.Sort(out)
	return out
}

// TestCheckSARIF: the checker finds what it is there to find.
func TestCheckSARIF(t *testing.T) {
	t.Parallel()
	valid := func() map[string]any {
		return map[string]any{
			"$schema": sarifSchema, "version": "2.1.0",
			"runs": []any{map[string]any{
				"tool": map[string]any{"driver": map[string]any{"name": "x", "rules": []any{
					map[string]any{"id": "r", "shortDescription": map[string]any{"text": "s"}, "help": map[string]any{"text": "h"},
						"defaultConfiguration": map[string]any{"level": "error"}, "properties": map[string]any{"security-severity": "8.0"}},
				}}},
				"results": []any{map[string]any{
					"ruleId": "r", "ruleIndex": float64(0), "level": "error", "message": map[string]any{"text": "m"},
					"locations": []any{map[string]any{"physicalLocation": map[string]any{"artifactLocation": map[string]any{"uri": "eks/c"}}}},
				}},
			}},
		}
	}
	if p := checkSARIF(valid()); len(p) > 0 {
		t.Fatalf("a valid log: %v", p)
	}
	result := func(l map[string]any) map[string]any {
		return l["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	}
	for name, tc := range map[string]struct {
		mutate func(map[string]any)
		want   string
	}{
		"no version":       {func(l map[string]any) { delete(l, "version") }, "sarifLog: version"},
		"version 2.0":      {func(l map[string]any) { l["version"] = "2.0.0" }, `version "2.0.0"`},
		"no message":       {func(l map[string]any) { delete(result(l), "message") }, "result 0: message"},
		"no location":      {func(l map[string]any) { result(l)["locations"] = []any{} }, "at least one location"},
		"logical only":     {func(l map[string]any) { result(l)["locations"] = []any{map[string]any{"logicalLocations": []any{}}} }, "physicalLocation"},
		"bad level":        {func(l map[string]any) { result(l)["level"] = "high" }, `level "high"`},
		"wrong rule index": {func(l map[string]any) { result(l)["ruleIndex"] = float64(3) }, "ruleIndex"},
		"unknown rule":     {func(l map[string]any) { result(l)["ruleId"] = "nope" }, "ruleId"},
		"severity not a num": {func(l map[string]any) {
			l["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)["properties"] = map[string]any{"security-severity": "high"}
		}, "security-severity"},
	} {
		l := valid()
		tc.mutate(l)
		p := checkSARIF(l)
		if !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, tc.want) }) {
			t.Errorf("%s: problems %v, want one about %q", name, p, tc.want)
		}
	}
}

// checkSARIF checks a SARIF log against the required properties and
// enumerations of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) for
// the objects audit writes, and GitHub code scanning's ingestion rules
// (docs: "SARIF support for code scanning"; the upload fails on a result
// without a location with physicalLocation.artifactLocation.uri). It
// returns the problems found.
func checkSARIF(log map[string]any) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	str := func(m map[string]any, k string) (string, bool) { s, ok := m[k].(string); return s, ok }
	require := func(what string, m map[string]any, keys ...string) {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				bad("%s: %s is required", what, k)
			}
		}
	}
	levels := []string{"none", "note", "warning", "error"}
	text := func(what string, m map[string]any) { // message, multiformatMessageString
		if s, ok := str(m, "text"); !ok || s == "" {
			bad("%s: text is required", what)
		}
	}

	// sarifLog: required version, runs; version is "2.1.0".
	require("sarifLog", log, "version", "runs")
	if v, _ := str(log, "version"); v != "2.1.0" {
		bad(`sarifLog: version %q, want "2.1.0"`, v)
	}
	if s, _ := str(log, "$schema"); s == "" {
		bad("sarifLog: $schema should name the 2.1.0 schema")
	}
	runs, _ := log["runs"].([]any)
	if len(runs) == 0 {
		bad("sarifLog: runs is empty")
	}
	for ri, r := range runs {
		run := obj(r)
		require(fmt.Sprintf("run %d", ri), run, "tool")
		driver := obj(obj(run["tool"])["driver"])
		if driver == nil {
			bad("run %d: tool.driver is required", ri)
			continue
		}
		require("toolComponent", driver, "name")
		var ids []string
		rules, _ := driver["rules"].([]any)
		for i, x := range rules {
			rule := obj(x)
			what := fmt.Sprintf("rule %d", i)
			require(what, rule, "id")
			id, _ := str(rule, "id")
			ids = append(ids, id)
			for _, k := range []string{"shortDescription", "fullDescription", "help"} {
				if m := obj(rule[k]); m != nil {
					text(what+" "+k, m)
				}
			}
			if c := obj(rule["defaultConfiguration"]); c != nil {
				if l, _ := str(c, "level"); !slices.Contains(levels, l) {
					bad("%s: defaultConfiguration.level %q is not one of %v", what, l, levels)
				}
			}
			if s, ok := str(obj(rule["properties"]), "security-severity"); ok {
				if f, err := strconv.ParseFloat(s, 64); err != nil || f < 0 || f > 10 {
					bad("%s: security-severity %q is not a number from 0 to 10", what, s)
				}
			}
		}
		results, ok := run["results"].([]any)
		if !ok {
			bad("run %d: results should be an array (empty when nothing was found)", ri)
		}
		for i, x := range results {
			res := obj(x)
			what := fmt.Sprintf("result %d", i)
			require(what, res, "message")
			if m := obj(res["message"]); m != nil {
				text(what+" message", m)
			}
			if l, ok := str(res, "level"); ok && !slices.Contains(levels, l) {
				bad("%s: level %q is not one of %v", what, l, levels)
			}
			id, _ := str(res, "ruleId")
			if !slices.Contains(ids, id) {
				bad("%s: ruleId %q is not a rule of the driver", what, id)
			}
			if n, ok := res["ruleIndex"].(float64); ok && (int(n) < 0 || int(n) >= len(ids) || ids[int(n)] != id) {
				bad("%s: ruleIndex %v does not point at rule %q", what, n, id)
			}
			locs, _ := res["locations"].([]any)
			if len(locs) == 0 {
				bad("%s: GitHub needs at least one location", what)
			}
			for j, l := range locs {
				uri, _ := str(obj(obj(obj(l)["physicalLocation"])["artifactLocation"]), "uri")
				if uri == "" {
					bad("%s location %d: GitHub needs physicalLocation.artifactLocation.uri", what, j)
				}
				if reg := obj(obj(obj(l)["physicalLocation"])["region"]); reg != nil {
					if n, ok := reg["startLine"].(float64); ok && n < 1 {
						bad("%s location %d: region.startLine must be at least 1", what, j)
					}
				}
			}
			for k, v := range obj(res["partialFingerprints"]) {
				if _, ok := v.(string); !ok {
					bad("%s: partialFingerprints[%s] must be a string", what, k)
				}
			}
		}
	}
	return p
}
