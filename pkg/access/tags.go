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

// Set parses one --tag value, "k=v" or "k=" (split at the first "="),
// and adds it. The same key twice is an error unless the value is the
// same too. What a tag may be is checked by the same rule as a file's
// tags (Validate): a value may hold "," and "=" as EKS allows.
//
// One flag-only guard: a value that reads as the AWS CLI's --tags
// shorthand ("team=a,env=prod", where every piece is a valid tag of its
// own) is refused with a hint that gives each tag its own --tag, since
// it would otherwise make one tag "team" = "a,env=prod", or the whole
// value to --tag-literal (LiteralTag) when it is one tag; the CLI's long
// form, Key=team,Value=platform, gets --tag team=platform. A value whose
// pieces are not all valid tags (",=" in "0=,=") is one tag, as in a file.
func (t *Tags) Set(s string) error { return t.set(s, true) }

// LiteralTag is the --tag-literal flag value: one tag "k=v" (split at the
// first "=") added to Tags as it is, without the guard against the AWS
// CLI's shorthand: for a value that holds ",KEY=" (a URL's query string),
// which --tag refuses as several tags.
type LiteralTag struct{ Tags *Tags }

// Set parses one --tag-literal value and adds it (pflag.Value).
func (l LiteralTag) Set(s string) error { return l.Tags.set(s, false) }

// String is the tags' (pflag.Value).
func (l LiteralTag) String() string {
	if l.Tags == nil {
		return ""
	}
	return l.Tags.String()
}

// Type names the flag's value in help (pflag.Value).
func (LiteralTag) Type() string { return "key=value" }

func (t *Tags) set(s string, guard bool) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return newError(fmt.Sprintf("tag %s has no %q", Quote(s), "="), "write KEY=VALUE, or KEY= for an empty value")
	}
	if guard {
		literal := "; or, if it is one tag whose value holds the commas, give it as --tag-literal " + ShellWord(s)
		if tags := keyValueForm(shorthandPieces(k, v)); tags != nil {
			return newError(fmt.Sprintf("tag %s is in the AWS CLI's Key=KEY,Value=VALUE form", Quote(s)),
				"give --tag KEY=VALUE: "+tagFlags(tags)+literal)
		}
		if several := severalTags(k, v); several != nil {
			return newError(fmt.Sprintf("tag %s looks like several tags in one", Quote(s)),
				"give --tag once per tag: "+tagFlags(several)+literal)
		}
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

// severalTags reads the --tag value k=v as the AWS CLI's shorthand for
// several tags: v split at each comma that is followed by KEY=VALUE,
// KEY=VALUE... It returns the "k=v" of each tag, or nil when v has no
// such comma or when any of the tags would be refused (an empty or
// reserved key, a key given twice with two values), so that the hint
// built from it suggests only --tag values Set accepts.
func severalTags(k, v string) []string {
	out := shorthandPieces(k, v)
	if out == nil {
		return nil
	}
	seen := make(map[string]string, len(out))
	for _, kv := range out {
		k, v, _ := strings.Cut(kv, "=")
		if old, dup := seen[k]; (dup && old != v) || checkTag(k, v) != nil {
			return nil
		}
		seen[k] = v
	}
	return out
}

// shorthandPieces splits the --tag value k=v at each comma followed by
// KEY=VALUE, as the AWS CLI's shorthand reads it: "k=v1", "KEY=VALUE"...;
// nil when there is no such comma.
func shorthandPieces(k, v string) []string {
	pieces := strings.Split(v, ",")
	if len(pieces) < 2 {
		return nil
	}
	out := []string{k + "=" + pieces[0]}
	for _, p := range pieces[1:] {
		if strings.Contains(p, "=") {
			out = append(out, p)
		} else { // "team=a,b,env=prod": "b" is part of team's value
			out[len(out)-1] += "," + p
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// keyValueForm reads the pieces of a --tag value (shorthandPieces) as the AWS
// CLI's long form, Key=K,Value=V (repeated), and returns the "K=V" of each
// tag; nil when the pieces are not in that form or any tag would be
// refused, so that the hint suggests only --tag values Set accepts.
func keyValueForm(pieces []string) []string {
	if len(pieces) < 2 || len(pieces)%2 != 0 {
		return nil
	}
	out := make([]string, 0, len(pieces)/2)
	seen := make(map[string]string, len(pieces)/2)
	for i := 0; i < len(pieces); i += 2 {
		k, kok := strings.CutPrefix(pieces[i], "Key=")
		v, vok := strings.CutPrefix(pieces[i+1], "Value=")
		if !kok || !vok {
			return nil
		}
		if old, dup := seen[k]; (dup && old != v) || checkTag(k, v) != nil || severalTags(k, v) != nil {
			return nil
		}
		seen[k] = v
		out = append(out, k+"="+v)
	}
	return out
}

// tagFlags renders tags ("k=v") as --tag flags for a hint.
func tagFlags(tags []string) string {
	flags := make([]string, len(tags))
	for i, kv := range tags {
		flags[i] = "--tag " + ShellWord(kv)
	}
	return strings.Join(flags, " ")
}

// ShellWord quotes s for a POSIX shell when it needs it, so a hint that
// shows a command line can be pasted as it is.
func ShellWord(s string) string {
	safe := func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
	case IsAWSTag(k):
		return errorf("tag key %s is reserved: keys beginning with %q are for AWS use", Quote(k), reservedTagPrefix)
	case IsAWSTag(v):
		return errorf("value of tag %s is reserved: values beginning with %q are for AWS use", Quote(k), reservedTagPrefix)
	}
	return nil
}

// IsAWSTag reports whether s begins with "aws:" in any case: a tag key
// (or value) reserved for AWS, which no request may set and which export
// and apply leave alone.
func IsAWSTag(s string) bool { return hasPrefixFold(s, reservedTagPrefix) }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
