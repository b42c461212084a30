package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestPaging walks every paginated list page by page and checks that the
// pages add up to the whole list, in order, with no repeats.
func TestPaging(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for i := range 7 {
		principal := fmt.Sprintf("arn:aws:iam::111122223333:role/r%d", i)
		h.create("demo", `{"principalArn":"`+principal+`"}`)
		if i%2 == 0 {
			h.ok(associateReq(principal, `{"policyArn":"`+viewARN+`","accessScope":{"type":"cluster"}}`))
		}
	}
	for _, name := range []string{"AmazonEKSViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "AmazonEMRJobPolicy"} {
		h.ok(associateReq("arn:aws:iam::111122223333:role/r1",
			`{"policyArn":"arn:aws:eks::aws:cluster-access-policy/`+name+`","accessScope":{"type":"cluster"}}`))
	}
	for i := range 4 {
		h.srv.AddCluster(fmt.Sprintf("extra-%d", i), "")
	}

	// A token is valid only for the list it came from.
	clustersToken := url.QueryEscape(h.ok(request{method: "GET", path: "/clusters?maxResults=1"})["nextToken"].(string))
	policiesToken := url.QueryEscape(h.ok(request{method: "GET", path: "/access-policies?maxResults=1"})["nextToken"].(string))

	lists := []struct {
		name    string
		path    string
		key     string
		want    int
		foreign string // a token of another list
	}{
		{"ListAccessEntries", "/clusters/demo/access-entries", "accessEntries", 7, clustersToken},
		{"ListAccessEntries filtered", "/clusters/demo/access-entries?associatedPolicyArn=" + escape(viewARN), "accessEntries", 5, clustersToken},
		{"ListAssociatedAccessPolicies", entryPath("demo", "arn:aws:iam::111122223333:role/r1") + "/access-policies", "associatedAccessPolicies", 5, clustersToken},
		{"ListAccessPolicies", "/access-policies", "accessPolicies", 27, clustersToken},
		{"ListClusters", "/clusters", "clusters", 7, policiesToken},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			full := h.ok(request{method: "GET", path: l.path})
			if _, ok := full["nextToken"]; ok {
				t.Errorf("a single page has a nextToken: %v", full["nextToken"])
			}
			want := full[l.key].([]any)
			if len(want) != l.want {
				t.Fatalf("%d items, want %d", len(want), l.want)
			}
			for _, size := range []int{1, 2, 3, 100} {
				var got []any
				token := ""
				for pages := 0; ; pages++ {
					if pages > l.want {
						t.Fatalf("maxResults=%d: paging does not end", size)
					}
					page := h.ok(request{method: "GET", path: withQuery(l.path, "maxResults", fmt.Sprint(size), "nextToken", token)})
					items := page[l.key].([]any)
					if len(items) > size {
						t.Fatalf("maxResults=%d: page of %d", size, len(items))
					}
					got = append(got, items...)
					next, _ := page["nextToken"].(string)
					if next == "" {
						break
					}
					token = next
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("maxResults=%d: pages add up to\n%v\nwant\n%v", size, got, want)
				}
			}
		})
		t.Run(l.name+"/bad input", func(t *testing.T) {
			for _, tc := range []struct{ query, message string }{
				{"maxResults=0", "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
				{"maxResults=101", "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"},
				{"maxResults=ten", "1 validation error detected: Value 'ten' at 'maxResults' failed to satisfy constraint: Member must be an integer"},
				{"nextToken=garbage%21", "The nextToken parameter is invalid."},
				{"nextToken=" + l.foreign, "The nextToken parameter is invalid."},
			} {
				resp := h.do(request{method: "GET", path: withQuery(l.path, "", "") + sep(l.path) + tc.query})
				wantError(t, resp, 400, "InvalidParameterException", tc.message)
			}
		})
	}

	t.Run("pages stay consistent while the list changes", func(t *testing.T) {
		page := h.ok(request{method: "GET", path: "/clusters?maxResults=2"})
		h.srv.AddCluster("aaa-first", "")
		next := h.ok(request{method: "GET", path: "/clusters?maxResults=2&nextToken=" + url.QueryEscape(page["nextToken"].(string))})
		got := append(page["clusters"].([]any), next["clusters"].([]any)...)
		if !slices.Equal(toStrings(got), []string{"api", "demo", "extra-0", "extra-1"}) {
			t.Errorf("got %v", got)
		}
	})
}

// withQuery adds the non-empty key/value pairs to path's query.
func withQuery(path string, kv ...string) string {
	u, err := url.Parse(path)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] != "" && kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func sep(path string) string {
	if u, _ := url.Parse(path); u.RawQuery != "" {
		return "&"
	}
	return "?"
}

func toStrings(v []any) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = fmt.Sprint(s)
	}
	return out
}
