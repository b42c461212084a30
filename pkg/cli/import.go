package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/awsauth"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// newImportCmd is the `import` group: other tools' files turned into apply
// files, offline.
func newImportCmd(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Turn other tools' access configuration into an apply file",
		Long: `Turn access configuration kept elsewhere into an eksaccess apply file, offline:
nothing is read from or sent to AWS or Kubernetes, unless you ask for IAM
to be read (import aws-auth --resolve).`,
		Example: `  kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml
  eksaccess import aws-auth -f aws-auth.yaml --cluster prod > access.yaml`,
	}
	cmd.AddCommand(newImportAWSAuthCmd(deps, nil))
	return cmd
}

type importAWSAuthOptions struct {
	deps    *Deps
	file    string
	cluster access.ClusterName
	region  string
	resolve bool
}

func newImportAWSAuthCmd(deps *Deps, runF func(context.Context, *importAWSAuthOptions) error) *cobra.Command {
	opts := &importAWSAuthOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "aws-auth -f FILE --cluster NAME [--region REGION] [--resolve]",
		Short: "Turn the aws-auth ConfigMap into an apply file, with a report per row",
		Long: `Read the aws-auth ConfigMap, as kubectl get configmap aws-auth -n kube-system
-o yaml (or -o json) prints it, and write an apply file for the same access
to stdout, and on stderr a report that says of every row of mapRoles,
mapUsers and mapAccounts whether it was "mapped as" an access entry, "left
to EKS because" EKS makes that entry itself, or "skipped because" it
cannot be one. Without --resolve, nothing is read from or sent to AWS or
Kubernetes.

An eksctl ClusterConfig is read too: its iamIdentityMappings are the rows
eksctl writes into aws-auth (arn, username, groups; account; serviceName),
and the same rules convert them.

The rules:
  - node roles (username system:node:{{EC2PrivateDNSName}}) become EC2_LINUX
    entries, EC2_WINDOWS with the group eks:kube-proxy-windows; for managed
    node groups EKS has made them already, and apply leaves them alone
  - Fargate pod-execution roles (username system:node:{{SessionName}} with
    system:node-proxier) are left to EKS; the same username without
    system:node-proxier is an EKS Hybrid Nodes role: HYBRID_LINUX
  - system:masters becomes AmazonEKSClusterAdminPolicy at cluster scope;
    the row's other groups are kept, but for those beginning with system:,
    eks:, aws:, amazon: or iam:, which access entries refuse (reported)
  - a username access entries refuse is fixed where it can be
    (admin-{{SessionName}} becomes admin:{{SessionName}}), else left out so
    EKS's default applies (reported)
  - mapAccounts rows, service-linked roles and malformed ARNs are skipped;
    of rows with the same ARN the last wins, as in EKS (reported)
  - IAM Identity Center (AWSReservedSSO_) roles without their
    aws-reserved/sso.amazonaws.com/ path are flagged with the likely ARN:
    aws-auth needs the path left out, access entries need it

--resolve restores what aws-auth drops, with IAM as the truth: each
role's or user's ARN is looked up by name (iam:GetRole, iam:GetUser) in
the account of your credentials, and the file gets the ARN IAM has, with
its path, and the exact IAM Identity Center role. A row whose role or
user IAM does not know is skipped (the entry would grant nothing, and EKS
refuses to create it); a principal of another account is written as
given and reported "not checked in IAM". When IAM denies a read, one
warning says so, and that row and the rest are written as without
--resolve.

Review the report, edit the file where it says so, then check it against
the cluster with eksaccess diff -f and apply it with eksaccess apply -f.
Exit 0 when the file was written, even if rows were skipped; exit 2 when
the input is neither an aws-auth ConfigMap nor a ClusterConfig with
iamIdentityMappings. The apply file is YAML: -o json, table and text are
refused.`,
		Example: `  # From the cluster, through a file you can keep
  kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml
  eksaccess import aws-auth -f aws-auth.yaml --cluster prod --region eu-west-1 > access.yaml

  # From stdin, the report kept aside
  kubectl get configmap aws-auth -n kube-system -o yaml |
      eksaccess import aws-auth -f - --cluster prod > access.yaml 2> report.txt

  # Role paths and Identity Center roles restored from IAM
  eksaccess import aws-auth -f aws-auth.yaml --cluster prod --resolve > access.yaml

  # Then compare with the cluster's access entries, and apply
  eksaccess diff -f access.yaml
  eksaccess apply -f access.yaml`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runImportAWSAuth),
	}
	cmdutil.ClusterFlag(cmd, &opts.cluster)
	f := cmd.Flags()
	f.StringVarP(&opts.file, "filename", "f", "", "the aws-auth ConfigMap, YAML or JSON, or an eksctl ClusterConfig (`FILE`, or - for stdin)")
	// The global --region would name the region to send calls to; this
	// command sends nothing, and writes the region into the file instead.
	f.StringVar(&opts.region, "region", "", "the cluster's `region`, written into the file (default: none; apply then uses its own --region)")
	f.BoolVar(&opts.resolve, "resolve", false, "read IAM (iam:GetRole, iam:GetUser) to restore each role's and user's path and the exact IAM Identity Center role; report principals IAM does not know")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *importAWSAuthOptions) validate(cmd *cobra.Command) error {
	if err := applyFileOutput(cmd, o.deps); err != nil {
		return err
	}
	if o.file == "" {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("-f is required: the aws-auth ConfigMap as a file, or - for stdin"),
			"kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml"))
	}
	if err := cmdutil.RequireCluster(o.deps.Env, &o.cluster); err != nil {
		return cmdutil.WithHint(err, "the apply file names the cluster it is for")
	}
	if o.region != "" {
		if err := accessfile.CheckRegion(o.region); err != nil {
			return cmdutil.UsageError(fmt.Errorf("--region: %w", err))
		}
	}
	return nil
}

func runImportAWSAuth(ctx context.Context, o *importAWSAuthOptions) error {
	name, data, err := cmdutil.ReadInput(ctx, o.file, o.deps.IO.In)
	if err != nil {
		return err
	}
	res, err := awsauth.Convert(name, bytes.NewReader(data))
	if err != nil { // not an aws-auth ConfigMap, or not readable (a directory): a bad file
		return cmdutil.UsageError(err)
	}
	if o.resolve && len(res.Entries) > 0 {
		// IAM is global: with no region configured, the cluster's will do.
		o.deps.iamRegion = o.region
		client, err := o.deps.Client(ctx)
		if err != nil {
			return err
		}
		if err := res.Resolve(iamResolver(ctx, client)); err != nil {
			return fmt.Errorf("import %s --resolve: %w", name, err)
		}
	}
	f := &accessfile.File{Clusters: []accessfile.Cluster{{Name: o.cluster, Region: o.region}}}
	for _, e := range res.Entries {
		f.Entries = append(f.Entries, accessfile.Entry{
			Principal: e.Principal, Type: e.Type, Groups: e.Groups, Username: e.Username, Tags: e.Tags, Policies: e.Policies,
		})
	}
	out, err := f.Marshal()
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	header := fmt.Sprintf("# Written by eksaccess import aws-auth from %s: check the report it printed,\n# then eksaccess diff -f FILE and eksaccess apply -f FILE.\n", name)
	if _, err := io.WriteString(o.deps.IO.Out, header+string(out)); err != nil {
		return fmt.Errorf("write the apply file: %w", err)
	}
	for _, line := range res.Report() {
		fmt.Fprintln(o.deps.IO.ErrOut, line)
	}
	cmdutil.Warn(o.deps.IO.ErrOut, res.Warnings...)
	return nil
}

// iamResolver looks principals up in IAM for awsauth's Resolve: by name
// (GetRole, GetUser) in the credentials' account, whatever path the ARN
// has (aws-auth drops it).
func iamResolver(ctx context.Context, client *eksapi.Client) awsauth.Resolver {
	return func(p access.PrincipalARN) (awsauth.Lookup, error) {
		got, err := client.LookupPrincipal(ctx, p)
		var (
			other     *eksapi.OtherPathError
			unchecked *eksapi.UncheckedError
		)
		switch {
		case err == nil:
		case errors.As(err, &other): // the name under another path: the one IAM has
			got = other.Actual
		case errors.As(err, &unchecked):
			if errors.Is(err, eksapi.ErrAccessDenied) {
				return awsauth.Lookup{Status: awsauth.Unchecked, Why: unchecked.Warning(), Stop: true}, nil
			}
			return awsauth.Lookup{Status: awsauth.Unchecked, Why: unchecked.Why}, nil
		case errors.Is(err, eksapi.ErrNotFound):
			return awsauth.Lookup{Status: awsauth.Unknown}, nil
		default:
			return awsauth.Lookup{}, err
		}
		a, err := access.ParsePrincipalARN(got.ARN)
		if err != nil {
			return awsauth.Lookup{}, fmt.Errorf("IAM answered %s ARN %q: %w", got.Kind, got.ARN, err)
		}
		return awsauth.Lookup{Status: awsauth.Known, ARN: a}, nil
	}
}

// applyFileOutput refuses -o other than yaml, and --query, for a command
// whose result is an apply file (import, export): the file is YAML, and
// not the API document that the other formats and --query are about.
// EKSACCESS_OUTPUT, a default for every command, does not count.
func applyFileOutput(cmd *cobra.Command, deps *Deps) error {
	const hint = "the apply file is YAML; leave -o out"
	if f := deps.Output.Format; cmd.Flags().Changed("output") && f != output.YAML {
		return cmdutil.UsageError(cmdutil.WithHint(fmt.Errorf("%s writes an apply file, which is YAML: -o %s is not supported", cmd.CommandPath(), f), hint))
	}
	if cmd.Flags().Changed("query") {
		return cmdutil.UsageError(cmdutil.WithHint(fmt.Errorf("%s writes an apply file: --query is not supported", cmd.CommandPath()), "leave --query out; list --details -o json prints the entries as a document to query"))
	}
	return nil
}
