package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The AWS CLI (botocore) is an independent client of the same wire
// protocol: these tests run the real `aws` binary against the emulator for
// every operation and the main errors, and check what it prints.

const cliCaller = "arn:aws:sts::111122223333:assumed-role/Admin/ci-session"

// awsCLI runs the aws binary against one emulator.
type awsCLI struct {
	path     string
	endpoint string
	srv      *emulator.Server
	h        *harness // direct access to the same server, for seeding
}

// findAWSCLI returns the aws binary, or skips the test when there is none
// able to speak the access-entry API.
func findAWSCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI (aws) is not on PATH; skipping the wire-faithfulness tests")
	}
	cmd := exec.CommandContext(t.Context(), path, "eks", "create-access-entry", "--generate-cli-skeleton")
	cmd.Env = cliEnv(t, nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("%s cannot run eks create-access-entry (too old?): %v\n%s", path, err, out)
	}
	return path
}

// newAWSCLI starts an emulator on loopback for the CLI to call.
func newAWSCLI(t *testing.T, path string) *awsCLI {
	t.Helper()
	h := newHarness(t, emulator.Options{Caller: cliCaller})
	ts := httptest.NewServer(h.srv)
	t.Cleanup(ts.Close)
	return &awsCLI{path: path, endpoint: ts.URL, srv: h.srv, h: h}
}

// cliEnv is a clean AWS environment: dummy credentials, no profile, no
// config files; extra overrides.
func cliEnv(t *testing.T, extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	dir := t.TempDir()
	env = append(env,
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_DEFAULT_REGION="+region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_RETRY_MODE=standard", // 4xx errors are not retried
		"AWS_PAGER=",
	)
	return append(env, extra...) // later entries win
}

type cliResult struct {
	stdout []byte
	stderr string
	failed bool
}

// run runs `aws <args> --endpoint-url <emulator> --output json`.
func (c *awsCLI) run(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	args = append(args, "--endpoint-url", c.endpoint, "--output", "json")
	cmd := exec.CommandContext(t.Context(), c.path, args...)
	cmd.Env = cliEnv(t, env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{stdout: stdout.Bytes(), stderr: strings.TrimSpace(stderr.String()), failed: err != nil}
}

// ok runs the CLI, expects success and returns the printed JSON document
// (nil when the CLI printed nothing, as for empty outputs).
func (c *awsCLI) ok(t *testing.T, args ...string) map[string]any {
	t.Helper()
	res := c.run(t, nil, args...)
	if res.failed {
		t.Fatalf("aws %s failed:\n%s", strings.Join(args, " "), res.stderr)
	}
	if len(bytes.TrimSpace(res.stdout)) == 0 {
		return nil
	}
	return decode(t, res.stdout)
}

// fails runs the CLI, expects failure and checks the error line it prints.
func (c *awsCLI) fails(t *testing.T, env []string, wantStderr string, args ...string) {
	t.Helper()
	res := c.run(t, env, args...)
	if !res.failed {
		t.Fatalf("aws %s succeeded, want failure:\n%s", strings.Join(args, " "), res.stdout)
	}
	if res.stderr != wantStderr {
		t.Errorf("aws %s printed\n%s\nwant\n%s", strings.Join(args, " "), res.stderr, wantStderr)
	}
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func wantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	want = slices.Sorted(slices.Values(want)) // a copy: callers share entryKeys across parallel tests
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

func TestAWSCLI(t *testing.T) {
	path := findAWSCLI(t)
	cli := newAWSCLI(t, path)
	// Each case works on its own cluster of the shared emulator.
	seed := func(t *testing.T, cluster, mode string, principals ...string) {
		t.Helper()
		cli.srv.AddCluster(cluster, mode)
		for _, p := range principals {
			cli.h.with(t).create(cluster, `{"principalArn":"`+p+`"}`)
		}
	}
	role := func(name string) string { return "arn:aws:iam::111122223333:role/" + name }
	entryKeys := []string{"clusterName", "principalArn", "kubernetesGroups", "accessEntryArn", "createdAt", "modifiedAt", "tags", "username", "type"}

	tests := []struct {
		name string
		test func(t *testing.T)
	}{
		{"create-access-entry", func(t *testing.T) {
			seed(t, "c-create", "")
			out := cli.ok(t, "eks", "create-access-entry", "--cluster-name", "c-create", "--principal-arn", adminRole,
				"--kubernetes-groups", "platform", "oncall", "--tags", "team=platform")
			wantKeys(t, "output", out, "accessEntry")
			e := out["accessEntry"].(map[string]any)
			wantKeys(t, "accessEntry", e, entryKeys...)
			wantEqual(t, "kubernetesGroups", e["kubernetesGroups"], []string{"platform", "oncall"})
			wantEqual(t, "tags", e["tags"], map[string]string{"team": "platform"})
			wantEqual(t, "username", e["username"], "arn:aws:sts::111122223333:assumed-role/admin/{{SessionName}}")
			wantEqual(t, "type", e["type"], "STANDARD")
			// CLI v1 prints wire timestamps as received: epoch seconds.
			if e["createdAt"] != json.Number("1746578565.453") {
				t.Errorf("createdAt %#v", e["createdAt"])
			}
			if arn := e["accessEntryArn"].(string); !strings.HasPrefix(arn, "arn:aws:eks:us-west-2:111122223333:access-entry/c-create/role/111122223333/admin/") {
				t.Errorf("accessEntryArn %s", arn)
			}
		}},
		{"create-access-entry EC2_LINUX", func(t *testing.T) {
			seed(t, "c-node", "")
			e := cli.ok(t, "eks", "create-access-entry", "--cluster-name", "c-node", "--principal-arn", nodeRole, "--type", "EC2_LINUX")["accessEntry"].(map[string]any)
			wantKeys(t, "accessEntry", e, entryKeys...)
			wantEqual(t, "kubernetesGroups", e["kubernetesGroups"], []string{"system:nodes"})
			wantEqual(t, "tags", e["tags"], map[string]string{})
			wantEqual(t, "username", e["username"], "system:node:{{EC2PrivateDNSName}}")
		}},
		{"describe-access-entry", func(t *testing.T) {
			seed(t, "c-describe", "", adminRole)
			e := cli.ok(t, "eks", "describe-access-entry", "--cluster-name", "c-describe", "--principal-arn", adminRole)["accessEntry"].(map[string]any)
			wantKeys(t, "accessEntry", e, entryKeys...)
			wantEqual(t, "principalArn", e["principalArn"], adminRole)
		}},
		{"list-access-entries across pages", func(t *testing.T) {
			seed(t, "c-list", "", role("c"), role("a"), role("b"))
			out := cli.ok(t, "eks", "list-access-entries", "--cluster-name", "c-list", "--page-size", "1")
			wantKeys(t, "output", out, "accessEntries")
			wantEqual(t, "accessEntries", out["accessEntries"], []string{role("a"), role("b"), role("c")})
		}},
		{"update-access-entry", func(t *testing.T) {
			seed(t, "c-update", "", adminRole)
			e := cli.ok(t, "eks", "update-access-entry", "--cluster-name", "c-update", "--principal-arn", adminRole,
				"--kubernetes-groups", "viewers", "--username", "admin:{{SessionName}}")["accessEntry"].(map[string]any)
			wantKeys(t, "accessEntry", e, entryKeys...)
			wantEqual(t, "kubernetesGroups", e["kubernetesGroups"], []string{"viewers"})
			wantEqual(t, "username", e["username"], "admin:{{SessionName}}")
		}},
		{"delete-access-entry", func(t *testing.T) {
			seed(t, "c-delete", "", adminRole)
			if out := cli.ok(t, "eks", "delete-access-entry", "--cluster-name", "c-delete", "--principal-arn", adminRole); out != nil {
				t.Errorf("printed %v", out)
			}
			wantError(t, cli.h.with(t).do(request{method: "GET", path: entryPath("c-delete", adminRole)}), 404, "ResourceNotFoundException", msgEntryNotFound)
		}},
		{"associate-access-policy", func(t *testing.T) {
			seed(t, "c-assoc", "", adminRole)
			out := cli.ok(t, "eks", "associate-access-policy", "--cluster-name", "c-assoc", "--principal-arn", adminRole,
				"--policy-arn", editARN, "--access-scope", "type=namespace,namespaces=dev,test")
			wantKeys(t, "output", out, "clusterName", "principalArn", "associatedAccessPolicy")
			p := out["associatedAccessPolicy"].(map[string]any)
			wantKeys(t, "associatedAccessPolicy", p, "policyArn", "accessScope", "associatedAt", "modifiedAt")
			wantEqual(t, "accessScope", p["accessScope"], map[string]any{"type": "namespace", "namespaces": []string{"dev", "test"}})
		}},
		{"list-associated-access-policies and disassociate-access-policy", func(t *testing.T) {
			seed(t, "c-disassoc", "", adminRole)
			cli.h.with(t).ok(request{method: "POST", path: entryPath("c-disassoc", adminRole) + "/access-policies",
				body: `{"policyArn":"` + viewARN + `","accessScope":{"type":"cluster"}}`})
			out := cli.ok(t, "eks", "list-associated-access-policies", "--cluster-name", "c-disassoc", "--principal-arn", adminRole)
			wantKeys(t, "output", out, "clusterName", "principalArn", "associatedAccessPolicies")
			list := out["associatedAccessPolicies"].([]any)
			if len(list) != 1 {
				t.Fatalf("associatedAccessPolicies %v", list)
			}
			wantEqual(t, "accessScope", list[0].(map[string]any)["accessScope"], map[string]any{"type": "cluster", "namespaces": []string{}})
			if out := cli.ok(t, "eks", "disassociate-access-policy", "--cluster-name", "c-disassoc", "--principal-arn", adminRole, "--policy-arn", viewARN); out != nil {
				t.Errorf("disassociate printed %v", out)
			}
		}},
		{"list-access-policies across pages", func(t *testing.T) {
			out := cli.ok(t, "eks", "list-access-policies", "--page-size", "10")
			wantKeys(t, "output", out, "accessPolicies")
			policies := out["accessPolicies"].([]any)
			if len(policies) != 27 {
				t.Fatalf("%d policies", len(policies))
			}
			wantEqual(t, "first", policies[0], map[string]string{"name": "AmazonAIOpsAssistantPolicy", "arn": "arn:aws:eks::aws:cluster-access-policy/AmazonAIOpsAssistantPolicy"})
		}},
		{"describe-cluster", func(t *testing.T) {
			seed(t, "c-cluster", "API")
			c := cli.ok(t, "eks", "describe-cluster", "--name", "c-cluster")["cluster"].(map[string]any)
			wantEqual(t, "accessConfig", c["accessConfig"], map[string]any{"bootstrapClusterCreatorAdminPermissions": true, "authenticationMode": "API"})
			wantEqual(t, "arn", c["arn"], "arn:aws:eks:us-west-2:111122223333:cluster/c-cluster")
			wantEqual(t, "status", c["status"], "ACTIVE")
		}},
		{"list-clusters through AWS_ENDPOINT_URL_EKS", func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), cli.path, "eks", "list-clusters", "--output", "json")
			cmd.Env = cliEnv(t, []string{"AWS_ENDPOINT_URL_EKS=" + cli.endpoint})
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			names := decode(t, out)["clusters"].([]any)
			for _, want := range []string{"api", "demo", "legacy"} {
				if !slices.Contains(names, any(want)) {
					t.Errorf("clusters %v lack %s", names, want)
				}
			}
		}},
		{"update-cluster-config", func(t *testing.T) {
			seed(t, "c-mode", "")
			u := cli.ok(t, "eks", "update-cluster-config", "--name", "c-mode", "--access-config", "authenticationMode=API")["update"].(map[string]any)
			wantKeys(t, "update", u, "id", "status", "type", "params", "createdAt", "errors")
			wantEqual(t, "params", u["params"], []map[string]string{{"type": "AuthenticationMode", "value": `"API"`}})
			wantEqual(t, "status", u["status"], "InProgress")
		}},
		{"tag-resource, list-tags-for-resource, untag-resource", func(t *testing.T) {
			seed(t, "c-tags", "")
			arn := cli.h.with(t).create("c-tags", `{"principalArn":"`+adminRole+`","tags":{"keep":"1"}}`)["accessEntryArn"].(string)
			if out := cli.ok(t, "eks", "tag-resource", "--resource-arn", arn, "--tags", "a=1,b=2"); out != nil {
				t.Errorf("tag-resource printed %v", out)
			}
			if out := cli.ok(t, "eks", "untag-resource", "--resource-arn", arn, "--tag-keys", "a", "keep"); out != nil {
				t.Errorf("untag-resource printed %v", out)
			}
			out := cli.ok(t, "eks", "list-tags-for-resource", "--resource-arn", arn)
			wantEqual(t, "output", out, map[string]any{"tags": map[string]string{"b": "2"}})
		}},
		{"sts get-caller-identity", func(t *testing.T) {
			out := cli.ok(t, "sts", "get-caller-identity")
			wantKeys(t, "output", out, "UserId", "Account", "Arn")
			wantEqual(t, "Arn", out["Arn"], cliCaller)
			wantEqual(t, "Account", out["Account"], account)
			if id := out["UserId"].(string); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":ci-session") {
				t.Errorf("UserId %s", id)
			}
		}},

		// Errors.
		{"404 ResourceNotFoundException", func(t *testing.T) {
			seed(t, "c-404", "")
			cli.fails(t, nil, "An error occurred (ResourceNotFoundException) when calling the DescribeAccessEntry operation: "+msgEntryNotFound,
				"eks", "describe-access-entry", "--cluster-name", "c-404", "--principal-arn", adminRole)
		}},
		{"404 no cluster", func(t *testing.T) {
			cli.fails(t, nil, "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: nope.",
				"eks", "describe-cluster", "--name", "nope")
		}},
		{"409 ResourceInUseException", func(t *testing.T) {
			seed(t, "c-409", "", adminRole)
			cli.fails(t, nil, "An error occurred (ResourceInUseException) when calling the CreateAccessEntry operation: The specified access entry resource is already in use on this cluster.",
				"eks", "create-access-entry", "--cluster-name", "c-409", "--principal-arn", adminRole)
		}},
		{"400 InvalidParameterException", func(t *testing.T) {
			seed(t, "c-400", "")
			cli.fails(t, nil, "An error occurred (InvalidParameterException) when calling the CreateAccessEntry operation: The kubernetes group name system:masters is invalid, it cannot start with system:",
				"eks", "create-access-entry", "--cluster-name", "c-400", "--principal-arn", adminRole, "--kubernetes-groups", "system:masters")
		}},
		{"400 maxResults out of range", func(t *testing.T) {
			cli.fails(t, nil, "An error occurred (InvalidParameterException) when calling the ListClusters operation: 1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
				"eks", "list-clusters", "--no-paginate", "--max-results", "101")
		}},
		{"400 InvalidRequestException on CONFIG_MAP", func(t *testing.T) {
			cli.fails(t, nil, "An error occurred (InvalidRequestException) when calling the ListAccessEntries operation: "+msgConfigMap,
				"eks", "list-access-entries", "--cluster-name", "legacy")
		}},
		{"404 NotFoundException on tags", func(t *testing.T) {
			cli.fails(t, nil, "An error occurred (NotFoundException) when calling the ListTagsForResource operation: The resource arn:aws:eks:us-west-2:111122223333:cluster/nope could not be found.",
				"eks", "list-tags-for-resource", "--resource-arn", "arn:aws:eks:us-west-2:111122223333:cluster/nope")
		}},
		{"403 AccessDeniedException", func(t *testing.T) {
			cli.fails(t, []string{"AWS_ACCESS_KEY_ID=DENIED"},
				"An error occurred (AccessDeniedException) when calling the CreateAccessEntry operation: User: "+cliCaller+
					" is not authorized to perform: eks:CreateAccessEntry on resource: arn:aws:eks:us-west-2:111122223333:cluster/demo",
				"eks", "create-access-entry", "--cluster-name", "demo", "--principal-arn", aliceUser)
		}},
		{"403 ExpiredTokenException", func(t *testing.T) {
			cli.fails(t, []string{"AWS_ACCESS_KEY_ID=EXPIRED"},
				"An error occurred (ExpiredTokenException) when calling the ListClusters operation: The security token included in the request is expired",
				"eks", "list-clusters")
		}},
		{"403 on STS", func(t *testing.T) {
			cli.fails(t, []string{"AWS_ACCESS_KEY_ID=UNKNOWN"},
				"An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
				"sts", "get-caller-identity")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t)
		})
	}
}

// TestAWSCLIRetries checks that the emulator's throttling is retried by the
// CLI, in both retry modes, and what it prints when retries run out. Each
// case has its own emulator: FailNext queues are per server.
func TestAWSCLIRetries(t *testing.T) {
	path := findAWSCLI(t)
	tests := []struct {
		name     string
		failures int
		env      []string
		wantErr  string // "" for success
		attempts int
	}{
		{name: "standard mode retries 429 twice", failures: 2, env: []string{"AWS_RETRY_MODE=standard", "AWS_MAX_ATTEMPTS=3"}, attempts: 3},
		{name: "legacy mode retries 429", failures: 1, env: []string{"AWS_RETRY_MODE=legacy", "AWS_MAX_ATTEMPTS=2"}, attempts: 2},
		{name: "retries run out", failures: 2, env: []string{"AWS_RETRY_MODE=standard", "AWS_MAX_ATTEMPTS=2"}, attempts: 2,
			wantErr: "An error occurred (TooManyRequestsException) when calling the ListAccessEntries operation (reached max retries: 1): Too Many Requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cli := newAWSCLI(t, path)
			for range tt.failures {
				cli.srv.FailNext("ListAccessEntries", 429, "TooManyRequestsException", "Too Many Requests")
			}
			res := cli.run(t, tt.env, "eks", "list-access-entries", "--cluster-name", "demo")
			switch {
			case tt.wantErr == "" && res.failed:
				t.Errorf("failed:\n%s", res.stderr)
			case tt.wantErr != "" && res.stderr != tt.wantErr:
				t.Errorf("printed\n%s\nwant\n%s", res.stderr, tt.wantErr)
			}
			if n := len(cli.srv.Requests()); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
		})
	}
}

// TestAWSCLIFaults checks that botocore reads the injected faults as it
// reads EKS's own: modeled error codes with their messages (and retries
// counted), a reset connection, a repeated page token, the rate limit.
func TestAWSCLIFaults(t *testing.T) {
	path := findAWSCLI(t)
	one := []string{"AWS_MAX_ATTEMPTS=1"}
	list := []string{"eks", "list-access-entries", "--cluster-name", "demo"}
	tests := []struct {
		name  string
		setup func(*testing.T, *awsCLI)
		env   []string
		args  []string
		want  string // stderr, "..." suffix for a prefix
	}{
		{"503 ServiceUnavailableException", func(t *testing.T, c *awsCLI) {
			c.srv.FailCall("ListAccessEntries", 1, emulator.Fault{Status: 503, Code: "ServiceUnavailableException"})
		}, one, list, "An error occurred (ServiceUnavailableException) when calling the ListAccessEntries operation (reached max retries: 0): Service Unavailable"},
		{"500 ServerException", func(t *testing.T, c *awsCLI) {
			c.srv.FailCall("ListAccessEntries", 1, emulator.Fault{Status: 500, Code: "ServerException"})
		}, one, list, "An error occurred (ServerException) when calling the ListAccessEntries operation (reached max retries: 0): An internal error occurred. Please try again."},
		{"reset", func(t *testing.T, c *awsCLI) {
			c.srv.FailCall("ListAccessEntries", 1, emulator.Fault{Reset: true})
		}, one, list, "Connection was closed before we received a valid response from endpoint URL: ..."},
		{"repeated page token", func(t *testing.T, c *awsCLI) {
			c.srv.SetRepeatPageToken("ListAccessEntries", true)
		}, one, list, "Error during pagination: The same next token was received twice: {'nextToken': '..."},
		{"rate limit, retries run out", func(t *testing.T, c *awsCLI) {
			c.srv.SetRateLimit(1, 1)                                       // the harness clock stands still: one request, then 429s
			c.h.with(t).ok(request{method: "GET", path: "/clusters/demo"}) // takes it
		}, []string{"AWS_MAX_ATTEMPTS=2"}, []string{"eks", "describe-cluster", "--name", "demo"},
			"An error occurred (TooManyRequestsException) when calling the DescribeCluster operation (reached max retries: 1): Too Many Requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cli := newAWSCLI(t, path)
			tt.setup(t, cli)
			res := cli.run(t, tt.env, tt.args...)
			prefix, isPrefix := strings.CutSuffix(tt.want, "...")
			if !res.failed || (isPrefix && !strings.HasPrefix(res.stderr, prefix)) || (!isPrefix && res.stderr != tt.want) {
				t.Errorf("failed %v, printed\n%s\nwant\n%s", res.failed, res.stderr, tt.want)
			}
		})
	}
}
