package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/fleet"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

type auditOptions struct {
	deps        *Deps
	build       BuildInfo
	fleet       fleetFlags
	failOn      access.FailOn
	fix         bool
	yes         bool
	dryRun      bool
	force       bool
	concurrency int
	color       bool // the plan on stderr in colour
	region      bool // --region given: the fix commands carry it
}

// auditConcurrency bounds the IAM principals audit looks up at once. Its
// clusters are read as list reads a fleet's (fleetClusterConcurrency per
// region, paced by the region's limiter): more at once bought no speed
// against a region's limit, and held more memory.
const auditConcurrency = 8

func newAuditCmd(deps *Deps, build BuildInfo, runF func(context.Context, *auditOptions) error) *cobra.Command {
	opts := &auditOptions{deps: deps, build: build}
	var rules strings.Builder
	for _, r := range access.AuditRules {
		fmt.Fprintf(&rules, "  %-20s %-6s %s\n", r.ID, r.Severity, r.Summary)
	}
	cmd := &cobra.Command{
		Use:   "audit (--cluster NAME... | --all-clusters | --all-regions) [--fail-on LEVEL] [--fix [--dry-run] [--yes]]",
		Short: "Find access entries that grant nothing, and other access to review; repair what can be",
		Long: `Read each cluster's access entries and policies, and IAM, and report what is
wrong, each finding with its rule, severity, cluster, principal, what is
wrong and the commands that fix it:

` + rules.String() + `
EKS keeps an entry's principal by its IAM unique ID: a role or user deleted
and created again, or an IAM Identity Center permission set re-provisioned,
leaves an entry that looks right and grants nothing (kubectl: "You must be
logged in to the server (Unauthorized)"). A recreated principal is seen by
IAM's CreateDate being later than the entry's createdAt. IAM is read once
per principal of each account (GetRole, GetUser; ListRoles for Identity
Center roles IAM no longer has). Where IAM cannot be read (access denied, a principal of
another account), a warning line says which checks were not made, and the
audit goes on: the exit code does not change for it. The fix commands
carry --region when the audit was given one, so they reach the same
cluster from another shell.

--fail-on high|medium|low|never (default high): exit 8 when a finding at
or above that severity was reported. A cluster that cannot be read is
reported in its row (and on stderr); the others still run, and the exit
code is the highest.

A fleet (docs/guides/fleets.md): --cluster may be repeated, --all-clusters
reads every cluster of each region, --region and --profile may be given
more than once, and --all-regions reads every region of the partition
(alone, every cluster of each; a region the account has not enabled is
named on stderr and skipped). Regions and accounts are read side by side,
each at its own API limit; IAM is read in each account with its own
credentials. When the audit spans regions or accounts, each cluster and
finding carries its account (and profile), the table an ACCOUNT column
when there are several, and the fix commands --region and --profile, so
that they run as printed.

--fix repairs recreated-principal and sso-reprovisioned in place: the
entry is deleted and created again, with the same type, username, groups,
tags and policies, for the new role where it changed (over a fleet, each
cluster in its own region and account). The plan of every cluster is shown
first (on stderr), then, as with apply, one question on a terminal (--yes
skips it; without a terminal --yes is required), --dry-run shows the plan
and changes nothing, and no change locks you out without --force. Entries
of deleted principals are never deleted by --fix: the delete command does.
The exit code then counts what remains: the findings repaired are marked
"fixed". A question declined sends nothing and exits 2, as with apply.

-o table groups the findings by cluster; -o json and yaml print

  {"clusters": [{"name", "account", "profile", "region", "arn",
     "authenticationMode", "entries",
     "error" (only when the cluster could not be read)}],
   "findings": [{"rule", "severity", "cluster", "region", "account",
     "profile", "principal", "message", "fix": [commands], "replaceWith",
     "fixed"}],
   "unchecked": [what IAM could not tell]}

("account" and "profile" when the audit spans regions or accounts;
--query "findings[?severity=='high'].principal"); -o sarif prints a SARIF
2.1.0 log for code scanning (github/codeql-action/upload-sarif): a rule per
rule id, a result per finding, located at eks/ACCOUNT/REGION/CLUSTER.`,
		Example: `  eksaccess audit --cluster prod --cluster staging
  eksaccess audit --all-clusters --fail-on medium -o sarif > eksaccess.sarif
  eksaccess audit --all-regions --fail-on high -o json > audit.json
  eksaccess audit --all-regions --profile prod --profile staging -o sarif > eksaccess.sarif
  eksaccess audit --cluster prod --fix --dry-run
  eksaccess audit --cluster prod --fix --yes`,
		Args:        cmdutil.NoArgs,
		Annotations: map[string]string{annotationSARIF: "yes"},
		RunE:        runE(opts, runF, runAudit),
	}
	addFleetFlags(cmd, &opts.fleet)
	f := cmd.Flags()
	f.Var(&opts.failOn, "fail-on", "exit 8 when a finding of this severity or worse is reported: high, medium, low or never")
	f.BoolVar(&opts.fix, "fix", false, "repair recreated-principal and sso-reprovisioned entries (delete and create again), after showing the plan")
	f.BoolVarP(&opts.yes, "yes", "y", false, "with --fix: do not ask for confirmation")
	f.BoolVar(&opts.dryRun, "dry-run", false, "with --fix: print the plan and change nothing")
	f.BoolVar(&opts.force, "force", false, "with --fix: skip the lockout check")
	f.IntVar(&opts.concurrency, "concurrency", cmdutil.BulkConcurrency, cmdutil.ConcurrencyUsage)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(access.FailOnLevels, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *auditOptions) validate(cmd *cobra.Command) error {
	if err := o.fleet.require(o.deps); err != nil {
		return err
	}
	if !o.fix {
		for _, name := range []string{"yes", "dry-run", "force"} {
			if cmd.Flags().Changed(name) {
				return cmdutil.WithHint(cmdutil.UsageErrorf("--%s goes with --fix", name), "audit alone changes nothing: add --fix to repair what it finds")
			}
		}
	}
	if o.concurrency < 1 {
		return cmdutil.UsageErrorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	if o.fix {
		if err := requireYes(o.deps, o.yes, o.dryRun); err != nil {
			return cmdutil.WithHint(err, "review the plan first with --fix --dry-run, then run it with --fix --yes")
		}
	}
	o.color = stderrColor(cmd, o.deps)
	o.region = regionGiven(cmd)
	return nil
}

// auditDoc is audit's JSON and YAML document.
type auditDoc struct {
	Clusters  []*auditCluster  `json:"clusters"`
	Findings  []access.Finding `json:"findings"`
	Unchecked []string         `json:"unchecked"`
}

// auditCluster is one cluster as audit read it, or its error.
type auditCluster struct {
	Name string `json:"name"`
	// Account and Profile: in a fleet audit (several clusters, regions or
	// profiles).
	Account            string `json:"account,omitempty"`
	Profile            string `json:"profile,omitempty"`
	Region             string `json:"region"`
	ARN                string `json:"arn,omitempty"`
	AuthenticationMode string `json:"authenticationMode,omitempty"`
	Entries            int    `json:"entries"`
	Error              string `json:"error,omitempty"`

	client *eksapi.Client
	target fleet.Target
	caller string // who runs the audit in the cluster's account (STS)
	live   []plan.Live
	err    error
}

func runAudit(ctx context.Context, o *auditOptions) error {
	read := readFleet(ctx, o.deps, &o.fleet, fleetClusterConcurrency, func(ctx context.Context, c *eksapi.Client, t fleet.Target) (*auditCluster, error) {
		ac := &auditCluster{Name: t.Cluster, Region: c.Region(), client: c}
		ac.read(ctx, access.ClusterName(t.Cluster), o.concurrency)
		return ac, ac.err
	})
	// The account (and profile) of each cluster and finding when the audit
	// spans regions or accounts; several clusters of one region read as
	// before.
	sc := o.deps.scope()
	many := read.wide() || o.fleet.allRegions || len(sc.Regions) > 1 || len(sc.Profiles) > 1
	clusters := make([]*auditCluster, len(read.results))
	for i, r := range read.results {
		c := r.Value
		if c == nil {
			c = &auditCluster{Name: r.Cluster, Region: r.Region, err: r.Err}
			if r.Err != nil {
				c.Error = r.Err.Error()
			}
		}
		c.target = r.Target
		if many {
			c.Account, c.Profile = r.Account, r.Profile
		}
		clusters[i] = c
	}

	if ctx.Err() != nil {
		return auditStopped(ctx, read)
	}

	// IAM, and who runs the audit, per account: each account's principals
	// are read once (in its own IAM), and the fix commands carry --force
	// where the lockout guard would take an entry for the caller's own
	// (--fix applies the guard).
	accounts, order, err := o.readAccounts(ctx, clusters)
	if err != nil {
		if ctx.Err() != nil {
			return auditStopped(ctx, read)
		}
		return err
	}
	doc := auditDoc{Clusters: clusters, Findings: []access.Finding{}, Unchecked: []string{}}
	for _, k := range order {
		for _, w := range accounts[k].iam.warnings() {
			if !slices.Contains(doc.Unchecked, w) {
				doc.Unchecked = append(doc.Unchecked, w)
			}
		}
	}
	for _, c := range clusters {
		if c.err != nil {
			continue
		}
		a := accounts[accountKey(c.target)]
		c.caller = a.caller
		facts := c.facts(a.iam, a.caller)
		facts.CommandRegion, facts.Scope = o.scope(c.target, a.region)
		for _, f := range access.Audit(facts) {
			if many {
				f.Account, f.Profile = c.Account, c.Profile
			}
			doc.Findings = append(doc.Findings, f)
		}
	}
	cmdutil.Warn(o.deps.IO.ErrOut, doc.Unchecked...)

	var fixErr error
	if o.fix {
		fixErr = o.repair(ctx, clusters, doc.Findings)
		if cmdutil.StoppedBy(ctx, fixErr) {
			return fixErr // Ctrl-C, SIGTERM, --timeout: the report says what was made
		}
	}

	code := cmdutil.ExitOK
	for _, f := range doc.Findings {
		if !f.Fixed && o.failOn.Fails(f.Severity) {
			code = max(code, cmdutil.ExitFindings)
		}
	}
	if err := o.print(doc); err != nil {
		return err
	}
	// Each cluster that failed, on stderr; the highest exit code of
	// theirs, of the findings and of the repair.
	ferr := finishFleet(ctx, o.deps, read)
	if cmdutil.StoppedBy(ctx, ferr) {
		return ferr
	}
	code = max(code, cmdutil.ExitCode(ferr))
	switch {
	case cmdutil.ExitCode(fixErr) == cmdutil.ExitUsage:
		// The plan's question declined (or --timeout ran out at it):
		// nothing was sent, and that exits 2, as every declined
		// question does (apply, delete, auth-mode), findings or not.
		return fixErr
	case fixErr != nil:
		return cmdutil.WithCode(fixErr, max(code, cmdutil.ExitCode(fixErr)))
	}
	if ferr != nil && cmdutil.ExitCode(ferr) == code {
		return ferr
	}
	if code != cmdutil.ExitOK {
		return cmdutil.Silent(code) // each failure and finding was reported
	}
	return nil
}

// auditStopped is audit's report when Ctrl-C, SIGTERM or --timeout
// stopped the read: how much was read, and that nothing is reported (a
// cluster without its IAM checks would read as clean).
func auditStopped[R any](ctx context.Context, r fleetRead[R]) error {
	read := 0
	for _, res := range r.results {
		if !errors.Is(res.Err, fleet.ErrStopped) && res.Cluster != "" {
			read++
		}
	}
	msg := fmt.Sprintf("stopped after reading %d of %d clusters: the audit is not complete, and no finding is reported", read, len(r.results))
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		msg = "--timeout ran out: " + msg
	}
	return &reportError{msg, ctx.Err()}
}

// auditAccount is what audit reads once per account: its IAM, and who
// runs the audit there (STS), through the base client of the profile that
// reads the account.
type auditAccount struct {
	iam    *auditIAM
	caller string
	region string // the profile's own region: a fix in another names its --region
}

func accountKey(t fleet.Target) string { return t.Profile + "\x00" + t.Account }

// readAccounts reads, for each account of the clusters read, who the
// caller is and what IAM says of its entries' principals, the accounts
// side by side. order is the accounts' keys in the clusters' order.
func (o *auditOptions) readAccounts(ctx context.Context, clusters []*auditCluster) (accounts map[string]*auditAccount, order []string, err error) {
	groups := map[string][]*auditCluster{}
	var keys []string
	for _, c := range clusters {
		if c.err != nil {
			continue
		}
		k := accountKey(c.target)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], c)
	}
	out := map[string]*auditAccount{}
	errs := make([]error, len(keys))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			profile := groups[k][0].target.Profile
			base, err := o.deps.scope().open(ctx, profile, "")
			if err != nil {
				errs[i] = err
				return
			}
			caller, err := base.CallerIdentity(ctx)
			if err != nil {
				errs[i] = stsHint(ctx, err)
				return
			}
			a := &auditAccount{iam: &auditIAM{client: base, ids: map[string]access.Identity{}}, caller: caller, region: base.Region()}
			if err := a.iam.lookup(ctx, groups[k]); err != nil {
				errs[i] = err
				return
			}
			mu.Lock()
			out[k] = a
			mu.Unlock()
		})
	}
	wg.Wait()
	return out, keys, errors.Join(errs...)
}

// scope is what a fix command of t's cluster needs to run as printed:
// its --region when regions were named (or every region read), or t is not
// in the profile's own region; --profile when one was given.
func (o *auditOptions) scope(t fleet.Target, own string) (region string, flags []string) {
	if o.region || len(o.deps.scope().Regions) > 0 || o.fleet.allRegions || (t.Region != "" && t.Region != own) {
		region = t.Region
	}
	if t.Profile != "" {
		flags = append(flags, "--profile", t.Profile)
	}
	return region, flags
}

func (c *auditCluster) read(ctx context.Context, name access.ClusterName, concurrency int) {
	cl, err := c.client.DescribeCluster(ctx, name)
	if err == nil {
		c.ARN, c.AuthenticationMode = cl.ARN, cl.AuthenticationMode
		if !strings.EqualFold(cl.AuthenticationMode, string(modeConfigMap)) {
			c.live, err = apply.ReadLive(ctx, c.client, name, apply.ReadOptions{Concurrency: concurrency})
		}
	}
	if err != nil {
		c.err, c.Error, c.live = err, err.Error(), nil
	}
	c.Entries = len(c.live)
}

// facts are what access.Audit judges of c.
func (c *auditCluster) facts(iam *auditIAM, caller string) access.ClusterAudit {
	a := access.ClusterAudit{Cluster: c.Name, Region: c.Region, AuthMode: c.AuthenticationMode, Caller: caller}
	if parsed, err := arn.Parse(c.ARN); err == nil {
		a.Account = parsed.AccountID
	}
	for _, l := range c.live {
		a.Entries = append(a.Entries, access.AuditEntry{
			EntryFacts: access.EntryFacts{Entry: l.Entry, Policies: l.AssociatedAccessPolicies},
			Identity:   iam.identity(l.PrincipalARN),
		})
	}
	return a
}

// auditIAM is what IAM says of the entries' principals, each read once
// for every cluster, several side by side. Once IAM denies a read, it is
// not asked again (each read would be denied too).
type auditIAM struct {
	client *eksapi.Client

	mu     sync.Mutex
	ids    map[string]access.Identity
	denied string              // why IAM refused, once it did
	groups map[string][]string // principals not checked, by why
	order  []string            // the whys, in the order met
	lines  []string            // other warnings
}

// The checks an entry's principal loses when IAM cannot be read.
const iamChecks = "recreated-principal, deleted-principal and sso-reprovisioned were not checked"

// identity is the identity of an entry's principal: as IAM has it, or as
// the entry names it when IAM was not read.
func (a *auditIAM) identity(p access.PrincipalARN) access.Identity {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id, ok := a.ids[p.String()]; ok {
		return id
	}
	return access.PrincipalIdentity(p)
}

// lookup reads IAM for every distinct principal of the clusters' entries
// (GetRole or GetUser), then, for IAM Identity Center roles IAM no longer
// has, the roles of their permission sets (ListRoles, once).
func (a *auditIAM) lookup(ctx context.Context, clusters []*auditCluster) error {
	var principals []access.PrincipalARN
	seen := map[string]bool{}
	for _, c := range clusters {
		for _, l := range c.live {
			if p := l.PrincipalARN; !seen[p.String()] && (p.IsRole() || p.IsUser()) {
				seen[p.String()] = true
				principals = append(principals, p)
			}
		}
	}
	slices.SortFunc(principals, func(x, y access.PrincipalARN) int { return strings.Compare(x.String(), y.String()) })
	errs := make([]error, len(principals))
	sem := make(chan struct{}, auditConcurrency)
	var wg sync.WaitGroup
	for i, p := range principals {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = a.lookupOne(ctx, p)
		})
	}
	wg.Wait()
	// Only a stop (Ctrl-C, SIGTERM, --timeout) fails a lookup, and it
	// stops them all alike: one says it.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return a.reprovisioned(ctx)
}

func (a *auditIAM) lookupOne(ctx context.Context, p access.PrincipalARN) error {
	a.mu.Lock()
	denied := a.denied
	a.mu.Unlock()
	if denied != "" {
		a.unchecked(denied, p)
		return nil
	}
	id := access.PrincipalIdentity(p)
	got, err := a.client.LookupPrincipal(ctx, p)
	var u *eksapi.UncheckedError
	switch {
	case err == nil:
		id = id.WithIAM(got.ARN, got.Created)
	case errors.As(err, &u):
		why := u.Why
		if errors.Is(err, eksapi.ErrAccessDenied) {
			a.mu.Lock()
			if a.denied == "" {
				a.denied = why
			}
			why = a.denied
			a.mu.Unlock()
		}
		a.unchecked(why, p)
		return nil
	case errors.Is(err, eksapi.ErrNotFound):
		// No role or user of the entry's ARN (or only under another
		// path, which EKS does not match): the one it was made for is gone.
		id.Gone = true
	case cmdutil.StoppedBy(ctx, err):
		return err
	default:
		a.mu.Lock()
		a.lines = append(a.lines, fmt.Sprintf("could not check %s: %v: %s for it", p, err, iamChecks))
		a.mu.Unlock()
		return nil
	}
	a.mu.Lock()
	a.ids[p.String()] = id
	a.mu.Unlock()
	return nil
}

// unchecked records that p's IAM checks were not made, and why.
func (a *auditIAM) unchecked(why string, p access.PrincipalARN) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.groups == nil {
		a.groups = map[string][]string{}
	}
	if _, ok := a.groups[why]; !ok {
		a.order = append(a.order, why)
	}
	a.groups[why] = append(a.groups[why], p.String())
}

// reprovisioned finds, for each IAM Identity Center role IAM no longer
// has, the role IAM now has for its permission set, if any (ListRoles of
// Identity Center's path, once).
func (a *auditIAM) reprovisioned(ctx context.Context) error {
	var gone []string
	for p, id := range a.ids {
		if id.Gone && id.Kind == "role" && access.SSOPermissionSet(p) != "" {
			gone = append(gone, p)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	slices.Sort(gone)
	roles, err := a.client.ListRoles(ctx, ssoRolePath)
	var u *eksapi.UncheckedError
	switch {
	case errors.As(err, &u):
		a.lines = append(a.lines, fmt.Sprintf("%s: whether the permission sets of %s were re-provisioned is unknown (their entries are reported as deleted-principal)", u.Warning(), strings.Join(gone, ", ")))
		return nil
	case err != nil:
		return err
	}
	for _, p := range gone {
		id := a.ids[p]
		if r := newestSSORole(roles, p); r.ARN != "" {
			id.ReprovisionedAs = r.ARN
		}
		a.ids[p] = id
	}
	return nil
}

// newestSSORole is the newest role of roles of principal's IAM Identity
// Center permission set, in its account (zero for none).
func newestSSORole(roles []eksapi.IAMPrincipal, principal string) eksapi.IAMPrincipal {
	var newest eksapi.IAMPrincipal
	ps := access.SSOPermissionSet(principal)
	for _, role := range roles {
		if ps != "" && access.SSOPermissionSet(role.ARN) == ps && sameAccount(role.ARN, principal) && role.Created.After(newest.Created) {
			newest = role
		}
	}
	return newest
}

// warnings are the lines saying which checks IAM could not make: a line
// per cause (a denial, another account), naming the principals.
func (a *auditIAM) warnings() []string {
	out := []string{}
	for _, why := range a.order {
		ps := a.groups[why]
		slices.Sort(ps)
		shown := ps
		more := ""
		if len(ps) > 10 {
			shown, more = ps[:10], fmt.Sprintf(" and %d more", len(ps)-10)
		}
		out = append(out, fmt.Sprintf("could not check %d IAM %s (%s): %s for %s%s",
			len(ps), plural(len(ps), "principal", "principals"), why, iamChecks, strings.Join(shown, ", "), more))
	}
	return append(out, a.lines...)
}

// repair is --fix: it plans the repair of every finding that has one
// (access.Finding.ReplaceWith), shows the plan, asks as apply does, and
// makes it through apply's executor: each entry's delete first, then its
// create. The findings repaired are marked Fixed.
func (o *auditOptions) repair(ctx context.Context, clusters []*auditCluster, findings []access.Finding) error {
	var plans []clusterPlan
	var notes []string
	pairs := map[int]map[string]int{} // plan index -> old principal -> finding index
	for _, c := range clusters {
		if c.err != nil {
			continue
		}
		p := plan.Plan{Cluster: access.ClusterName(c.Name), Region: c.Region}
		byPrincipal := map[string]int{}
		creates := map[string]bool{}
		for i := range c.live {
			creates[c.live[i].PrincipalARN.String()] = true
		}
		caller := c.caller
		if o.force {
			caller = ""
		}
		opts := plan.Options{Caller: caller, ConfigMap: strings.EqualFold(c.AuthenticationMode, string(modeAPIAndConfigMap))}
		for fi, f := range findings {
			if f.Cluster != c.Name || f.Region != c.Region || f.Account != c.Account || f.Profile != c.Profile {
				continue
			}
			if f.Rule == access.RuleDeleted {
				notes = append(notes, fmt.Sprintf("cluster %s: the entry of %s, whose principal was deleted, is left: --fix never deletes one (%s)",
					c.Name, f.Principal, strings.Join(f.Fix, "; ")))
			}
			if f.ReplaceWith == "" {
				continue
			}
			li := slices.IndexFunc(c.live, func(l plan.Live) bool { return l.PrincipalARN.String() == f.Principal })
			to, err := access.ParseEntryPrincipal(f.ReplaceWith)
			if li < 0 || err != nil {
				continue
			}
			if f.ReplaceWith != f.Principal && creates[f.ReplaceWith] {
				notes = append(notes, fmt.Sprintf("cluster %s: %s has an entry already (or another repair creates it): the entry of %s is left for you to compare and delete",
					c.Name, f.ReplaceWith, f.Principal))
				continue
			}
			creates[f.ReplaceWith] = true
			p.Changes = append(p.Changes, plan.Repair(p.Cluster, c.live[li], to, opts)...)
			byPrincipal[f.Principal] = fi
		}
		if len(p.Changes) > 0 {
			pairs[len(plans)] = byPrincipal
			plans = append(plans, clusterPlan{target: accessfile.Cluster{Name: p.Cluster, Region: c.Region}, client: c.client, plan: p, caller: caller})
		}
	}
	for _, cp := range plans {
		plan.Render(o.deps.IO.ErrOut, cp.plan, o.color, false, output.Sanitize)
	}
	for _, n := range notes {
		fmt.Fprintln(o.deps.IO.ErrOut, output.Sanitize("note: "+n))
	}
	count := countChanges(plans)
	if len(plans) == 0 {
		fmt.Fprintln(o.deps.IO.ErrOut, "audit --fix: nothing to repair")
		return nil
	}
	if o.dryRun || count.total()+count.refuse == 0 {
		return nil
	}
	if !o.yes && count.total() > 0 {
		if err := confirmPlans(ctx, o.deps, plans, count); err != nil {
			return err
		}
	}
	ao := &applyOptions{planOptions: planOptions{deps: o.deps, concurrency: o.concurrency}, rerun: "eksaccess audit"}
	results := o.applyRepairs(ctx, ao, plans, count.total())
	for pi, r := range results {
		if r == nil {
			continue
		}
		for old, fi := range pairs[pi] {
			if repaired(r, old, findings[fi].ReplaceWith) {
				findings[fi].Fixed = true
			}
		}
	}
	sums := summarize(plans, results)
	ao.reportResults(sums, results)
	ao.warnUnchecked(results)
	err := resultErrors(ctx, results, "audit --fix")
	// A repair that stopped after its delete, its create failed or not
	// sent, left no entry: a second audit cannot see it, so running audit
	// --fix again does not finish it. Its create is for the user to run.
	// (A create in flight or made in part is reported as apply reports it.)
	var lost []string
	for pi, r := range results {
		for old, fi := range pairs[pi] {
			d, c := outcomeOf(r, old, plan.ActionDelete), outcomeOf(r, findings[fi].ReplaceWith, plan.ActionCreate)
			if d != nil && d.State() == apply.StateDone && (c == nil || len(c.Done) == 0 && (c.State() == apply.StateFailed || c.State() == apply.StateNotStarted)) {
				lost = append(lost, findings[fi].Recreate)
			}
		}
	}
	if len(lost) > 0 {
		slices.Sort(lost)
		err = cmdutil.WithHint(err, "%d old %s deleted and not created again, which a second audit cannot see: create %s: %s",
			len(lost), plural(len(lost), "entry was", "entries were"), plural(len(lost), "it", "them"), strings.Join(lost, "; "))
	}
	return err
}

// applyRepairs makes the plans' changes in two rounds, each through
// apply's executor: every delete, then the creates whose entry's delete
// was made (a create of the same ARN before its delete would fail; one
// whose delete failed is not sent). Refused repairs are reported with the
// creates.
func (o *auditOptions) applyRepairs(ctx context.Context, ao *applyOptions, plans []clusterPlan, total int) []*apply.Result {
	deletes := make([]clusterPlan, len(plans))
	creates := make([]clusterPlan, len(plans))
	for i, cp := range plans {
		deletes[i], creates[i] = cp, cp
		deletes[i].plan.Changes, creates[i].plan.Changes = nil, nil
		for _, c := range cp.plan.Changes {
			if c.Action == plan.ActionDelete {
				deletes[i].plan.Changes = append(deletes[i].plan.Changes, c)
			} else {
				creates[i].plan.Changes = append(creates[i].plan.Changes, c)
			}
		}
	}
	first := ao.applyAll(ctx, deletes, total)
	var held [][]apply.Outcome // per plan, the creates not sent
	for i, cp := range plans {
		var kept []plan.Change
		var notSent []apply.Outcome
		for j, c := range cp.plan.Changes {
			if c.Action != plan.ActionCreate || j == 0 || cp.plan.Changes[j-1].Action != plan.ActionDelete {
				if c.Action != plan.ActionDelete {
					kept = append(kept, c)
				}
				continue
			}
			old := cp.plan.Changes[j-1].Principal.String()
			if d := outcomeOf(first[i], old, plan.ActionDelete); d != nil && d.State() == apply.StateDone {
				kept = append(kept, c)
				continue
			}
			o := apply.Outcome{Principal: c.Principal.String(), Action: c.Action, Err: ctx.Err()}
			if d := outcomeOf(first[i], old, plan.ActionDelete); d != nil && d.Err != nil && ctx.Err() == nil {
				o.Err = fmt.Errorf("not sent: the delete of the old entry of %s did not finish: %w", old, d.Err)
			}
			notSent = append(notSent, o)
		}
		creates[i].plan.Changes = kept
		held = append(held, notSent)
	}
	second := ao.applyAll(ctx, creates, total)
	out := make([]*apply.Result, len(plans))
	for i, cp := range plans {
		r := &apply.Result{Cluster: cp.plan.Cluster, Region: cp.plan.Region}
		for _, part := range []*apply.Result{first[i], second[i]} {
			if part != nil {
				r.Outcomes = append(r.Outcomes, part.Outcomes...)
			}
		}
		r.Outcomes = append(r.Outcomes, held[i]...)
		if len(r.Outcomes) > 0 {
			out[i] = r
		}
	}
	return out
}

func outcomeOf(r *apply.Result, principal string, action plan.Action) *apply.Outcome {
	if r == nil {
		return nil
	}
	for i := range r.Outcomes {
		if r.Outcomes[i].Principal == principal && r.Outcomes[i].Action == action {
			return &r.Outcomes[i]
		}
	}
	return nil
}

// repaired reports whether the repair of old's entry as to's was made:
// its delete and its create.
func repaired(r *apply.Result, old, to string) bool {
	d, c := outcomeOf(r, old, plan.ActionDelete), outcomeOf(r, to, plan.ActionCreate)
	return d != nil && c != nil && d.State() == apply.StateDone && c.State() == apply.StateDone
}

// print prints the audit: -o sarif a SARIF log, else the document (and
// the table grouped by cluster).
func (o *auditOptions) print(doc auditDoc) error {
	if o.deps.Output.Format == output.SARIF {
		return o.deps.print(output.Result{Doc: sarifLog(doc, o.build)})
	}
	t := output.Table{Header: []string{"CLUSTER", "REGION", "SEVERITY", "RULE", "PRINCIPAL", "FIX"}}
	// An ACCOUNT column first when the clusters are in several accounts.
	accounts := map[string]bool{}
	for _, c := range doc.Clusters {
		accounts[c.Profile+"/"+c.Account] = true
	}
	several := len(accounts) > 1
	if several {
		t.Header = append([]string{"ACCOUNT"}, t.Header...)
	}
	add := func(c *auditCluster, row ...string) {
		if several {
			row = append([]string{c.Account}, row...)
		}
		t.Rows = append(t.Rows, row)
	}
	for _, c := range doc.Clusters {
		name := c.Name
		if name == "" {
			name = "-" // a region or profile that could not be read
		}
		if c.err != nil {
			add(c, name, c.Region, "error", "", "", c.Error)
			continue
		}
		n := 0
		for _, f := range doc.Findings {
			if f.Cluster != c.Name || f.Region != c.Region || f.Account != c.Account || f.Profile != c.Profile {
				continue
			}
			n++
			rule, fix := f.Rule, ""
			if f.Fixed {
				rule += " (fixed)"
			}
			if len(f.Fix) > 0 {
				fix = f.Fix[0]
			}
			add(c, c.Name, c.Region, string(f.Severity), rule, f.Principal, fix)
		}
		if n == 0 {
			add(c, c.Name, c.Region, "none", "", "", "")
		}
	}
	return o.deps.print(output.Result{Doc: doc, Table: t})
}
