package access_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

func TestTagsSet(t *testing.T) {
	t.Parallel()
	const formHint = "write KEY=VALUE, or KEY= for an empty value"
	tests := []struct {
		name string
		in   []string // Set in turn; only the last may fail
		want access.Tags
		err  want
	}{
		{name: "key and value", in: []string{"team=platform"}, want: access.Tags{"team": "platform"}},
		{name: "empty value", in: []string{"team="}, want: access.Tags{"team": ""}},
		{name: "value with equals sign", in: []string{"expr=a=b"}, want: access.Tags{"expr": "a=b"}},
		{name: "several", in: []string{"a=1", "b=2"}, want: access.Tags{"a": "1", "b": "2"}},
		{name: "same tag twice", in: []string{"a=1", "a=1"}, want: access.Tags{"a": "1"}},
		// as in a file: a value may hold "," and "=" when it cannot be read as several tags
		{name: "comma and equals sign in value", in: []string{"0=,="}, want: access.Tags{"0": ",="}},
		{name: "comma then empty key", in: []string{"k=a,=b"}, want: access.Tags{"k": "a,=b"}},
		{name: "comma then reserved key", in: []string{"k=a,aws:x=b"}, want: access.Tags{"k": "a,aws:x=b"}},
		{name: "comma, no second tag", in: []string{"note=a,b"}, want: access.Tags{"note": "a,b"}},
		{name: "AWS CLI shorthand", in: []string{"team=a,env=prod"}, err: want{`tag "team=a,env=prod" looks like several tags in one`, "give --tag once per tag: --tag team=a --tag env=prod; or, if it is one tag whose value holds the commas, give it as --tag-literal team=a,env=prod"}},
		{name: "AWS CLI Key=,Value= form", in: []string{"Key=team,Value=platform"}, err: want{`tag "Key=team,Value=platform" is in the AWS CLI's Key=KEY,Value=VALUE form`, "give --tag KEY=VALUE: --tag team=platform; or, if it is one tag whose value holds the commas, give it as --tag-literal Key=team,Value=platform"}},
		{name: "AWS CLI Key=,Value= form, two tags", in: []string{"Key=team,Value=a b,Key=env,Value=prod"}, err: want{"is in the AWS CLI's Key=KEY,Value=VALUE form", "give --tag KEY=VALUE: --tag 'team=a b' --tag env=prod;"}},
		{name: "Key= and Value= out of order are several tags", in: []string{"Value=x,Key=team"}, err: want{"looks like several tags in one", "give --tag once per tag: --tag Value=x --tag Key=team;"}},
		{name: "a URL with a query string", in: []string{"url=http://x/?a=b,c=d"}, err: want{"looks like several tags in one", "give it as --tag-literal 'url=http://x/?a=b,c=d'"}},
		{name: "AWS CLI shorthand, value with comma", in: []string{"team=a,b,env=prod"}, err: want{"looks like several tags in one", "give --tag once per tag: --tag team=a,b --tag env=prod"}},
		{name: "AWS CLI shorthand, quoted for the shell", in: []string{"it's=a b,c=d"}, err: want{"looks like several tags in one", `give --tag once per tag: --tag 'it'\''s=a b' --tag c=d`}},
		{name: "aws without colon", in: []string{"awsx=aws"}, want: access.Tags{"awsx": "aws"}},
		{name: "128-character key", in: []string{strings.Repeat("k", 128) + "=v"}, want: access.Tags{strings.Repeat("k", 128): "v"}},
		{name: "128 two-byte characters", in: []string{strings.Repeat("é", 128) + "=v"}, want: access.Tags{strings.Repeat("é", 128): "v"}},
		{name: "256-character value", in: []string{"k=" + strings.Repeat("é", 256)}, want: access.Tags{"k": strings.Repeat("é", 256)}},
		{name: "same key, other value", in: []string{"a=1", "a=2"}, want: access.Tags{"a": "1"}, err: want{`tag "a" given twice, with values "1" and "2"`, noHint}},
		{name: "no equals sign", in: []string{"team"}, err: want{`tag "team" has no "="`, formHint}},
		{name: "empty", in: []string{""}, err: want{`tag "" has no "="`, formHint}},
		{name: "empty key", in: []string{"=v"}, err: want{"tag key is empty", formHint}},
		{name: "129-character key", in: []string{strings.Repeat("k", 129) + "=v"}, err: want{"is 129 characters; the limit is 128", noHint}},
		{name: "257-character value", in: []string{"k=" + strings.Repeat("é", 257)}, err: want{`value of tag "k" is 257 characters; the limit is 256`, noHint}},
		{name: "aws: key", in: []string{"aws:team=x"}, err: want{`tag key "aws:team" is reserved: keys beginning with "aws:" are for AWS use`, noHint}},
		{name: "AWS: key", in: []string{"AWS:team=x"}, err: want{`tag key "AWS:team" is reserved`, noHint}},
		{name: "aws: value", in: []string{"team=aws:x"}, err: want{`value of tag "team" is reserved: values beginning with "aws:" are for AWS use`, noHint}},
		{name: "Aws: value", in: []string{"team=Aws:x"}, err: want{`value of tag "team" is reserved`, noHint}},
		{name: "newline in value", in: []string{"team=a\nb"}, err: want{`value of tag "team": "a\nb" contains a newline (U+000A)`, noHint}},
		{name: "carriage return in key", in: []string{"te\ram=a"}, err: want{`tag key: "te\ram" contains a carriage return (U+000D)`, noHint}},
		{name: "DEL in value", in: []string{"team=a\x7f"}, err: want{`contains the control character U+007F`, noHint}},
		{name: "value not UTF-8", in: []string{"team=caf\xe9"}, err: want{`value of tag "team": "caf\xe9" is not valid UTF-8 (byte 0xe9 at offset 3)`, noHint}},
		{name: "long key echoed cut", in: []string{"aws:" + strings.Repeat("k", 200) + "=v"}, err: want{`tag key "aws:` + strings.Repeat("k", 196) + `"... (204 characters) is`, noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tags access.Tags // Set must work on a nil map
			var err error
			for _, s := range tt.in {
				err = tags.Set(s)
			}
			checkError(t, err, tt.err)
			if diff := cmp.Diff(tt.want, tags); diff != "" {
				t.Errorf("tags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLiteralTag: --tag-literal adds one tag as it is, its value holding
// ",KEY=" that --tag refuses as several tags; every other rule holds.
func TestLiteralTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want access.Tags
		err  want
	}{
		{name: "a URL with a query string", in: []string{"url=http://x/?a=b,c=d"}, want: access.Tags{"url": "http://x/?a=b,c=d"}},
		{name: "what --tag reads as shorthand", in: []string{"team=a,env=prod"}, want: access.Tags{"team": "a,env=prod"}},
		{name: "beside --tag", in: []string{"a=1", "url=x,y=z"}, want: access.Tags{"a": "1", "url": "x,y=z"}},
		{name: "no equals sign", in: []string{"team"}, err: want{`tag "team" has no "="`, "write KEY=VALUE, or KEY= for an empty value"}},
		{name: "aws: value", in: []string{"team=aws:x,b=c"}, err: want{`value of tag "team" is reserved`, noHint}},
		{name: "same key, other value", in: []string{"a=1", "a=2,b=c"}, want: access.Tags{"a": "1"}, err: want{`tag "a" given twice`, noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tags access.Tags
			var err error
			for i, s := range tt.in {
				if i == 0 && len(tt.in) > 1 {
					err = tags.Set(s) // the first by --tag
					continue
				}
				err = access.LiteralTag{Tags: &tags}.Set(s)
			}
			checkError(t, err, tt.err)
			if diff := cmp.Diff(tt.want, tags); diff != "" {
				t.Errorf("tags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTagsString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   access.Tags
		want string
	}{
		{"nil", nil, ""},
		{"one", access.Tags{"a": "1"}, "a=1"},
		{"sorted by key", access.Tags{"b": "2", "c": "", "a": "1"}, "a=1,b=2,c="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := access.Tags(nil).Type(); got != "key=value" {
		t.Errorf("Type() = %q", got)
	}
}

func TestTagsValidate(t *testing.T) {
	t.Parallel()
	many := func(n int) access.Tags {
		tags := access.Tags{}
		for i := range n {
			tags[fmt.Sprintf("k%02d", i)] = "v"
		}
		return tags
	}
	tests := []struct {
		name string
		in   access.Tags
		errs []want
	}{
		{name: "nil", in: nil},
		{name: "50 tags", in: many(50)},
		{name: "empty value", in: access.Tags{"a": ""}},
		{name: "51 tags", in: many(51), errs: []want{{"51 tags; the limit is 50", noHint}}},
		{name: "empty key", in: access.Tags{"": "v"}, errs: []want{{"tag key is empty", "KEY=VALUE"}}},
		{name: "long key", in: access.Tags{strings.Repeat("k", 129): ""}, errs: []want{{"is 129 characters; the limit is 128", noHint}}},
		{name: "long value", in: access.Tags{"k": strings.Repeat("v", 257)}, errs: []want{{"is 257 characters; the limit is 256", noHint}}},
		{name: "reserved key", in: access.Tags{"aWs:x": "v"}, errs: []want{{`tag key "aWs:x" is reserved`, noHint}}},
		{name: "reserved value", in: access.Tags{"k": "aws:v"}, errs: []want{{`value of tag "k" is reserved`, noHint}}},
		{
			name: "every problem, keys sorted",
			in:   access.Tags{"z": "aws:v", "aws:a": "v", "m": strings.Repeat("v", 257)},
			errs: []want{{`tag key "aws:a" is reserved`, noHint}, {`value of tag "m" is 257 characters`, noHint}, {`value of tag "z" is reserved`, noHint}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkErrors(t, tt.in.Validate(), tt.errs...)
		})
	}
}
