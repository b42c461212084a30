package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// guardLockout refuses a write that would remove the caller's own access
// (contract, "Safety rules"); every command that can do so calls it:
// delete, update, policy associate and policy disassociate.
// access.CheckLockout is the rule; this reads what it needs. It asks STS
// who the caller is and, only when the entry could be the caller's, what
// the entry grants now (entry, when not nil, is the entry as the command
// just described it; otherwise it is described here) and its access
// policies. after derives what the entry will grant once the write is
// done. action names the write in the refusal ("delete access entry ...
// in cluster ..."). --force skips it all.
func guardLockout(ctx context.Context, client *eksapi.Client, t entryTarget, force bool, entry *access.Entry, action string, after func(access.EntryAccess) access.EntryAccess) error {
	_, err := readLockout(ctx, client, t, force, entry, action, after)
	return err
}

// lockoutState is what the lockout guard read before a write it let
// through: who the caller is and, when the entry is the caller's, what
// it granted then.
type lockoutState struct {
	caller string
	// own: the entry is the caller's and --force was not given, so the
	// write must be checked again once made (apply.Executor.Caller).
	own    bool
	before access.EntryAccess
}

// readLockout is guardLockout, returning what it read for the check after
// the write (putBack).
func readLockout(ctx context.Context, client *eksapi.Client, t entryTarget, force bool, entry *access.Entry, action string, after func(access.EntryAccess) access.EntryAccess) (lockoutState, error) {
	if force {
		return lockoutState{}, nil
	}
	caller, err := callerIdentity(ctx, client)
	if err != nil {
		return lockoutState{}, err
	}
	if !access.IsCaller(caller, t.principal) {
		return lockoutState{caller: caller}, nil // someone else's entry: nothing to read
	}
	before, _, err := apply.ReadAccess(ctx, client, t.cluster, t.principal, entry)
	if err != nil {
		return lockoutState{}, err
	}
	if err := access.CheckLockout(caller, t.principal, before, after(before)); err != nil {
		return lockoutState{}, lockoutError(fmt.Errorf("refusing to %s: %w", action, err))
	}
	return lockoutState{caller: caller, own: true, before: before}, nil
}

// ownCaller is the caller for the executor's check after the write
// (apply.Executor.Caller): "" unless the entry is the caller's and
// --force was not given.
func (s lockoutState) ownCaller() string {
	if !s.own {
		return ""
	}
	return s.caller
}

// restoreError is why putting back failed, for lockedOutMeanwhile: the
// one thing a single command takes.
func restoreError(l *apply.LockedOut) error {
	if len(l.Failed) == 0 {
		return nil
	}
	return l.Failed[0].Err
}

// lockedOutMeanwhile is the error of a command that put back what it
// removed because, with another writer's change made at the same time,
// its own would have locked the caller out. restored says what was put
// back, or restoreErr why it could not be and fix how to do it by hand.
func lockedOutMeanwhile(done string, refusal error, restored string, restoreErr error, fix string) error {
	msg := fmt.Sprintf("%s, but another writer changed this entry at the same time, and the two changes together lock you out: %v", done, refusal)
	if restoreErr != nil {
		return cmdutil.WithCode(cmdutil.WithHint(fmt.Errorf("%s; putting it back failed: %w", msg, restoreErr),
			"put it back yourself: %s; --force skips this check", fix), cmdutil.ExitConflict)

	}
	return cmdutil.WithCode(cmdutil.WithHint(fmt.Errorf("%s; %s", msg, restored),
		"nothing of yours was removed in the end; check the entry, and pass --force if you really mean to lock yourself out"), cmdutil.ExitConflict)

}

// callerIdentity asks STS who the caller is, for the lockout guards.
func callerIdentity(ctx context.Context, client *eksapi.Client) (string, error) {
	caller, err := client.CallerIdentity(ctx)
	if err != nil {
		return "", stsHint(ctx, err)
	}
	return caller, nil
}

// stsHint explains a failed STS call of the lockout guards: why eksaccess
// asks, and where the call goes. A stop (Ctrl-C, SIGTERM, --timeout) is
// nothing STS did wrong: it gets no such hint (the stop's own say is
// enough).
func stsHint(ctx context.Context, err error) error {
	if cmdutil.StoppedBy(ctx, err) {
		return err
	}
	return cmdutil.WithHint(err, "eksaccess asks STS who you are, so as not to remove your own access; STS calls go to AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, not --endpoint-url; --force skips the check")
}

// guardCreate refuses to create the caller's own access entry without
// AmazonEKSClusterAdminPolicy at cluster scope in a cluster that honours
// aws-auth (API_AND_CONFIG_MAP): the new entry takes precedence over
// aws-auth, so an admin mapped there (system:masters) would be left with
// what the entry grants (access.LockoutShadowsConfigMap). It asks STS who
// the caller is and, only for the caller's own entry, the cluster's mode;
// nothing when the entry will hold cluster admin. --force skips it all.
func guardCreate(ctx context.Context, client *eksapi.Client, req access.CreateEntry, force bool) error {
	after := access.NewEntryAccess(req)
	if force || after.ClusterAdmin() {
		return nil // cluster admin: nothing aws-auth gives is lost
	}
	caller, err := callerIdentity(ctx, client)
	if err != nil {
		return err
	}
	if !access.IsCaller(caller, req.Principal) {
		return nil
	}
	cl, err := client.DescribeCluster(ctx, req.Cluster)
	if err != nil {
		return err
	}
	// In CONFIG_MAP EKS refuses the create itself, and says why.
	before := access.EntryAccess{ConfigMap: cl.AuthenticationMode == string(modeAPIAndConfigMap)}
	if err := access.CheckLockout(caller, req.Principal, before, after); err != nil {
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("refusing to create access entry %s in cluster %s: %w", req.Principal, req.Cluster, err),
			"add --policy %s (cluster scope) to keep cluster admin, or pass --force to create the entry as it is", access.ClusterAdminPolicy), cmdutil.ExitConflict)

	}
	return nil
}

// callerKind names the kind of identity STS reported, for callers no
// access entry can name.
func callerKind(caller string) string {
	switch {
	case strings.HasSuffix(caller, ":root"):
		return "the account root"
	case strings.Contains(caller, ":federated-user/"):
		return "an STS federated user"
	}
	return "an identity that is not an IAM role or user"
}

func lockoutError(err error) error {
	return cmdutil.WithCode(cmdutil.WithHint(err, "use other credentials, or pass --force if you really mean to lock yourself out"), cmdutil.ExitConflict)
}

// guardAPIMode refuses a switch of cluster to the authentication mode API
// that would lock the caller out: the switch ends every mapping of the
// aws-auth ConfigMap, so only access entries count afterwards. The cluster
// must have access entries, and the caller's (every entry IsCaller
// matches) must grant it some access. access.CheckLockout decides, with
// the aws-auth access the EKS API cannot see standing for the state
// before. It returns a warning to print when the caller's entries grant
// access but not cluster admin. --force skips it all.
func guardAPIMode(ctx context.Context, client *eksapi.Client, cluster access.ClusterName, force bool) (warning string, err error) {
	if force {
		return "", nil
	}
	principals, err := client.ListEntries(ctx, cluster, eksapi.ListOptions{})
	if err != nil {
		return "", err
	}
	create := fmt.Sprintf("eksaccess create --cluster %s --principal ARN --policy %s", cluster, access.ClusterAdminPolicy)
	if len(principals) == 0 {
		return "", cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("refusing to switch cluster %s to API: it has no access entries, so every identity, you included, would lose access to it (all of them are mapped through aws-auth)", cluster),
			"create access entries first, for every identity in the aws-auth ConfigMap, and one with cluster admin for yourself (%s); --force skips this check", create), cmdutil.ExitConflict)

	}
	caller, err := callerIdentity(ctx, client)
	if err != nil {
		return "", err
	}
	arn, ok := access.CallerPrincipal(caller)
	if !ok {
		// No access entry can name the account root or a federated user:
		// whatever access such a caller has comes through aws-auth.
		return "", cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("refusing to switch cluster %s to API: you are %s, %s, which no access entry can stand for, so your access to the cluster, which can only come through aws-auth, would end", cluster, caller, callerKind(caller)),
			"switch with the credentials of an IAM role or user whose access entry holds %s (%s); every identity mapped only through aws-auth loses access too; --force skips this check", access.ClusterAdminPolicy, create), cmdutil.ExitConflict)

	}
	var own access.PrincipalARN
	var after access.EntryAccess
	for _, p := range principals {
		if !access.IsCaller(caller, p) {
			continue
		}
		a, _, err := apply.ReadAccess(ctx, client, cluster, p, nil)
		if err != nil {
			return "", err
		}
		own, after = p, after.Merge(a)
	}
	if own.IsZero() {
		own = access.UncheckedPrincipalARN(arn)
		create = fmt.Sprintf("eksaccess create --cluster %s --principal %s --policy %s", cluster, arn, access.ClusterAdminPolicy)
		if own.IsRole() {
			create += " (with the role's path, if it has one)"
		}
	}
	before := access.EntryAccess{ConfigMap: true}.Merge(after)
	if err := access.CheckLockout(caller, own, before, after); err != nil {
		what := fmt.Sprintf("you have no access entry in it (you are %s)", caller)
		fix := "create one for yourself first: " + create
		if after.Exists {
			what = fmt.Sprintf("your access entry %s grants no Kubernetes group and no access policy (you are %s)", own, caller)
			fix = fmt.Sprintf("give it access first: eksaccess policy associate --cluster %s --principal %s --policy %s --cluster-scope", cluster, own, access.ClusterAdminPolicy)
		}
		return "", cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("refusing to switch cluster %s to API: %s, so your access, which then comes only through aws-auth, would end", cluster, what),
			"%s; every other identity mapped only through aws-auth loses access too; --force skips this check", fix), cmdutil.ExitConflict)

	}
	if !after.ClusterAdmin() {
		return fmt.Sprintf("your access entries in cluster %s do not hold %s at cluster scope: after the switch you have only the access they grant", cluster, access.ClusterAdminPolicy), nil
	}
	return "", nil
}
