package access

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tag limits: https://docs.aws.amazon.com/eks/latest/userguide/eks-using-tags.html
const (
	maxTags           = 50
	maxTagKey         = 128
	maxTagValue       = 256
	reservedTagPrefix = "aws:"
)

// Tags are resource tags. As a flag value, each Set adds one "k=v" (or "k=").
type Tags map[string]string

// Set parses "k=v" or "k=" and adds it. The same key twice is an error
// unless the value is the same too.
func (t *Tags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return newError(fmt.Sprintf("tag %s has no %q", Quote(s), "="), "write KEY=VALUE, or KEY= for an empty value")
	}
	if i := strings.IndexByte(v, ','); i >= 0 && strings.Contains(v[i:], "=") {
		// The AWS CLI's --tags team=a,env=prod is two tags; here it would
		// be one, "team" = "a,env=prod".
		return newError(fmt.Sprintf("tag %s looks like several tags in one", Quote(s)), "give --tag once per tag: --tag "+k+"="+v[:i]+" --tag "+v[i+1:])
	}
	if err := checkTag(k, v); err != nil {
		return err
	}
	if old, dup := (*t)[k]; dup && old != v {
		return errorf("tag %s given twice, with values %s and %s", Quote(k), Quote(old), Quote(v))
	}
	if *t == nil {
		*t = Tags{}
	}
	(*t)[k] = v
	return nil
}

// String renders the tags sorted by key: "k=v,k2=v2".
func (t Tags) String() string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(t)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + t[k])
	}
	return b.String()
}

// Type names the flag's value in help (pflag.Value).
func (t Tags) Type() string { return "key=value" }

// Validate checks the tag rules: at most 50, key 1-128 and value 0-256
// characters, no aws: prefix (any case) on keys or values. It returns
// every problem joined.
func (t Tags) Validate() error { return errors.Join(t.problems()...) }

func (t Tags) problems() []error {
	var errs []error
	if len(t) > maxTags {
		errs = append(errs, errorf("%d tags; the limit is %d", len(t), maxTags))
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if err := checkTag(k, t[k]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkTag checks one tag; lengths count characters, not bytes. Keys and
// values are text (CheckText): no control characters, valid UTF-8.
func checkTag(k, v string) error {
	if err := CheckText(k); err != nil {
		return prefixed("tag key", err)
	}
	if err := CheckText(v); err != nil {
		return prefixed("value of tag "+Quote(k), err)
	}
	switch {
	case k == "":
		return newError("tag key is empty", "write KEY=VALUE, or KEY= for an empty value")
	case utf8.RuneCountInString(k) > maxTagKey:
		return errorf("tag key %s is %d characters; the limit is %d", Quote(k), utf8.RuneCountInString(k), maxTagKey)
	case utf8.RuneCountInString(v) > maxTagValue:
		return errorf("value of tag %s is %d characters; the limit is %d", Quote(k), utf8.RuneCountInString(v), maxTagValue)
	case isAWSReserved(k):
		return errorf("tag key %s is reserved: keys beginning with %q are for AWS use", Quote(k), reservedTagPrefix)
	case isAWSReserved(v):
		return errorf("value of tag %s is reserved: values beginning with %q are for AWS use", Quote(k), reservedTagPrefix)
	}
	return nil
}

// isAWSReserved reports whether s begins with "aws:" in any case.
func isAWSReserved(s string) bool { return hasPrefixFold(s, reservedTagPrefix) }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
