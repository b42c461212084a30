package eksapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// cannedHTTP answers every request with the same response, as a broken or
// hostile endpoint might; it gives up after a few calls so that a
// paginator that never ends fails instead of hanging.
type cannedHTTP struct {
	status int
	header http.Header
	body   []byte
	calls  int
}

func (c *cannedHTTP) Do(r *http.Request) (*http.Response, error) {
	c.calls++
	if c.calls > 5 {
		return nil, fmt.Errorf("request %d: the client keeps asking", c.calls)
	}
	return &http.Response{
		Status:        strconv.Itoa(c.status) + " " + http.StatusText(c.status),
		StatusCode:    c.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        c.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)),
		Request:       r,
	}, nil
}

func cannedClient(h *cannedHTTP) *eksapi.Client {
	return eksapi.NewFromConfig(aws.Config{
		Region:           "us-west-2",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint:     aws.String("https://eks.example.test"),
		RetryMaxAttempts: 1,
		HTTPClient:       h,
	}, "")
}

var (
	fuzzCluster   = access.ClusterName("demo")
	fuzzPrincipal = access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/dev")
)

// sentinels are the kinds a Client's error may wrap, at most one at a time.
var sentinels = []error{
	eksapi.ErrNotFound, eksapi.ErrConflict, eksapi.ErrAccessDenied, eksapi.ErrNoCredentials, eksapi.ErrNoRegion,
	eksapi.ErrNoProfile, eksapi.ErrThrottled, eksapi.ErrInvalidRequest, eksapi.ErrInvalidParameter,
}

// FuzzResponse answers the client's calls with a fuzzed status, error code
// and body. Nothing panics or loops; a status outside 2xx is an error; an
// error wraps at most one kind, and an error answer with a plain error
// code and a readable body is an *eksapi.APIError of that code; a success is a whole value
// (groups and tags never nil, times in UTC), and a 200 without the
// document the call returns is an error, never an empty value.
//
// op selects the call: 0 DescribeEntry, 1 ListAssociatedPolicies,
// 2 ListEntries, 3 DescribeCluster, 4 CallerIdentity (STS, XML).
func FuzzResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, op uint8, status uint16, code string, body []byte) {
		st := int(status)
		if st < 200 || st > 599 {
			st = 200 + st%400
		}
		h := &cannedHTTP{status: st, header: http.Header{}, body: body}
		h.header.Set("Content-Type", "application/json")
		if op%5 == 4 {
			h.header.Set("Content-Type", "text/xml")
		}
		h.header.Set("X-Amzn-Requestid", "00000000-0000-0000-0000-000000000000")
		if code != "" && !strings.ContainsAny(code, "\r\n") {
			h.header.Set("X-Amzn-Errortype", code)
		}
		c := cannedClient(h)
		ctx := t.Context()

		var err error
		var doc string // the member a 200 must carry, "" for none
		switch op % 5 {
		case 0:
			var e access.Entry
			e, err = c.DescribeEntry(ctx, fuzzCluster, fuzzPrincipal)
			doc = "accessEntry"
			if err == nil {
				checkEntry(t, e)
			}
		case 1:
			var ps []access.AssociatedPolicy
			ps, err = c.ListAssociatedPolicies(ctx, fuzzCluster, fuzzPrincipal)
			if err == nil {
				if ps == nil {
					t.Error("ListAssociatedPolicies returned nil, want a list")
				}
				for _, p := range ps {
					checkTime(t, "associatedAt", p.AssociatedAt)
					checkTime(t, "modifiedAt", p.ModifiedAt)
					if p.AccessScope.Namespaces == nil {
						t.Errorf("policy %s has nil namespaces, want a list", p.PolicyARN)
					}
				}
			}
		case 2:
			var arns []access.PrincipalARN
			arns, err = c.ListEntries(ctx, fuzzCluster, eksapi.ListOptions{})
			if err == nil && arns == nil {
				t.Error("ListEntries returned nil, want a list")
			}
		case 3:
			_, err = c.DescribeCluster(ctx, fuzzCluster)
			doc = "cluster"
		case 4:
			_, err = c.CallerIdentity(ctx)
		}

		if h.calls > 5 {
			t.Fatalf("the client sent %d requests for one call and did not stop", h.calls)
		}
		if h.status >= 300 && err == nil {
			t.Fatalf("status %d answered as a success", h.status)
		}
		if err == nil {
			if doc != "" && !hasMember(body, doc) {
				t.Fatalf("a 200 without %q is a success: %q", doc, body)
			}
			return
		}
		if n := kinds(err); n > 1 {
			t.Errorf("error %q wraps %d kinds, want at most one", err, n)
		}
		var apiErr *eksapi.APIError
		if h.status >= 400 && isPlainCode(code) && op%5 != 4 && jsonObject(body) && (!errors.As(err, &apiErr) || apiErr.Code != code) {
			t.Errorf("status %d with code %q gives %q (%T), want an *eksapi.APIError with that code", h.status, code, err, errors.Unwrap(err))
		}
	})
}

// FuzzEntryResponse sends DescribeEntry an EKS answer made of fuzzed
// values and checks that the entry it returns carries them all, strings
// as encoding/json sends them (invalid UTF-8 as U+FFFD), times to the
// millisecond.
func FuzzEntryResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, cluster, principal, username, group, tagKey, tagValue, typ string, createdMillis int64) {
		createdMillis %= 1 << 44 // years 1413-2527
		created := json.Number(strconv.FormatFloat(float64(createdMillis)/1e3, 'f', 3, 64))
		body, err := json.Marshal(map[string]any{"accessEntry": map[string]any{
			"clusterName": cluster, "principalArn": principal, "kubernetesGroups": []string{group},
			"accessEntryArn": "arn:aws:eks:us-west-2:111122223333:access-entry/" + cluster,
			"createdAt":      created, "modifiedAt": created, "tags": map[string]string{tagKey: tagValue},
			"username": username, "type": typ,
		}})
		if err != nil {
			t.Fatal(err)
		}
		h := &cannedHTTP{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: body}
		got, err := cannedClient(h).DescribeEntry(t.Context(), fuzzCluster, fuzzPrincipal)
		if err != nil {
			t.Fatalf("DescribeEntry of %s: %v", body, err)
		}
		at := time.UnixMilli(createdMillis)
		for _, got := range []time.Time{got.CreatedAt, got.ModifiedAt} {
			// Printed times are whole seconds (they sort as strings); the
			// SDK reads epoch seconds as a float64: allow its rounding.
			if got.Location() != time.UTC || got.Nanosecond() != 0 || got.Sub(at.Truncate(time.Second)).Abs() > time.Second {
				t.Errorf("time %s of %s read as %v, want %v to the second", created, body, got, at.UTC())
			}
		}
		// The revision keeps modifiedAt to the millisecond, for race checks.
		if rev, err := time.Parse(time.RFC3339Nano, got.Revision); err != nil || rev.Sub(at).Abs() >= time.Millisecond {
			t.Errorf("revision %q of %s, want %v", got.Revision, body, at.UTC())
		}
		got.CreatedAt, got.ModifiedAt, got.Revision = time.Time{}, time.Time{}, ""
		want := access.Entry{
			ClusterName: jsonString(cluster), PrincipalARN: access.UncheckedPrincipalARN(jsonString(principal)),
			KubernetesGroups: []string{jsonString(group)},
			AccessEntryARN:   jsonString("arn:aws:eks:us-west-2:111122223333:access-entry/" + cluster),
			Tags:             map[string]string{jsonString(tagKey): jsonString(tagValue)},
			Username:         jsonString(username), Type: access.EntryType(jsonString(typ)),
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DescribeEntry of\n%s\n= %#v\nwant %#v", body, got, want)
		}
	})
}

// checkEntry checks that an entry is whole: groups and tags not nil (they
// print as [] and {}), times zero or UTC.
func checkEntry(t *testing.T, e access.Entry) {
	t.Helper()
	if e.KubernetesGroups == nil || e.Tags == nil {
		t.Errorf("entry with nil groups or tags: %#v", e)
	}
	checkTime(t, "createdAt", e.CreatedAt)
	checkTime(t, "modifiedAt", e.ModifiedAt)
}

func checkTime(t *testing.T, what string, at time.Time) {
	t.Helper()
	if !at.IsZero() && at.Location() != time.UTC {
		t.Errorf("%s %v is not UTC", what, at)
	}
}

// hasMember reports whether body is a JSON object whose member name is an
// object (the SDK matches member names exactly, as this does).
func hasMember(body []byte, name string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	v := bytes.TrimSpace(m[name])
	return len(v) > 0 && v[0] == '{'
}

// jsonObject reports whether body is empty or a JSON object: an error
// answer the SDK can read (with anything else it reports that it could not
// decode the body, and the code is lost).
func jsonObject(body []byte) bool {
	var m map[string]any
	return len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &m) == nil
}

// kinds counts the sentinels err wraps.
func kinds(err error) int {
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

// isPlainCode reports whether code is an error code as EKS spells them
// (letters only), which the SDK takes as it is.
func isPlainCode(code string) bool {
	return code != "" && strings.Trim(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// jsonString is s as encoding/json sends it: each byte that is not part of
// valid UTF-8 replaced by U+FFFD.
func jsonString(s string) string {
	return strings.Map(func(r rune) rune { return r }, s)
}
