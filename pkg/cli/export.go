package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/exportfmt"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

type exportOptions struct {
	deps        *Deps
	cluster     access.ClusterName
	fleet       fleetFlags
	dir         string // --dir: a file per cluster (a fleet)
	concurrency int
	format      string
	ssoNames    bool
}

// The formats export --format writes.
const (
	exportEksaccess = "eksaccess"
	exportEksctl    = "eksctl"
	exportTerraform = "terraform"
)

var exportFormats = []string{exportEksaccess, exportEksctl, exportTerraform}

func newExportCmd(deps *Deps, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "export --cluster NAME",
		Short: "Write a cluster's access entries as an apply file, eksctl or Terraform",
		Long: `Read every access entry of a cluster (every page, with its policies) and
write it on stdout as an apply file: type, groups, the username when it is
not the one EKS would pick, tags and every policy with its scope.

Applying the file to the same cluster changes nothing, so export is how a
cluster comes under a file: export, edit, diff, apply. When the entries
owned by apply files (tag eksaccess/owner, or managed-by=eksaccess for the
default owner) all belong to one owner, the file names it (owner:); when
they belong to several, it names none and says so. Node entries are
written without the groups and username EKS sets for them; an entry a file
cannot state (an account root) is left out with a warning, and export
then exits 1 after writing the file: it is not the whole state.

--format eksctl writes the same entries as an eksctl ClusterConfig
(accessConfig.accessEntries, the owner in metadata.annotations), which
apply -f reads too; eksctl access entries have no tags, so the tags are
left out, with a warning (apply leaves tags alone when a file states
none). --format terraform writes HCL for the AWS provider: an
aws_eks_access_entry per entry and an aws_eks_access_policy_association
per policy, each with an import block, so that terraform plan adopts the
live entries instead of failing with 409 ResourceInUseException. It
writes every entry, the account root's too: Terraform can state them.

--sso-names writes each IAM Identity Center role as sso:NAME, the name of
its permission set (sso:NAME@ACCOUNT for another account's), in place of
the role's ARN, whose random suffix changes when the permission set is
re-provisioned: apply resolves the name on every run (iam:ListRoles). Two
entries of one permission set keep their ARNs, with a warning; so does the
entry of a role IAM no longer has (iam:ListRoles, once), which the name
would move to the permission set's new role. eksctl does
not read sso: names: a ClusterConfig written with them is for eksaccess
apply. Terraform takes ARNs only: --format terraform refuses --sso-names.

The apply file and the ClusterConfig are YAML: -o json, table and text
are refused (list --details -o json prints the entries as a JSON
document); with --format terraform, -o is refused.

Many clusters (docs/guides/fleets.md): --cluster repeated, --all-clusters,
--region and --profile more than once, or --all-regions, as list takes
them. An apply file gives its entries to every cluster it names, so a
fleet is written as a file per cluster under --dir:
DIR/ACCOUNT/REGION/CLUSTER.yaml, which apply -f and diff -f read back
(terraform: DIR/ACCOUNT/REGION/CLUSTER/access.tf, a directory each). A
table of the files written goes to stdout; a cluster that fails is
reported in its row and on stderr, and the exit code is the highest.`,
		Example: `  eksaccess export --cluster prod > access.yaml
  # A round trip changes nothing
  eksaccess export --cluster prod | eksaccess diff -f -
  # Adopt the live entries into Terraform: terraform plan shows imports
  eksaccess export --cluster prod --format terraform > access.tf
  # The same entries for eksctl, which apply -f reads too
  eksaccess export --cluster prod --format eksctl > cluster.yaml
  # A file per cluster of every region
  eksaccess export --all-regions --all-clusters --dir backup/`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runExport),
	}
	addFleetFlags(cmd, &opts.fleet)
	cmd.Flags().StringVar(&opts.dir, "dir", "", "write a file per cluster under `DIR`, as ACCOUNT/REGION/CLUSTER.yaml (terraform: ACCOUNT/REGION/CLUSTER/access.tf); required for several clusters")
	cmd.Flags().IntVar(&opts.concurrency, "concurrency", cmdutil.BulkConcurrency, cmdutil.ConcurrencyUsage)
	cmd.Flags().StringVar(&opts.format, "format", exportEksaccess, "the file's `format`: eksaccess (an apply file), eksctl (a ClusterConfig) or terraform (HCL with import blocks)")
	cmd.Flags().BoolVar(&opts.ssoNames, "sso-names", false, "write IAM Identity Center roles as sso:NAME (their permission set), which apply resolves on every run")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(exportFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *exportOptions) validate(cmd *cobra.Command) error {
	if !slices.Contains(exportFormats, o.format) {
		return cmdutil.UsageErrorf("--format %q is not a format export writes; use %s", o.format, strings.Join(exportFormats, ", "))
	}
	if o.format == exportTerraform && cmd.Flags().Changed("output") {
		return cmdutil.UsageError(cmdutil.WithHint(fmt.Errorf("%s --format terraform writes HCL: -o is not supported", cmd.CommandPath()), "leave -o out"))
	}
	if o.ssoNames && o.format == exportTerraform {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("--sso-names is for the apply file formats (eksaccess, eksctl): Terraform's aws_eks_access_entry takes an ARN"),
			"leave --sso-names out: the HCL names each role by its ARN"))
	}
	if err := applyFileOutput(cmd, o.deps); err != nil {
		return err
	}
	if err := o.fleet.validate(o.deps, &o.cluster); err != nil {
		return err
	}
	if o.fleet.many(o.deps) && o.dir == "" {
		// An apply file gives its entries to every cluster it names: a
		// fleet, whose clusters differ, is a file per cluster.
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("export of several clusters writes a file per cluster: --dir is required"),
			"give --dir DIR: each cluster's file is written as DIR/ACCOUNT/REGION/CLUSTER.yaml, which apply -f reads back"))
	}
	if o.concurrency < 1 {
		return cmdutil.UsageErrorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	return nil
}

// firstFew lists the first three of items, and how many more there are.
func firstFew(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:3], ", "), len(items)-3)
}

// ownerCounts lists owners and their entry counts: "team-a: 3, no owner: 1".
func ownerCounts(owners map[string]int) string {
	var parts []string
	for _, owner := range slices.Sorted(maps.Keys(owners)) {
		name := owner
		if owner == "" {
			name = "no owner"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", name, owners[owner]))
	}
	return strings.Join(parts, ", ")
}

func runExport(ctx context.Context, o *exportOptions) error {
	if o.dir != "" || o.fleet.many(o.deps) {
		return runExportFleet(ctx, o)
	}
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	live, err := apply.ReadLive(ctx, client, o.cluster, apply.ReadOptions{Concurrency: o.concurrency})
	if err != nil {
		return err
	}
	data, err := o.file(ctx, client, o.cluster, live, func(s string) { cmdutil.Warn(o.deps.IO.ErrOut, s) })
	if data != nil {
		if _, werr := o.deps.IO.Out.Write(data); werr != nil {
			return werr
		}
	}
	return err
}

// file renders a cluster's live entries in the --format asked for, with
// its warnings. When entries had to be left out, the file comes with an
// error that says so.
func (o *exportOptions) file(ctx context.Context, client *eksapi.Client, cluster access.ClusterName, live []plan.Live, warn func(string)) ([]byte, error) {
	region := client.Region()
	if o.format == exportTerraform {
		// Terraform states every entry: nothing is left out.
		return exportfmt.Terraform(cluster, region, live), nil
	}
	f, skipped := plan.FromLive(cluster, region, live)
	if o.ssoNames {
		gone, unchecked, err := goneSSORoles(ctx, client, live)
		if err != nil {
			return nil, err
		}
		for _, w := range unchecked {
			warn(w)
		}
		for _, w := range plan.SSONames(f, live, gone) {
			warn(w)
		}
	}
	for _, s := range skipped {
		warn("left out of the file: " + s)
	}
	if owners := plan.Owners(live); len(owners) > 1 {
		// Owners counts what the planner treats as owned: the managed tag
		// or an owner tag (an entry tagged eksaccess/owner by hand too).
		warn(fmt.Sprintf("the entries owned by apply files (tag %s, or %s=%s) belong to several owners (%s): the file names none; "+
			"before you apply it with --prune, give it one owner and keep only that owner's entries (their %s tag)",
			plan.OwnerTagKey, plan.ManagedTagKey, plan.ManagedTagValue, ownerCounts(owners), plan.OwnerTagKey))
	}
	var data []byte
	var err error
	if o.format == exportEksctl {
		var untagged []string
		data, untagged, err = exportfmt.Eksctl(f)
		if len(untagged) > 0 {
			warn(fmt.Sprintf("eksctl access entries have no tags: the file leaves out the tags of %s (%s); apply leaves tags alone when a file states none, and --format eksaccess writes them",
				output.Plural(len(untagged), "entry", "entries"), firstFew(untagged)))
		}
	} else {
		data, err = f.Marshal()
	}
	if err != nil {
		return nil, fmt.Errorf("export cluster %s: %w", cluster, err)
	}
	if len(skipped) > 0 {
		// The file is written, but it is not the cluster's whole state: a
		// backup job must notice.
		return data, cmdutil.WithHint(fmt.Errorf("export cluster %s: the file leaves out %d of %d entries (named above), which a file cannot state", cluster, len(skipped), len(live)),
			"apply --prune never deletes such entries; manage them with eksaccess describe, update and delete")
	}
	return data, nil
}

// goneSSORoles are the IAM Identity Center roles of live's entries that
// IAM no longer has (iam:ListRoles under their path, once): export
// --sso-names keeps their ARNs, since the name would now name another
// role. Roles of another account than the credentials' cannot be listed
// and are not judged; where IAM denies the list, unchecked says the names
// were written unchecked (a read-only command goes on).
func goneSSORoles(ctx context.Context, client *eksapi.Client, live []plan.Live) (gone map[string]bool, unchecked []string, err error) {
	var sso []string
	for _, l := range live {
		if p := l.PrincipalARN.String(); access.SSOPermissionSet(p) != "" {
			sso = append(sso, p)
		}
	}
	if len(sso) == 0 {
		return nil, nil, nil
	}
	account, err := client.CallerAccount(ctx)
	if err != nil {
		return nil, nil, stsHint(ctx, err)
	}
	roles, err := client.ListRoles(ctx, access.SSORolePath)
	var u *eksapi.UncheckedError
	switch {
	case errors.As(err, &u):
		return nil, []string{u.Warning() + ": each Identity Center role is written as sso:NAME unchecked, though IAM may no longer have it (re-provisioned: the name then names the new role)"}, nil
	case err != nil:
		return nil, nil, err
	}
	have := map[string]bool{}
	for _, r := range roles {
		have[r.ARN] = true
	}
	gone = map[string]bool{}
	for _, p := range sso {
		if a, err := arn.Parse(p); err == nil && a.AccountID == account && !have[p] {
			gone[p] = true
		}
	}
	return gone, nil, nil
}
