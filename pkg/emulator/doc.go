// Package emulator is an in-memory Amazon EKS endpoint for the access-entry
// API, speaking EKS's real wire protocol so that clients can be tested end
// to end through unmodified AWS SDKs and the AWS CLI.
//
// It imports only the standard library: it is an independent reading of the
// EKS service model (eks-2017-11-01) and must not share code with the
// clients it checks.
//
//	srv := emulator.New(emulator.Options{})
//	srv.AddCluster("demo", "")            // API_AND_CONFIG_MAP
//	srv.AddCluster("legacy", "CONFIG_MAP")
//	ts := httptest.NewServer(srv)         // point AWS_ENDPOINT_URL_EKS (and _STS) at ts.URL
//
// # Operations
//
// The nine access-entry operations (CreateAccessEntry, DescribeAccessEntry,
// ListAccessEntries, UpdateAccessEntry, DeleteAccessEntry,
// AssociateAccessPolicy, DisassociateAccessPolicy, ListAccessPolicies,
// ListAssociatedAccessPolicies), DescribeCluster, ListClusters,
// UpdateClusterConfig (accessConfig only) and DescribeUpdate, TagResource,
// UntagResource and ListTagsForResource on cluster and access-entry ARNs,
// STS GetCallerIdentity, and IAM GetRole, GetUser, ListRoles, CreateRole,
// DeleteRole, CreateUser and DeleteUser. Anything else is answered
// 404 UnknownOperationException (an unknown awsQuery Action: 400
// InvalidAction).
//
// # Wire format
//
// EKS is rest-json. Path parameters arrive percent-encoded as one segment
// (a principal ARN is arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdev%2Fadmin);
// routing matches the escaped path and unescapes each segment. Bodies use
// the model's camelCase member names; timestamps are epoch seconds as JSON
// numbers with a millisecond fraction (1746578565.453); an access entry
// always carries kubernetesGroups and tags, as [] and {} when empty, and a
// cluster access scope is echoed with "namespaces": []. Empty outputs
// (DeleteAccessEntry, DisassociateAccessPolicy, TagResource, UntagResource)
// are {}. Every response has an x-amzn-RequestId header.
//
// Errors carry the status, the header X-Amzn-Errortype: <Code> and the body
// {"message": "...", ...} with the exception's other modeled members as
// null, e.g.
//
//	HTTP/1.1 404 Not Found
//	X-Amzn-Errortype: ResourceNotFoundException
//	{"message":"No cluster found for name: prod.","clusterName":null,"nodegroupName":null,...}
//
// STS is awsQuery: POST / with the form body
// Action=GetCallerIdentity&Version=2011-06-15 (or a presigned GET), answered
// with the XML GetCallerIdentityResponse, errors as an XML ErrorResponse.
// It reports Options.Caller (see SetCaller); an assumed-role caller such as
// arn:aws:sts::111122223333:assumed-role/Admin/alice gets a UserId of the
// form AROA...:alice (the role's own id when IAM knows it).
//
// IAM is awsQuery too, on the same endpoint (Version=2010-05-08, signed for
// "iam"), answered in the namespace https://iam.amazonaws.com/doc/2010-05-08/.
// Roles and users (Options.Roles, Options.Users, CreateRole, CreateUser,
// CreateSSORole, Seed with a Scenario read by ReadScenario) have a path,
// a unique id (AROA or AIDA and 17 upper-case letters or digits) and a
// CreateDate (ISO 8601, to the second); names are unique regardless of
// case; a role's trust policy is sent percent-encoded. ListRoles takes
// PathPrefix, MaxItems (1-1000, default 100) and an opaque Marker, and
// answers IsTruncated. A missing role or user is 404 NoSuchEntity "The role
// with name X cannot be found."; a bad name, MaxItems or Marker 400
// ValidationError; a second principal of a name 409 EntityAlreadyExists.
// Deleting a principal and creating it again gives a new id and a
// CreateDate one whole second after the clock, later than anything made
// for the old one. CreateAccessEntry records the unique id of a principal
// IAM knows (EntryPrincipalID; EKS never returns it), and refuses a
// deleted one as an invalid principal until it is created again.
// SetIAMDenied (Options.DenyIAM) answers every IAM request 403
// AccessDenied "User: <caller> is not authorized to perform: iam:GetRole on
// resource: role X because no identity-based policy allows the iam:GetRole
// action" while EKS and STS answer. Assumed: the resource named by
// ListRoles and user denials, and IAM's order of a list (by name,
// regardless of case).
//
// # Authentication
//
// Signatures are not verified, but every request must carry a SigV4
// credential (Authorization: AWS4-HMAC-SHA256 Credential=..., or
// X-Amz-Credential in a presigned URL) scoped to the right service ("eks",
// "sts" for STS, "iam" for IAM), else 403 MissingAuthenticationTokenException,
// IncompleteSignatureException or InvalidSignatureException. The
// credential's region is the region of the ARNs the emulator makes, unless
// Options.Region is set.
//
// Three magic access key ids fail the way AWS fails for credential problems,
// so that clients can test their handling (exit codes, messages):
//
//	access key id   answer
//	EXPIRED         403 ExpiredTokenException "The security token included in the request is expired"
//	                (STS: ExpiredToken)
//	UNKNOWN         403 UnrecognizedClientException "The security token included in the request is invalid."
//	                (STS: InvalidClientTokenId)
//	DENIED          403 AccessDeniedException "User: <caller> is not authorized to perform:
//	                eks:<Op> on resource: <arn>" (IAM: AccessDenied); STS GetCallerIdentity
//	                still succeeds, as it needs no permission
//
// Any other key id is accepted.
//
// # Regions and accounts
//
// One endpoint serves every region and several accounts, as AWS's
// regional endpoints and accounts would. A request's region is the one in
// its SigV4 credential scope (the region the client signs for); its account
// is chosen by its access key id: Options.Accounts (or AddAccount) maps
// access key ids to further accounts, every other key is Options.Account's.
//
// A cluster added with AddCluster is in every region (the single-region
// behaviour); AddClusterIn adds one to a single region, where it hides an
// AddCluster cluster of the same name. ListClusters answers the region's
// own clusters and those of every region. Each account (Account returns its
// Server) has its own clusters, IAM (global: the same in every region),
// caller, request log and faults; STS GetCallerIdentity answers the
// account of the key. An account made by Options.Accounts shares the
// endpoint's settings (latency, rates, Regions, clock) but not its
// scheduled faults (Failures, Hang, RepeatPageToken).
//
// Options.Regions gives a region its own latency and token-bucket rate
// limit (SetRegionLatency, SetRegionRateLimit at run time); each account
// has its own bucket per region, as AWS's quotas are per account and
// region. A region of Options.DisabledRegions (SetRegionDisabled) is an
// opt-in region the account has not enabled: EKS and STS answer 403
// UnrecognizedClientException "The security token included in the request
// is invalid." (STS: InvalidClientTokenId), as AWS does. A region of
// Options.DeniedRegions (SetRegionDenied) denies the caller every EKS
// action: 403 AccessDeniedException "User: <caller> is not authorized to
// perform: eks:<Op> on resource: <arn> with an explicit deny in a service
// control policy"; STS GetCallerIdentity still answers. IAM, being global,
// is subject to neither. AddAccessEntry seeds an entry and its policies
// without a request, to build large fleets quickly.
//
// # State and rules
//
// Clusters are seeded with AddCluster and are ACTIVE. Every access-entry
// operation checks, in order: the cluster name (1-100 characters,
// ^[0-9A-Za-z][A-Za-z0-9-_]*, 400 InvalidParameterException), that the
// cluster exists (404 "No cluster found for name: X."), and that its
// authentication mode is not CONFIG_MAP (400 InvalidRequestException).
// CreateAccessEntry then validates the principal ARN (IAM user or role, or
// root; STS session ARNs, service-linked roles and principals marked with
// SetPrincipalMissing are refused with EKS's texts), the type (exact
// upper-case STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2,
// HYBRID_LINUX, HYPERPOD_LINUX), the node-type rules (a role of the
// cluster's account, no username, no groups), the username (no system:,
// eks:, aws:, amazon:, iam: prefix; a ':' before {{SessionName}}), the
// groups (no system: prefix) and the tags (1-50, key 1-128, value up to 256
// characters, no aws: prefix); a second entry for a principal is 409
// ResourceInUseException. EKS's defaults are filled in: username
// arn:<p>:sts::<acct>:assumed-role/<RoleName>/{{SessionName}} for roles, the
// ARN for users, system:node:{{EC2PrivateDNSName}} with group system:nodes
// for EC2 node types, system:node:{{SessionName}} for the others.
//
// UpdateAccessEntry replaces username and groups, an omitted field going
// back to its default. DeleteAccessEntry drops the entry's policy
// associations and tags. AssociateAccessPolicy upserts (the scope is
// replaced, associatedAt kept, modifiedAt moved) and accepts only policies
// of the catalog in the request's partition
// (arn:<p>:eks::aws:cluster-access-policy/<Name>), never one reserved for
// service-linked roles, none at all for node types except
// AmazonEKSAutoNodePolicy with cluster scope on EC2 entries.
// clientRequestToken makes CreateAccessEntry, UpdateAccessEntry and
// UpdateClusterConfig idempotent: the same token with the same parameters
// answers the first response again, with other parameters 400
// InvalidParameterException. Lists are sorted, take maxResults 1-100
// (default 100) and return an opaque nextToken bound to the list; a bad
// maxResults or token is 400 InvalidParameterException.
//
// UpdateClusterConfig moves the authentication mode one step toward API
// (CONFIG_MAP -> API_AND_CONFIG_MAP -> API) and never back, applies it at
// once and answers an "InProgress" AccessConfigUpdate like EKS.
//
// Messages quoted from real EKS output are used where known (cluster name,
// cluster not found, CONFIG_MAP mode, principal format, service-linked role,
// invalid principal, entry not found, entry in use, reserved username and
// group prefixes, mode transitions, throttling); the others (type,
// node-type, scope, policy, paging, tag and idempotency errors) are the
// emulator's own wording, as EKS's are not documented. Also assumed: the
// access-entry ARN carries the principal's name without its path (root maps
// to user/<acct>/root); FARGATE_LINUX, HYBRID_LINUX and HYPERPOD_LINUX
// entries get no groups; EC2 and HYPERPOD_LINUX usernames. Not modelled: the
// cluster creator's access entry (bootstrapClusterCreatorAdminPermissions is
// reported true), entries EKS creates for node groups, per-cluster quotas,
// and every cluster field other than name, arn,
// createdAt, status, tags and accessConfig (the rest is stable filler).
//
// # Fault injection
//
// Options.Latency delays every request; Options.ThrottleRate and
// Options.ErrorRate answer that fraction of requests with 429
// TooManyRequestsException "Too Many Requests" (retried by every SDK) and
// 500 ServerException, drawn from a generator seeded with Options.Seed;
// SetFaults changes them at run time. FailNext queues a specific error for
// the next request of one operation. Options.PropagationDelay makes a new
// entry invisible to AssociateAccessPolicy and UpdateAccessEntry for a while
// (404, as EKS's eventual consistency does), and SetPrincipalAppearsAfter
// a principal unknown to CreateAccessEntry (IAM's); both delays count from
// the first request that meets them, so that a slow client still does.
//
// FailCall (Options.Failures) makes the Nth request of an operation, or of
// any (AllOperations), get a Fault: an AWS error (ParseFault reads "500",
// "429", "503" or "STATUS:CODE[:MESSAGE]"), a reset connection, or a hang.
// Requests are numbered as they pass authentication, retries included.
// SetHang (Options.Hang) holds every request of an operation until its
// client gives up or Options.HangMax passes, then drops the connection.
// SetRepeatPageToken (Options.RepeatPageToken) makes a list always answer
// the same nextToken, as a buggy server would. SetRateLimit
// (Options.RateLimit, Options.RateBurst) admits requests through a token
// bucket, read on Options.Now, and answers the others 429
// TooManyRequestsException. After authentication the first that applies
// wins, in this order: FailNext, FailCall, hang, rate limit, random throttle,
// random error. All of these apply to every route, STS and IAM included; a reset
// or hang needs a real connection (httptest.NewServer), not a
// ResponseRecorder.
//
// # Races
//
// OnCall(op, n, fn) runs fn right after the n-th request of op from now on
// has taken effect and before it is answered: a test stages another
// writer's change exactly inside a client's read-then-write window (EKS
// has no conditional write), instead of hoping a goroutine lands there.
// fn runs without the emulator's lock and may send requests of its own.
//
// # Bounded memory
//
// Requests keeps the most recent requests (Options.RecordLimit, 10000),
// within a byte budget (Options.RecordBytes, 16 MiB), each body cut to
// Options.RecordBodyLimit (16 KiB, Request.BodySize keeps the length); a
// request that failed authentication keeps no body. Bodies over 1 MiB are
// refused. clientRequestTokens are remembered for Options.IdempotencyTTL
// (24h, on Options.Now) and at most Options.MaxIdempotencyTokens (10000) of
// them, the oldest forgotten first.
package emulator
