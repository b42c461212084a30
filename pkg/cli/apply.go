package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// planOptions are what apply and diff share: the file and how to plan.
type planOptions struct {
	deps           *Deps
	file           string
	prune          bool
	pruneUnmanaged bool
	force          bool
	concurrency    int
	verbose        bool
	color          bool // the plan on stderr in colour (stderrColor)

	loaded *accessfile.File
	caller string // who runs the command (STS), for the lockout checks; "" with --force
}

func (o *planOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.file, "filename", "f", "", "apply `file`: eksaccess's format or an eksctl ClusterConfig; - reads stdin")
	f.BoolVar(&o.prune, "prune", false, "delete entries the file does not name: only those apply created for the file's owner (tags "+plan.ManagedTagKey+"="+plan.ManagedTagValue+" and "+plan.OwnerTagKey+"), never node entries")
	f.BoolVar(&o.pruneUnmanaged, "prune-unmanaged", false, "with --prune, also delete entries apply did not create (still never node entries, nor another owner's)")
	f.BoolVar(&o.force, "force", false, "skip the lockout check: allow changes that remove your own access")
	f.IntVar(&o.concurrency, "concurrency", cmdutil.BulkConcurrency, cmdutil.ConcurrencyUsage)
	f.BoolVar(&o.verbose, "verbose", false, "also list the entries the plan leaves alone, and why (-o json/yaml: under ignored, with a prune code)")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
}

// validate checks the flags and loads the file: a bad file is exit 2 and
// nothing is sent. The plan on stderr is coloured as stderr allows.
func (o *planOptions) validate(cmd *cobra.Command) error {
	if o.file == "" {
		return cmdutil.WithHint(cmdutil.UsageErrorf("-f/--filename is required"), "give the apply file: -f access.yaml, or -f - to read stdin; `eksaccess export --cluster NAME` writes one")
	}
	if o.pruneUnmanaged && !o.prune {
		return cmdutil.UsageErrorf("--prune-unmanaged needs --prune")
	}
	if o.concurrency < 1 {
		return cmdutil.UsageErrorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	name, data, err := cmdutil.ReadInput(cmd.Context(), o.file, o.deps.IO.In)
	if err != nil {
		return err
	}
	loaded, err := accessfile.Load(name, bytes.NewReader(data))
	if err != nil {
		return cmdutil.UsageError(err)
	}
	o.loaded = loaded
	o.color = stderrColor(cmd, o.deps)
	return nil
}

// clusterPlan is one cluster's plan, or why it could not be made.
type clusterPlan struct {
	target accessfile.Cluster
	client *eksapi.Client
	plan   plan.Plan
	err    error
	// caller, when set, is who writes to the cluster for the lockout
	// checks (audit --fix over several accounts), else applyOptions's.
	caller string
}

// planAll reads every cluster the file names and plans it, concurrently,
// and shows the plans on stderr (showPlans). What can be checked offline is checked first, for every cluster: a file
// that cannot apply to one of them is exit 2 and nothing is sent. A
// cluster that cannot be read is reported in its clusterPlan; the others
// go on.
func (o *planOptions) planAll(ctx context.Context) ([]clusterPlan, error) {
	client, err := o.deps.Client(ctx)
	if err != nil {
		return nil, err
	}
	// sso:NAME principals name the role IAM has for the permission set
	// now: resolved on every run, so that the plan follows a
	// re-provisioned permission set.
	if err := o.resolveSSO(ctx, client); err != nil {
		return nil, err
	}
	out := make([]clusterPlan, len(o.loaded.Clusters))
	seen := map[string]string{}
	for i, c := range o.loaded.Clusters {
		cl := client.ForRegion(c.Region)
		key := string(c.Name) + " in region " + cl.Region()
		if first, dup := seen[key]; dup {
			return nil, cmdutil.WithHint(cmdutil.UsageErrorf("cluster %s is listed twice in %s (as %s and %s)", key, o.loaded.Name, first, clusterLabel(c)),
				"list each cluster once; a cluster without a region takes the one in use")
		}
		seen[key] = clusterLabel(c)
		for _, e := range o.loaded.Entries {
			if err := access.CheckRegion(cl.Region(), e.Principal, policyRefs(e.Policies)...); err != nil {
				return nil, cmdutil.UsageError(fmt.Errorf("cluster %s: %w", key, err))
			}
		}
		out[i] = clusterPlan{target: c, client: cl}
	}
	if m := o.loaded.AuthenticationMode; m != "" {
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("%s sets accessConfig.authenticationMode %s: apply leaves the mode alone (eksaccess auth-mode --cluster %s shows and changes it)", o.loaded.Name, m, o.loaded.Clusters[0].Name))
	}
	opts := plan.Options{Prune: o.prune, PruneUnmanaged: o.pruneUnmanaged, Owner: o.loaded.Owner}
	if !o.force {
		caller, err := client.CallerIdentity(ctx)
		if err != nil {
			return nil, stsHint(ctx, err)
		}
		opts.Caller = caller
		o.caller = caller
	}
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.planOne(ctx, &out[i], opts)
		}()
	}
	wg.Wait()
	o.showPlans(out)
	return out, nil
}

// resolveSSO resolves the file's sso:NAME principals (one ListRoles for
// all of them), and refuses a file where two entries then name one role
// (an sso: name and the role's ARN): exit 2, nothing sent.
func (o *planOptions) resolveSSO(ctx context.Context, client *eksapi.Client) error {
	r := ssoResolver{client: client}
	first := map[string]string{}
	for i := range o.loaded.Entries {
		p := &o.loaded.Entries[i].Principal
		given := p.String()
		if err := r.resolve(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", o.loaded.Name, err)
		}
		if other, dup := first[p.String()]; dup {
			return cmdutil.WithHint(cmdutil.UsageErrorf("%s: %s and %s name the same role, %s", o.loaded.Name, other, given, p),
				"merge the two entries into one")
		}
		first[p.String()] = given
	}
	return nil
}

func clusterLabel(c accessfile.Cluster) string {
	if c.Region == "" {
		return string(c.Name)
	}
	return string(c.Name) + " (" + c.Region + ")"
}

func (o *planOptions) planOne(ctx context.Context, cp *clusterPlan, opts plan.Options) {
	name := cp.target.Name
	want := make([]access.CreateEntry, len(o.loaded.Entries))
	var refs []access.PolicyRef
	for i, e := range o.loaded.Entries {
		want[i] = e.Request(name)
		refs = append(refs, policyRefs(e.Policies)...)
	}
	// A typo in a policy name must fail before any entry is created, not
	// leave entries without their policies.
	if cp.err = checkPolicyExists(ctx, o.deps, cp.client, refs...); cp.err != nil {
		return
	}
	live, err := apply.ReadLive(ctx, cp.client, name, apply.ReadOptions{Concurrency: o.concurrency})
	if err != nil {
		cp.err = err
		return
	}
	if plan.CreatesOwnWithoutAdmin(opts.Caller, want, live) {
		// Your own new entry takes precedence over aws-auth where the
		// cluster honours it: the plan needs the mode to judge.
		cl, err := cp.client.DescribeCluster(ctx, name)
		if err != nil {
			cp.err = err
			return
		}
		opts.ConfigMap = cl.AuthenticationMode == string(modeAPIAndConfigMap)
	}
	cp.plan = plan.Build(name, cp.client.Region(), want, live, opts)
}

// showPlans prints the plans for people, on stderr.
func (o *planOptions) showPlans(plans []clusterPlan) {
	deletes := false
	for _, cp := range plans {
		if cp.err == nil {
			plan.Render(o.deps.IO.ErrOut, cp.plan, o.color, o.verbose, output.Sanitize)
			deletes = deletes || slices.ContainsFunc(cp.plan.Changes, func(c plan.Change) bool {
				return c.Action == plan.ActionDelete && c.Prune == plan.PruneOwn && c.ReplacedBy.IsZero()
			})
		}
	}
	if deletes && o.loaded.Owner == "" {
		// The default owner is every file without owner: (docs/guides/apply.md,
		// "Owners"): two such files on one cluster prune each other. Only
		// the default owner's own entries count (not --prune-unmanaged's).
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("%s names no owner: --prune deletes what any file without owner: created on these clusters, another team's too; give each file its own owner: NAME", o.loaded.Name))
	}
}

// stderrColor reports whether what cmd writes on stderr (a plan) may be
// coloured: stderr is a terminal, and neither --no-color nor NO_COLOR
// says otherwise. (Output.Color is stdout's.)
func stderrColor(cmd *cobra.Command, deps *Deps) bool {
	noColor, _ := cmd.Flags().GetBool("no-color")
	return !noColor && deps.Env("NO_COLOR") == "" && deps.IO.IsStderrTTY()
}

// machineOutput reports whether -o asks for a document (json, yaml).
func (o *planOptions) machineOutput() bool {
	f := o.deps.Output.Format
	return f == output.JSON || f == output.YAML
}

// printPlans prints the plans as data with -o json or yaml. A cluster
// that could not be planned is left out (stderr says why); when no cluster
// could be, nothing is printed: an empty list of plans would read as
// "nothing to do".
func (o *planOptions) printPlans(plans []clusterPlan) error {
	docs := planDocs(plans, o.verbose)
	if !o.machineOutput() || len(docs) == 0 && len(plans) > 0 {
		return nil
	}
	return o.deps.print(output.Result{Doc: applyDoc{Plans: docs}})
}

// planDocs are the plans as data; verbose adds the entries each leaves
// alone, and why (plan.VerboseDoc).
func planDocs(plans []clusterPlan, verbose bool) []plan.Doc {
	docs := make([]plan.Doc, 0, len(plans))
	for _, cp := range plans {
		switch {
		case cp.err != nil:
		case verbose:
			docs = append(docs, cp.plan.VerboseDoc())
		default:
			docs = append(docs, cp.plan.Doc())
		}
	}
	return docs
}

// planErrors joins the clusters that could not be planned, each named,
// with the highest exit code of theirs.
func planErrors(plans []clusterPlan) error {
	var errs []error
	code := 0
	for _, cp := range plans {
		if cp.err != nil {
			errs = append(errs, fmt.Errorf("cluster %s: %w", clusterLabel(cp.target), cp.err))
			code = max(code, cmdutil.ExitCode(cp.err))
		}
	}
	return cmdutil.WithCode(errors.Join(errs...), code)
}

type applyOptions struct {
	planOptions
	dryRun bool
	yes    bool
	// rerun is the command the executor's notices tell the user to run
	// again (apply.Executor.Rerun): "" is apply.
	rerun string
}

func newApplyCmd(deps *Deps, runF func(context.Context, *applyOptions) error) *cobra.Command {
	opts := &applyOptions{planOptions: planOptions{deps: deps}}
	cmd := &cobra.Command{
		Use:   "apply -f FILE [--prune] [--dry-run] [--yes]",
		Short: "Make clusters' access entries match a file, after showing the plan",
		Long: `Make the access entries of every cluster a file names match the file.

eksaccess reads each cluster's live state (every entry and its policies),
prints the plan on stderr (+ create, ~ update, - delete, ! refused), asks
on a terminal (--yes skips the question; without a terminal --yes is
required; the time at the question does not count against --timeout),
then makes the changes, several at a time (--concurrency), and says per
cluster what it did. Stopped by Ctrl-C or --timeout, it says per entry
what may have been applied and what was not started. A second apply of
the same file makes no write.

What the file says of an entry is the whole truth: groups and policies it
does not list are removed from the entry, and tags it lists are set (tags are
left alone when it lists none). A username the file does not set is EKS's
choice, and node entries keep what EKS gives them. A policy whose scope
changed is re-associated in place, in one call. Entries apply creates are
tagged ` + plan.ManagedTagKey + "=" + plan.ManagedTagValue + ` and, when the file names an owner
(owner: NAME), ` + plan.OwnerTagKey + `=NAME.

Entries the file does not name are left alone unless --prune: then those
apply created for the file's owner are deleted (--prune-unmanaged: those
no file owns too), never node entries, never another owner's. An entry of
another owner is never changed. No change that removes your own access is
made without --force.

A principal may be given as sso:NAME (sso:NAME@ACCOUNT), the role IAM
Identity Center provisioned for permission set NAME: apply resolves it on
every run (iam:ListRoles), so when the permission set is re-provisioned
(a new role, another suffix), the plan replaces the old role's entry, which
grants nothing, with the new role's; the old entry is deleted with or
without --prune when the file created it.

The file is eksaccess's own format (see ` + "`eksaccess export`" + `) or an eksctl
ClusterConfig (accessConfig.accessEntries). Several clusters are planned and
applied concurrently; the summary has a row per cluster, and the exit code
is the highest of theirs.`,
		Example: `  # Review, then apply
  eksaccess apply -f access.yaml

  # In CI: no question, and delete the entries apply made that the file dropped
  eksaccess apply -f access.yaml --yes --prune

  # Plan only (the same as eksaccess diff, without exit 7)
  eksaccess apply -f access.yaml --dry-run

  # An eksctl ClusterConfig, unchanged
  eksaccess apply -f cluster.yaml --yes`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runApply),
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.dryRun, "dry-run", false, "print the plan and change nothing")
	cmdutil.YesFlag(cmd, &opts.yes)
	return cmd
}

// validate checks the flags and loads the file. The file comes first: a
// missing -f, or a file that cannot be read or is malformed, is the error
// to fix before --yes matters.
func (o *applyOptions) validate(cmd *cobra.Command) error {
	if err := o.planOptions.validate(cmd); err != nil {
		return err
	}
	if err := requireYes(o.deps, o.yes, o.dryRun); err != nil {
		return cmdutil.WithHint(err, "review the plan first with eksaccess diff -f %s, or pass --dry-run", o.file)
	}
	return nil
}

// requireYes is the rule of the commands that show a plan and ask before
// they make it (apply, audit --fix): where no one can be asked, --yes (or
// --dry-run) is required, and nothing is sent without it.
func requireYes(deps *Deps, yes, dryRun bool) error {
	if !yes && !dryRun && !deps.IO.CanPrompt() {
		return cmdutil.UsageErrorf("--yes is required when stdin or stderr is not a terminal")
	}
	return nil
}

// confirmPlans asks whether to make the plans' changes (apply, audit
// --fix); a "no" is cmdutil.Confirm's error.
func confirmPlans(ctx context.Context, deps *Deps, plans []clusterPlan, count changeCount) error {
	q := fmt.Sprintf("Apply %d %s to %s (%s)?", count.total(), plural(count.total(), "change", "changes"), clusterNames(plans), count)
	return cmdutil.Confirm(ctx, deps.Confirm, q, "not applied")
}

func runApply(ctx context.Context, o *applyOptions) error {
	plans, err := o.planAll(ctx)
	if err != nil {
		return err
	}
	count := countChanges(plans)
	perr := planErrors(plans)
	if o.dryRun || count.total()+count.refuse == 0 {
		if err := o.printPlans(plans); err != nil {
			return err
		}
		return perr
	}
	if !o.yes && count.total() > 0 {
		if err := confirmPlans(ctx, o.deps, plans, count); err != nil {
			return err
		}
	}
	results := o.applyAll(ctx, plans, count.total())
	sums := summarize(plans, results)
	o.reportResults(sums, results)
	o.warnUnchecked(results)
	summary := summaryResult(sums)
	switch {
	case o.machineOutput():
		if err := o.deps.print(output.Result{Doc: applyDoc{Plans: planDocs(plans, o.verbose), Clusters: sums}}); err != nil {
			return err
		}
	case len(plans) > 1 || anyFailed(results):
		if err := o.deps.print(summary); err != nil {
			return err
		}
	}
	rerr := resultErrors(ctx, results, "apply")
	// Several causes: the highest exit code of theirs is apply's.
	return cmdutil.WithCode(errors.Join(perr, rerr), max(cmdutil.ExitCode(perr), cmdutil.ExitCode(rerr)))
}

// changeCount counts what the plans change, as their summary lines do:
// entries to create, update and delete, and those refused.
type changeCount struct{ create, update, delete, refuse int }

func countChanges(plans []clusterPlan) changeCount {
	var c changeCount
	for _, cp := range plans {
		if cp.err == nil {
			s := cp.plan.Summary()
			c.create += s.Create
			c.update += s.Update
			c.delete += s.Delete
			c.refuse += s.Refuse
		}
	}
	return c
}

// total is the entries the plans change (refused ones are not changed).
func (c changeCount) total() int { return c.create + c.update + c.delete }

// String says what the changes are: "30 to create, 2 to delete".
func (c changeCount) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{c.create, "create"}, {c.update, "update"}, {c.delete, "delete"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", p.n, p.verb))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// applyDoc is apply's document with -o json or yaml: the plans, and once
// applied, a summary per cluster.
type applyDoc struct {
	Plans    []plan.Doc       `json:"plans"`
	Clusters []clusterSummary `json:"clusters,omitempty"`
}

// applyAll applies every cluster's plan concurrently; the progress line
// on a terminal counts entries across clusters.
func (o *applyOptions) applyAll(ctx context.Context, plans []clusterPlan, total int) []*apply.Result {
	results := make([]*apply.Result, len(plans))
	var done atomic.Int64
	progress := cmdutil.NewProgress(o.deps.IO, progressAfter, "applied", "changes", total)
	defer progress.Stop()
	var wg sync.WaitGroup
	for i, cp := range plans {
		if cp.err != nil || cp.plan.Writes() == 0 && cp.plan.Summary().Refuse == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := apply.Executor{
				Client:      cp.client,
				Waiter:      eksapi.Waiter{Notify: func(msg string) { cmdutil.Warn(o.deps.IO.ErrOut, msg) }},
				Concurrency: o.concurrency,
				Progress:    func(int, int) { progress.Set(int(done.Add(1))) },
				Caller:      cmp.Or(cp.caller, o.caller),
				Rerun:       o.rerun,
			}
			r := x.Apply(ctx, cp.plan)
			results[i] = &r
		}()
	}
	wg.Wait()
	return results
}

func clusterNames(plans []clusterPlan) string {
	var names []string
	seen := map[access.ClusterName]int{}
	for _, cp := range plans {
		seen[cp.target.Name]++
	}
	for _, cp := range plans {
		if s := cp.plan.Summary(); cp.err == nil && s.Create+s.Update+s.Delete > 0 {
			name := string(cp.target.Name)
			if seen[cp.target.Name] > 1 { // one name in several regions (a fleet)
				name += " (" + cp.plan.Region + ")"
			}
			names = append(names, name)
		}
	}
	if len(names) == 1 {
		return "cluster " + names[0]
	}
	return "clusters " + strings.Join(names, ", ")
}

func anyFailed(results []*apply.Result) bool {
	for _, r := range results {
		if r != nil && len(r.Failed()) > 0 {
			return true
		}
	}
	return false
}

// resultErrors names every entry that did not finish, a line each, and
// says how a re-run of command (apply, audit --fix) converges, with the highest exit code of the
// failures: a failed entry with what was done of it; stopped (Ctrl-C,
// --timeout), an entry with a write on its way "may have been applied",
// one stopped between its writes "stopped part-way", one whose writes
// were all made but not checked after them says so and how to check, and
// one none of whose writes was sent "not started".
func resultErrors(ctx context.Context, results []*apply.Result, command string) error {
	code := 0
	var errs, notStarted []error
	refusedOnly, anyDone := true, false
	names := map[access.ClusterName]int{}
	for _, r := range results {
		if r != nil {
			names[r.Cluster]++
		}
	}
	for _, r := range results {
		if r == nil {
			continue
		}
		cluster := string(r.Cluster)
		if names[r.Cluster] > 1 { // one name in several regions (a fleet)
			cluster += " (" + r.Region + ")"
		}
		for _, out := range r.Outcomes {
			what := fmt.Sprintf("cluster %s: %s %s", cluster, out.Action, out.Principal)
			done := ""
			if len(out.Done) > 0 {
				done = " (done: " + strings.Join(out.Done, ", ") + ")"
			}
			switch out.State() {
			case apply.StateDone:
				anyDone = true
				continue
			case apply.StateNotStarted:
				notStarted = append(notStarted, &reportError{what + ": not started", out.Err})
			case apply.StateInFlight:
				errs = append(errs, &reportError{what + ": may have been applied" + done + "; run it again to converge", out.Err})
			case apply.StatePartial:
				errs = append(errs, &reportError{what + ": stopped part-way" + done + ", the rest not sent; run it again to converge", out.Err})
			case apply.StateUnchecked:
				checks, by := uncheckedChecks(r, out)
				errs = append(errs, &reportError{what + ": the change was made" + done + ", but apply stopped before checking " + checks + "; check by hand: " + by, out.Err})
			default:
				errs = append(errs, fmt.Errorf("%s%s: %w", what, done, out.Err))
			}
			code = max(code, cmdutil.ExitCode(out.Err))
			refusedOnly = refusedOnly && errors.Is(out.Err, apply.ErrRefused)
		}
	}
	if len(errs)+len(notStarted) == 0 {
		return nil
	}
	const shown = 20
	if len(notStarted) > shown {
		rest := len(notStarted) - shown
		notStarted = append(notStarted[:shown], &reportError{fmt.Sprintf("and %d more not started", rest), ctx.Err()})
	}
	errs = append(errs, notStarted...)
	hint := "fix the cause and run " + command + " again: it plans from the live state and makes only what is left"
	switch {
	case ctx.Err() != nil:
		lead := command + " did not finish"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			lead = "--timeout ran out: " + command + " did not finish"
		}
		errs = append([]error{&reportError{lead, ctx.Err()}}, errs...)
		hint = "run " + command + " again to finish: it plans from the live state and makes only what is left"
	case refusedOnly:
		hint = "nothing refused was changed; the reasons above say what would allow it"
	case anyDone:
		hint = "the other changes were made; " + hint
	}
	return cmdutil.WithCode(cmdutil.WithHint(errors.Join(errs...), "%s", hint), code)
}

// uncheckedChecks says which checks after an entry's writes were not
// made ("whether another writer changed it at the same time") and the
// command that shows the entry, to make them by hand.
func uncheckedChecks(r *apply.Result, out apply.Outcome) (checks, by string) {
	var words []string
	lockout := false
	for _, c := range out.Unchecked {
		words = append(words, string(c))
		lockout = lockout || c == apply.CheckLockout
	}
	by = fmt.Sprintf("eksaccess describe --cluster %s --region %s --principal %s", r.Cluster, r.Region, out.Principal)
	if lockout {
		by += " --with-policies"
	}
	return strings.Join(words, ", or "), by
}

// warnUnchecked warns, a line per entry, of the changes that were made
// but whose checks after the writes could not be made (their read failed:
// access denied, a 5xx after the retries): the change stands, exit 0, and
// the line says what to check by hand.
func (o *applyOptions) warnUnchecked(results []*apply.Result) {
	for _, r := range results {
		if r == nil {
			continue
		}
		for _, out := range r.Outcomes {
			if out.State() != apply.StateDone || len(out.Unchecked) == 0 {
				continue
			}
			checks, by := uncheckedChecks(r, out)
			cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("cluster %s: %s %s: the change was made, but apply could not check %s (reading the entry back failed: %v); check by hand: %s",
				r.Cluster, out.Action, out.Principal, checks, out.UncheckedErr, by))
		}
	}
}

// reportError is a line of apply's report that says in its own words what
// became of an entry; its cause (context.Canceled, an API error) stays in
// the chain for the exit code and the hints.
type reportError struct {
	msg   string
	cause error
}

func (e *reportError) Error() string { return e.msg }
func (e *reportError) Unwrap() error { return e.cause }

// summaryDoc is apply's result: a row per cluster.
type summaryDoc struct {
	Clusters []clusterSummary `json:"clusters"`
}

type clusterSummary struct {
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	// Created, Updated and Deleted count the entries whose change was made
	// (with apply stopped before the checks after it, too).
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
	// Failed counts the entries whose change failed.
	Failed int `json:"failed"`
	// Refused counts the entries the plan refused to change: nothing was
	// sent for them.
	Refused int `json:"refused"`
	// InFlight counts the entries apply stopped part-way through: a write
	// on its way (it may have been applied), or some writes made and the
	// rest not sent.
	InFlight int `json:"inFlight"`
	// NotStarted counts the entries apply stopped before any write of
	// theirs was sent.
	NotStarted int      `json:"notStarted"`
	Result     string   `json:"result"`
	Errors     []string `json:"errors"`

	partial   int // of InFlight, those stopped between two writes
	unchecked int // of the changes made, those stopped before the checks after them
}

// summarize says what became of each cluster's plan.
func summarize(plans []clusterPlan, results []*apply.Result) []clusterSummary {
	sums := []clusterSummary{}
	for i, cp := range plans {
		s := clusterSummary{Cluster: string(cp.target.Name), Region: cp.client.Region(), Errors: []string{}, Result: "in sync"}
		switch {
		case cp.err != nil:
			s.Result = "not planned"
			s.Errors = append(s.Errors, cp.err.Error())
		case results[i] != nil:
			s.Result = "applied"
			for _, out := range results[i].Outcomes {
				switch out.State() {
				case apply.StateDone, apply.StateUnchecked:
					switch out.Action {
					case plan.ActionCreate:
						s.Created++
					case plan.ActionUpdate:
						s.Updated++
					case plan.ActionDelete:
						s.Deleted++
					}
					if out.State() == apply.StateUnchecked {
						s.unchecked++
						checks, _ := uncheckedChecks(results[i], out)
						s.Errors = append(s.Errors, out.Principal+": the change was made, but apply stopped before checking "+checks)
					}
				case apply.StateNotStarted:
					s.NotStarted++
					s.Errors = append(s.Errors, out.Principal+": not started")
				case apply.StateInFlight:
					s.InFlight++
					s.Errors = append(s.Errors, out.Principal+": may have been applied; run it again to converge")
				case apply.StatePartial:
					s.InFlight++
					s.partial++
					s.Errors = append(s.Errors, out.Principal+": stopped part-way (done: "+strings.Join(out.Done, ", ")+"), the rest not sent; run it again to converge")
				case apply.StateRefused:
					s.Refused++
					s.Errors = append(s.Errors, out.Principal+": "+out.Err.Error())
				default:
					s.Failed++
					s.Errors = append(s.Errors, out.Principal+": "+out.Err.Error())
				}
			}
			switch {
			case s.InFlight+s.NotStarted+s.unchecked > 0:
				s.Result = "stopped"
			case s.Failed > 0:
				s.Result = "failed"
			case s.Refused > 0:
				s.Result = "refused"
			}
		}
		sums = append(sums, s)
	}
	return sums
}

// reportResults says on stderr, a line per cluster apply worked on, what
// became of its changes: "cluster demo (us-west-2): 3 created, 1 updated,
// 0 deleted", and what did not finish.
func (o *applyOptions) reportResults(sums []clusterSummary, results []*apply.Result) {
	for i, s := range sums {
		if results[i] == nil {
			continue
		}
		line := fmt.Sprintf("cluster %s (%s): %d created, %d updated, %d deleted", s.Cluster, s.Region, s.Created, s.Updated, s.Deleted)
		var rest []string
		for _, n := range []struct {
			n    int
			what string
		}{
			{s.Failed, "failed"},
			{s.Refused, "refused"},
			{s.unchecked, "not checked after writing"},
			{s.InFlight - s.partial, "may have been applied"},
			{s.partial, "stopped part-way"},
			{s.NotStarted, "not started"},
		} {
			if n.n > 0 {
				rest = append(rest, fmt.Sprintf("%d %s", n.n, n.what))
			}
		}
		if len(rest) > 0 {
			line += "; " + strings.Join(rest, ", ")
		}
		fmt.Fprintln(o.deps.IO.ErrOut, output.Sanitize(line))
	}
}

// summaryResult is the summary as a result: the document, and a table row
// per cluster.
func summaryResult(sums []clusterSummary) output.Result {
	var rows [][]string
	for _, s := range sums {
		rows = append(rows, []string{s.Cluster, s.Region, strconv.Itoa(s.Created), strconv.Itoa(s.Updated), strconv.Itoa(s.Deleted),
			strconv.Itoa(s.Failed), strconv.Itoa(s.Refused), strconv.Itoa(s.InFlight), strconv.Itoa(s.NotStarted), s.Result})
	}
	return output.Result{Doc: summaryDoc{Clusters: sums}, Table: output.Table{
		Header: []string{"CLUSTER", "REGION", "CREATED", "UPDATED", "DELETED", "FAILED", "REFUSED", "IN FLIGHT", "NOT STARTED", "RESULT"}, Rows: rows}}
}
