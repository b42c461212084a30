package cmdutil

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// ClusterFlag adds --cluster, which also comes from EKSACCESS_CLUSTER. A
// cluster ARN is accepted too; its region must be the one in use (checked
// when the client is built, see globalOptions.checkClusterRegion).
func ClusterFlag(cmd *cobra.Command, c *access.ClusterName) {
	cmd.Flags().Var(c, "cluster", "EKS cluster `name` or ARN (default: EKSACCESS_CLUSTER)")
}

// YesFlag adds --yes (-y), which answers the confirmation question.
func YesFlag(cmd *cobra.Command, yes *bool) {
	cmd.Flags().BoolVarP(yes, "yes", "y", false, "do not ask for confirmation")
}

// PrincipalFlag adds --principal for a new entry: the strict rules of
// access.PrincipalARN. --principal-arn is an alias (the AWS CLI's name).
func PrincipalFlag(cmd *cobra.Command, p *access.PrincipalARN) {
	addPrincipalFlag(cmd, p)
}

// EntryPrincipalFlag adds --principal for an entry that may exist already:
// the account root, which EKS accepts but eksaccess will not create, can be
// named too (see access.ParseEntryPrincipal).
func EntryPrincipalFlag(cmd *cobra.Command, p *access.PrincipalARN) {
	addPrincipalFlag(cmd, entryPrincipalValue{p})
}

func addPrincipalFlag(cmd *cobra.Command, v pflag.Value) {
	cmd.Flags().Var(v, "principal", "IAM user or role `ARN`, or sso:NAME[@ACCOUNT] for the role of IAM Identity Center permission set NAME (alias --principal-arn)")
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "principal-arn" {
			name = "principal"
		}
		return pflag.NormalizedName(name)
	})
}

// entryPrincipalValue is the pflag.Value of EntryPrincipalFlag.
type entryPrincipalValue struct{ p *access.PrincipalARN }

func (v entryPrincipalValue) Set(s string) error {
	p, err := access.ParseEntryPrincipal(s)
	if err != nil {
		return err
	}
	*v.p = p
	return nil
}

func (v entryPrincipalValue) String() string { return v.p.String() }
func (v entryPrincipalValue) Type() string   { return "arn" }

// policyValue is the --policy flag: a short name or a policy ARN, checked
// at parse time.
type policyValue access.PolicyRef

func (v *policyValue) Set(s string) error {
	ref, err := access.ParsePolicyRef(s)
	if err != nil {
		return err
	}
	*v = policyValue(ref)
	return nil
}

func (v *policyValue) String() string { return access.PolicyRef(*v).String() }
func (v *policyValue) Type() string   { return "policy" }

// PolicyFlag adds --policy.
func PolicyFlag(cmd *cobra.Command, p *access.PolicyRef) {
	cmd.Flags().Var((*policyValue)(p), "policy", "access `policy`: a short name (AmazonEKSViewPolicy) or a full ARN")
}

// RequirePolicy refuses an unset --policy, with a hint to list them.
func RequirePolicy(p access.PolicyRef) error {
	if p.Name() == "" {
		return UsageError(WithHint(errors.New("--policy is required"), "`eksaccess policy list` shows the access policies"))
	}
	return nil
}

// listValue is a repeatable flag of comma-separated values: --group a,b
// --group c is [a b c]. It is the one list flag type of eksaccess. Unlike
// pflag's StringSlice, which reads each value as a CSV record and so drops
// whatever follows a newline, it splits on commas only and never drops
// text: an item with a control character or invalid UTF-8
// (access.CheckText) is refused, so that `--group "$(cat groups.txt)"` is
// an error rather than a shorter set of groups.
type listValue struct{ items *[]string }

// NewListValue returns a listValue that appends to *items.
func NewListValue(items *[]string) *listValue { return &listValue{items} }

func (v *listValue) Set(s string) error {
	if s == "" {
		// As pflag's StringSlice: given, but empty (the root's guard
		// refuses it with a hint before it gets here).
		if *v.items == nil {
			*v.items = []string{}
		}
		return nil
	}
	parts := strings.Split(s, ",")
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			// "ops,$UNSET": a list that replaces a whole set must not
			// lose an item without a word.
			return WithHint(fmt.Errorf("%s has an empty item between commas", access.Quote(s)), "an unset variable in a script? give every item, or leave the flag out")
		}
		err := access.CheckText(p)
		switch {
		case err != nil && strings.ContainsAny(p, "\n\r"):
			return WithHint(err, `separate the values with commas only; a file of one value a line becomes a list with "$(paste -sd, FILE)"`)
		case err != nil:
			return err
		}
	}
	*v.items = append(*v.items, parts...)
	return nil
}

// isEmpty reports whether s names no item at all ("", " ", ",").
func (v *listValue) isEmpty(s string) bool {
	return strings.TrimSpace(strings.ReplaceAll(s, ",", "")) == ""
}

func (v *listValue) String() string { return strings.Join(*v.items, ",") }

// Type keeps pflag's name, so that cobra's completion offers the flag again.
func (v *listValue) Type() string { return "stringSlice" }

// guardedValue wraps every flag value that takes an argument with the rules
// all of them follow, whatever the command: an empty value ("", or 0 for
// a number whose default 0 means "not set") is a usage error with a hint,
// and a single-value flag given twice with different values is one too,
// never "the last one wins". GuardFlags installs it over the whole tree, so
// a new command gets it for free.
type guardedValue struct {
	pflag.Value
	flag *pflag.Flag
	cmd  *cobra.Command // the command the flag belongs to, for hints
	once bool           // false for repeatable flags (--group, --tag, --tag-literal, create's --policy)
	// given are the values Set accepted, in order.
	given []string
}

func (v *guardedValue) Set(s string) error {
	name := "--" + v.flag.Name
	if empty, zero := v.isEmpty(s); empty || zero {
		what := "empty"
		if zero {
			what = "0"
		}
		return &valueError{msg: fmt.Sprintf("%s is %s", name, what), hint: emptyHint(v.cmd, v.flag)}
	}
	if v.once && len(v.given) > 0 {
		if s == v.given[0] {
			return nil // the same value again says nothing new
		}
		return &valueError{
			msg:  fmt.Sprintf("%s is given twice, as %s and as %s", name, access.Quote(v.given[0]), access.Quote(s)),
			hint: fmt.Sprintf("give %s once", name),
		}
	}
	if err := v.Value.Set(s); err != nil {
		return err
	}
	v.given = append(v.given, s)
	return nil
}

// isEmpty reports whether s leaves the flag as good as unset: empty (or
// blank, or only commas for a list), or zero for a number whose default 0
// means "not set" (--max-items 0).
func (v *guardedValue) isEmpty(s string) (empty, zero bool) {
	if l, ok := v.Value.(*listValue); ok {
		return l.isEmpty(s), false
	}
	if strings.TrimSpace(s) == "" {
		return true, false
	}
	if strings.HasPrefix(v.Type(), "int") && v.flag.DefValue == "0" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
		return false, err == nil && n == 0
	}
	return false, false
}

// valueError is a flag value refused by guardedValue: its own message
// (without pflag's "invalid argument" prefix) and a hint.
type valueError struct{ msg, hint string }

func (e *valueError) Error() string { return e.msg }
func (e *valueError) Hint() string  { return e.hint }

// GuardFlags wraps the value of every flag in the tree that takes an
// argument in a guardedValue. Repeatable flags (list and tag types) are
// checked for empty values only.
func GuardFlags(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		guard := func(f *pflag.Flag) {
			if _, done := f.Value.(*guardedValue); done || f.NoOptDefVal != "" {
				return // already wrapped (a persistent flag), or a flag without a value (bool)
			}
			f.Value = &guardedValue{Value: f.Value, flag: f, cmd: c, once: !repeatable(f.Value)}
		}
		c.PersistentFlags().VisitAll(guard)
		c.Flags().VisitAll(guard)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// repeatable reports whether a flag value collects every value given.
func repeatable(v pflag.Value) bool {
	switch v.(type) {
	case *listValue, *access.Tags, access.LiteralTag, *access.PolicyAssociations, pflag.SliceValue:
		return true
	}
	return false
}

// GivenValue is the first value given to f on the command line ("" when
// none): what the user typed, before the flag's type parsed it.
func GivenValue(f *pflag.Flag) string {
	if g, ok := f.Value.(*guardedValue); ok && len(g.given) > 0 {
		return g.given[0]
	}
	return ""
}

// emptyHint says what to do instead of giving flag f of cmd an empty value,
// in the terms of that command.
func emptyHint(cmd *cobra.Command, f *pflag.Flag) string {
	has := func(name string) bool { return cmd.Flags().Lookup(name) != nil }
	switch f.Name {
	case "group":
		if has("no-groups") {
			return "use --no-groups to remove every group"
		}
		return "leave --group out for an entry without Kubernetes groups"
	case "namespace":
		return "name at least one namespace (--namespace dev, repeatable or comma-separated), or give --cluster-scope for the whole cluster"
	case "associated-policy":
		return "leave --associated-policy out to list every entry"
	case "max-items":
		return "leave --max-items out to print every entry"
	case "max-attempts": // the default of root.go's --max-attempts
		return "leave --max-attempts out for AWS_MAX_ATTEMPTS, else 10 attempts per read and 3 per write"
	case "output":
		return "use -o " + strings.Join(output.Formats(), ", -o ") + ", or leave -o out for table (or EKSACCESS_OUTPUT)"
	case "cluster":
		return "give the cluster's name, or leave --cluster out to use EKSACCESS_CLUSTER"
	case "principal":
		return "give the ARN of an IAM role or user, e.g. arn:aws:iam::111122223333:role/NAME, or sso:NAME for an IAM Identity Center permission set's role"
	case "username":
		if has("no-groups") { // update
			return "leave --username out to keep the entry's username"
		}
		return "leave --username out, and EKS picks one from the principal"
	case "policy":
		return "give a policy name such as AmazonEKSViewPolicy: `eksaccess policy list` shows them"
	case "tag":
		return "write --tag KEY=VALUE, or --tag KEY= for an empty value"
	case "type":
		return "leave --type out for STANDARD"
	case "set":
		return "leave --set out to show the mode"
	case "query":
		return "leave --query out to print the whole document"
	case "region":
		return "leave --region out to use AWS_REGION, AWS_DEFAULT_REGION or the profile's region"
	case "profile":
		return "leave --profile out to use AWS_PROFILE, or the default profile"
	case "endpoint-url":
		return "leave --endpoint-url out for AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL, or the AWS endpoint"
	}
	if f.DefValue != "" && f.DefValue != "0" {
		return fmt.Sprintf("leave --%s out for its default, %s", f.Name, f.DefValue)
	}
	return fmt.Sprintf("give a value, or leave --%s out (see %s --help)", f.Name, cmd.CommandPath())
}

// RequireCluster fills an unset --cluster from EKSACCESS_CLUSTER, read
// through env.
func RequireCluster(env func(string) string, c *access.ClusterName) error {
	if *c != "" {
		return nil
	}
	v := env("EKSACCESS_CLUSTER")
	if v == "" {
		return UsageErrorf("--cluster is required (or set EKSACCESS_CLUSTER)")
	}
	if err := c.Set(v); err != nil {
		return UsageError(fmt.Errorf("EKSACCESS_CLUSTER: %w", err))
	}
	return nil
}

// RequirePrincipal refuses an unset --principal.
func RequirePrincipal(p access.PrincipalARN) error {
	if p.IsZero() {
		return UsageErrorf("--principal is required")
	}
	return nil
}

// BulkConcurrency bounds the entries a bulk command (apply, diff, export,
// list --details) works on at once, per cluster. It is an upper bound: the
// client's limiter (eksapi.Limiter) starts lower, grows while EKS answers
// promptly and backs off when it throttles or slows down, so the default is
// fast on an idle API and polite on a busy one.
const BulkConcurrency = 64

// ConcurrencyUsage is the help of the --concurrency flag of bulk commands.
const ConcurrencyUsage = "work on at most `N` entries at once per cluster; eksaccess starts with fewer requests in flight and adapts to EKS's throttling and latency"
