package emulator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

const (
	autoRole = "arn:aws:iam::111122223333:role/auto-node"

	msgNameChars        = `contains invalid characters. It should conform to the regular expression "^[0-9A-Za-z][A-Za-z0-9-_]*"In other words, it should start with a number or letter, and can contain numbers, letters, dashes, and underscores.`
	msgConfigMap        = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
	msgEntryNotFound    = "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."
	msgFormat           = "The principalArn parameter format is not valid"
	msgInvalidPrincipal = "The specified principalArn is invalid: invalid principal."
)

// fixtures creates the entries the rule tests work on: a STANDARD role, an
// EC2_LINUX role, an EC2 (Auto Mode) role and a STANDARD user in "demo".
func fixtures(h *harness) {
	h.t.Helper()
	h.create("demo", `{"principalArn":"`+adminRole+`"}`)
	h.create("demo", `{"principalArn":"`+nodeRole+`","type":"EC2_LINUX"}`)
	h.create("demo", `{"principalArn":"`+autoRole+`","type":"EC2"}`)
	h.create("demo", `{"principalArn":"`+aliceUser+`"}`)
}

func createReq(body string) request {
	return request{method: "POST", path: "/clusters/demo/access-entries", body: body}
}

func associateReq(principal, body string) request {
	return request{method: "POST", path: entryPath("demo", principal) + "/access-policies", body: body}
}

type ruleCase struct {
	name    string
	setup   func(*harness)
	req     request
	status  int
	code    string
	message string // "..." suffix: prefix match
}

func runRules(t *testing.T, opts emulator.Options, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, opts)
			fixtures(h)
			if tc.setup != nil {
				tc.setup(h)
			}
			resp := h.do(tc.req)
			if tc.status == http.StatusOK {
				if resp.status != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", resp.status, resp.body)
				}
				return
			}
			wantError(t, resp, tc.status, tc.code, tc.message)
		})
	}
}

// TestClusterRules: name rules, existence and the CONFIG_MAP check, for
// every operation that names a cluster.
func TestClusterRules(t *testing.T) {
	long := strings.Repeat("a", 101)
	accessOps := []struct {
		op     string
		method string
		suffix string
		body   string
	}{
		{"CreateAccessEntry", "POST", "/access-entries", `{"principalArn":"` + adminRole + `"}`},
		{"ListAccessEntries", "GET", "/access-entries", ""},
		{"DescribeAccessEntry", "GET", "/access-entries/" + escape(adminRole), ""},
		{"UpdateAccessEntry", "POST", "/access-entries/" + escape(adminRole), "{}"},
		{"DeleteAccessEntry", "DELETE", "/access-entries/" + escape(adminRole), ""},
		{"AssociateAccessPolicy", "POST", "/access-entries/" + escape(adminRole) + "/access-policies", `{"policyArn":"` + viewARN + `","accessScope":{"type":"cluster"}}`},
		{"DisassociateAccessPolicy", "DELETE", "/access-entries/" + escape(adminRole) + "/access-policies/" + escape(viewARN), ""},
		{"ListAssociatedAccessPolicies", "GET", "/access-entries/" + escape(adminRole) + "/access-policies", ""},
	}
	var cases []ruleCase
	for _, op := range accessOps {
		req := func(cluster string) request {
			return request{method: op.method, path: "/clusters/" + cluster + op.suffix, body: op.body}
		}
		cases = append(cases,
			ruleCase{name: op.op + "/CONFIG_MAP", req: req("legacy"), status: 400, code: "InvalidRequestException", message: msgConfigMap},
			ruleCase{name: op.op + "/unknown cluster", req: req("nope"), status: 404, code: "ResourceNotFoundException", message: "No cluster found for name: nope."},
			ruleCase{name: op.op + "/bad name", req: req("my.cluster"), status: 400, code: "InvalidParameterException", message: "The clusterName parameter " + msgNameChars},
			ruleCase{name: op.op + "/long name", req: req(long), status: 400, code: "InvalidParameterException", message: "The clusterName parameter should not be greater than 100 characters."},
		)
	}
	cases = append(cases,
		ruleCase{name: "DescribeCluster/unknown", req: request{method: "GET", path: "/clusters/nope"},
			status: 404, code: "ResourceNotFoundException", message: "No cluster found for name: nope."},
		ruleCase{name: "DescribeCluster/bad name", req: request{method: "GET", path: "/clusters/-x"},
			status: 400, code: "InvalidParameterException", message: "The parameter name " + msgNameChars},
		ruleCase{name: "DescribeCluster/long name", req: request{method: "GET", path: "/clusters/" + long},
			status: 400, code: "InvalidParameterException", message: "The parameter name should not be greater than 100 characters."},
		ruleCase{name: "DescribeCluster/CONFIG_MAP is fine", req: request{method: "GET", path: "/clusters/legacy"}, status: 200},
		ruleCase{name: "ListAccessPolicies needs no cluster", req: request{method: "GET", path: "/access-policies"}, status: 200},
		ruleCase{name: "name of 100 characters", req: request{method: "GET", path: "/clusters/" + long[:100]},
			status: 404, code: "ResourceNotFoundException", message: "No cluster found for name: " + long[:100] + "."},
	)
	runRules(t, emulator.Options{}, cases)
}

func TestCreateRules(t *testing.T) {
	tags := func(n int) string {
		var kv []string
		for i := range n {
			kv = append(kv, fmt.Sprintf(`"k%d":"v"`, i))
		}
		return "{" + strings.Join(kv, ",") + "}"
	}
	role := func(name string) string { return "arn:aws:iam::111122223333:role/" + name }
	create := func(fields string) request { return createReq("{" + fields + "}") }
	runRules(t, emulator.Options{}, []ruleCase{
		// Principal ARN forms (§4.2).
		{name: "principalArn missing", req: create(`"type":"STANDARD"`), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value null at 'principalArn' failed to satisfy constraint: Member must not be null"},
		{name: "assumed-role ARN", req: create(`"principalArn":"arn:aws:sts::111122223333:assumed-role/Admin/alice"`),
			status: 400, code: "InvalidParameterException", message: msgFormat},
		{name: "not an ARN", req: create(`"principalArn":"admin"`), status: 400, code: "InvalidParameterException", message: msgFormat},
		{name: "IAM group", req: create(`"principalArn":"arn:aws:iam::111122223333:group/admins"`), status: 400, code: "InvalidParameterException", message: msgFormat},
		{name: "short account id", req: create(`"principalArn":"arn:aws:iam::1111:role/x"`), status: 400, code: "InvalidParameterException", message: msgFormat},
		{name: "service-linked role", req: create(`"principalArn":"arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"`),
			status: 400, code: "InvalidParameterException", message: "The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role"},
		{name: "principal IAM does not know", setup: func(h *harness) { h.srv.SetPrincipalMissing(role("ghost"), true) },
			req: create(`"principalArn":"` + role("ghost") + `"`), status: 400, code: "InvalidParameterException", message: msgInvalidPrincipal},
		{name: "principal known again", setup: func(h *harness) {
			h.srv.SetPrincipalMissing(role("ghost"), true)
			h.srv.SetPrincipalMissing(role("ghost"), false)
		}, req: create(`"principalArn":"` + role("ghost") + `"`), status: 200},
		{name: "SSO role without its path", req: create(`"principalArn":"` + role("AWSReservedSSO_Admin_0123456789abcdef") + `"`),
			status: 400, code: "InvalidParameterException", message: msgInvalidPrincipal},
		{name: "SSO role with its path", req: create(`"principalArn":"` + role("aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef") + `"`), status: 200},
		{name: "principal of another partition", req: create(`"principalArn":"arn:aws-cn:iam::111122223333:role/x"`),
			status: 400, code: "InvalidParameterException", message: msgInvalidPrincipal},
		{name: "root is accepted", req: create(`"principalArn":"arn:aws:iam::111122223333:root"`), status: 200},
		{name: "duplicate", req: create(`"principalArn":"` + adminRole + `"`),
			status: 409, code: "ResourceInUseException", message: "The specified access entry resource is already in use on this cluster."},
		{name: "duplicate wins over type rules", req: create(`"principalArn":"` + nodeRole + `","type":"EC2_LINUX"`),
			status: 409, code: "ResourceInUseException", message: "The specified access entry resource is already in use on this cluster."},

		// Types (§4.3).
		{name: "lower-case type", req: create(`"principalArn":"` + role("n") + `","type":"ec2_linux"`), status: 400, code: "InvalidParameterException",
			message: "The access entry type ec2_linux is invalid. Valid types are STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX."},
		{name: "unknown type", req: create(`"principalArn":"` + role("n") + `","type":"WINDOWS"`), status: 400, code: "InvalidParameterException", message: "The access entry type WINDOWS is invalid..."},
		{name: "node type needs a role", req: create(`"principalArn":"arn:aws:iam::111122223333:user/bob","type":"EC2_LINUX"`), status: 400, code: "InvalidParameterException",
			message: "Access entries of type EC2_LINUX require an IAM role as principalArn."},
		{name: "node type needs the cluster's account", req: create(`"principalArn":"arn:aws:iam::444455556666:role/n","type":"HYBRID_LINUX"`), status: 400, code: "InvalidParameterException",
			message: "Access entries of type HYBRID_LINUX require an IAM role in the cluster's account 111122223333."},
		{name: "node type rejects groups", req: create(`"principalArn":"` + role("n") + `","type":"EC2_WINDOWS","kubernetesGroups":["ops"]`), status: 400, code: "InvalidParameterException",
			message: "The kubernetesGroups cannot be set for access entries of type EC2_WINDOWS."},
		{name: "node type accepts empty groups", req: create(`"principalArn":"` + role("n") + `","type":"EC2_WINDOWS","kubernetesGroups":[]`), status: 200},
		{name: "node type rejects the EKS-set username", req: create(`"principalArn":"` + role("n") + `","type":"EC2_LINUX","username":"system:node:{{EC2PrivateDNSName}}"`),
			status: 400, code: "InvalidParameterException", message: "The username must not begin with system:"},
		{name: "node type rejects any username", req: create(`"principalArn":"` + role("n") + `","type":"FARGATE_LINUX","username":"node"`), status: 400, code: "InvalidParameterException",
			message: "The username cannot be set for access entries of type FARGATE_LINUX."},
		{name: "cross-account STANDARD role is fine", req: create(`"principalArn":"arn:aws:iam::444455556666:role/ci"`), status: 200},

		// Username (§4.4).
		{name: "username system:", req: create(`"principalArn":"` + role("u") + `","username":"system:admin"`), status: 400, code: "InvalidParameterException", message: "The username must not begin with system:"},
		{name: "username eks:", req: create(`"principalArn":"` + role("u") + `","username":"eks:x"`), status: 400, code: "InvalidParameterException", message: "The username must not begin with eks:"},
		{name: "username aws:", req: create(`"principalArn":"` + role("u") + `","username":"aws:x"`), status: 400, code: "InvalidParameterException", message: "The username must not begin with aws:"},
		{name: "username amazon:", req: create(`"principalArn":"` + role("u") + `","username":"amazon:x"`), status: 400, code: "InvalidParameterException", message: "The username must not begin with amazon:"},
		{name: "username iam:", req: create(`"principalArn":"` + role("u") + `","username":"iam:x"`), status: 400, code: "InvalidParameterException", message: "The username must not begin with iam:"},
		{name: "SessionName without a colon before it", req: create(`"principalArn":"` + role("u") + `","username":"john{{SessionName}}"`), status: 400, code: "InvalidParameterException",
			message: "The username john{{SessionName}} is invalid: a colon (:) must appear before {{SessionName}} or {{SessionNameRaw}}."},
		{name: "SessionNameRaw without a colon before it", req: create(`"principalArn":"` + role("u") + `","username":"{{SessionNameRaw}}:x"`), status: 400, code: "InvalidParameterException", message: "The username {{SessionNameRaw}}:x is invalid..."},
		{name: "colon first", req: create(`"principalArn":"` + role("u") + `","username":":john{{SessionName}}"`), status: 200},
		{name: "colon inside", req: create(`"principalArn":"` + role("u") + `","username":"jo:hn{{SessionName}}"`), status: 200},

		// Groups (§4.5).
		{name: "group system:masters", req: create(`"principalArn":"` + role("g") + `","kubernetesGroups":["ops","system:masters"]`), status: 400, code: "InvalidParameterException",
			message: "The kubernetes group name system:masters is invalid, it cannot start with system:"},
		{name: "empty group name", req: create(`"principalArn":"` + role("g") + `","kubernetesGroups":[""]`), status: 400, code: "InvalidParameterException", message: "The kubernetes group name cannot be empty."},

		// Tags (§4.6).
		{name: "empty tags", req: create(`"principalArn":"` + role("t") + `","tags":{}`), status: 400, code: "InvalidParameterException", message: "The tags parameter must contain at least 1 tag."},
		{name: "51 tags", req: create(`"principalArn":"` + role("t") + `","tags":` + tags(51)), status: 400, code: "InvalidParameterException", message: "A resource can have at most 50 tags."},
		{name: "50 tags", req: create(`"principalArn":"` + role("t") + `","tags":` + tags(50)), status: 200},
		{name: "tag key too long", req: create(`"principalArn":"` + role("t") + `","tags":{"` + strings.Repeat("k", 129) + `":"v"}`), status: 400, code: "InvalidParameterException", message: `The tag key "kkk...`},
		{name: "tag key of 128 multibyte characters", req: create(`"principalArn":"` + role("t") + `","tags":{"` + strings.Repeat("é", 128) + `":"v"}`), status: 200},
		{name: "tag value too long", req: create(`"principalArn":"` + role("t") + `","tags":{"k":"` + strings.Repeat("v", 257) + `"}`), status: 400, code: "InvalidParameterException",
			message: "The value of tag k is longer than 256 characters."},
		{name: "empty tag value", req: create(`"principalArn":"` + role("t") + `","tags":{"k":""}`), status: 200},
		{name: "aws: tag key", req: create(`"principalArn":"` + role("t") + `","tags":{"AWS:cloudformation":"x"}`), status: 400, code: "InvalidParameterException",
			message: "The tag key AWS:cloudformation starts with aws:, which is reserved for AWS use."},

		// Body.
		{name: "malformed JSON", req: createReq(`{"principalArn":`), status: 400, code: "SerializationException", message: "Unable to parse the request body as JSON..."},
		{name: "wrong member type", req: createReq(`{"principalArn":"` + role("x") + `","kubernetesGroups":"ops"}`), status: 400, code: "SerializationException", message: "Unable to parse..."},
	})
}

func TestUpdateRules(t *testing.T) {
	update := func(principal, body string) request {
		return request{method: "POST", path: entryPath("demo", principal), body: body}
	}
	runRules(t, emulator.Options{}, []ruleCase{
		{name: "unknown entry", req: update("arn:aws:iam::111122223333:role/none", `{}`), status: 404, code: "ResourceNotFoundException", message: msgEntryNotFound},
		{name: "system: group", req: update(adminRole, `{"kubernetesGroups":["system:masters"]}`), status: 400, code: "InvalidParameterException",
			message: "The kubernetes group name system:masters is invalid, it cannot start with system:"},
		{name: "reserved username", req: update(adminRole, `{"username":"eks:admin"}`), status: 400, code: "InvalidParameterException", message: "The username must not begin with eks:"},
		{name: "node entry: sending back the EKS-set username", req: update(nodeRole, `{"username":"system:node:{{EC2PrivateDNSName}}"}`), status: 400, code: "InvalidParameterException",
			message: "The username must not begin with system:"},
		{name: "node entry: groups", req: update(nodeRole, `{"kubernetesGroups":["ops"]}`), status: 400, code: "InvalidParameterException",
			message: "The kubernetesGroups cannot be set for access entries of type EC2_LINUX."},
		{name: "node entry: nothing", req: update(nodeRole, `{}`), status: 200},
	})
}

func TestAssociateRules(t *testing.T) {
	scope := func(policy, scope string) string { return `{"policyArn":"` + policy + `","accessScope":` + scope + `}` }
	runRules(t, emulator.Options{}, []ruleCase{
		{name: "unknown entry", req: associateReq("arn:aws:iam::111122223333:role/none", scope(viewARN, `{"type":"cluster"}`)),
			status: 404, code: "ResourceNotFoundException", message: msgEntryNotFound},
		{name: "policyArn missing", req: associateReq(adminRole, `{"accessScope":{"type":"cluster"}}`), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null"},
		{name: "accessScope missing", req: associateReq(adminRole, `{"policyArn":"`+viewARN+`"}`), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value null at 'accessScope' failed to satisfy constraint: Member must not be null"},
		{name: "policy not in the catalog", req: associateReq(adminRole, scope("arn:aws:eks::aws:cluster-access-policy/AmazonEKSGodPolicy", `{"type":"cluster"}`)),
			status: 400, code: "InvalidParameterException",
			message: "The policyArn arn:aws:eks::aws:cluster-access-policy/AmazonEKSGodPolicy is not a valid access policy. You can view the available access policies with 'list-access-policies'."},
		{name: "policy of another partition", req: associateReq(adminRole, scope("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", `{"type":"cluster"}`)),
			status: 400, code: "InvalidParameterException", message: "The policyArn arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is not a valid access policy..."},
		{name: "short policy name", req: associateReq(adminRole, scope("AmazonEKSViewPolicy", `{"type":"cluster"}`)),
			status: 400, code: "InvalidParameterException", message: "The policyArn AmazonEKSViewPolicy is not a valid access policy..."},
		{name: "service-linked-role policy", req: associateReq(adminRole, scope("arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputePolicy", `{"type":"cluster"}`)),
			status: 400, code: "InvalidParameterException",
			message: "The access policy AmazonEKSComputePolicy is designated for AWS service-linked roles only and cannot be associated with " + adminRole + "."},
		{name: "namespace scope without namespaces", req: associateReq(adminRole, scope(viewARN, `{"type":"namespace"}`)), status: 400, code: "InvalidParameterException",
			message: "At least one namespace must be specified for an access scope of type namespace."},
		{name: "cluster scope with namespaces", req: associateReq(adminRole, scope(viewARN, `{"type":"cluster","namespaces":["dev"]}`)), status: 400, code: "InvalidParameterException",
			message: "Namespaces cannot be specified for an access scope of type cluster."},
		{name: "scope type is case-sensitive", req: associateReq(adminRole, scope(viewARN, `{"type":"Cluster"}`)), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value 'Cluster' at 'accessScope.type' failed to satisfy constraint: Member must satisfy enum value set: [cluster, namespace]"},
		{name: "scope type missing", req: associateReq(adminRole, scope(viewARN, `{}`)), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value null at 'accessScope.type' failed to satisfy constraint: Member must not be null"},
		{name: "user principal", req: associateReq(aliceUser, scope(editARN, `{"type":"namespace","namespaces":["dev-*"]}`)), status: 200},
		{name: "EC2_LINUX entry", req: associateReq(nodeRole, scope(viewARN, `{"type":"cluster"}`)), status: 400, code: "InvalidParameterException",
			message: "Access policies cannot be associated with access entries of type EC2_LINUX."},
		{name: "EC2 entry with AmazonEKSAutoNodePolicy", req: associateReq(autoRole, scope(autoARN, `{"type":"cluster"}`)), status: 200},
		{name: "EC2 entry with AmazonEKSAutoNodePolicy, namespace scope", req: associateReq(autoRole, scope(autoARN, `{"type":"namespace","namespaces":["x"]}`)),
			status: 400, code: "InvalidParameterException", message: "The access policy AmazonEKSAutoNodePolicy can only be associated with cluster scope."},
		{name: "EC2 entry with another policy", req: associateReq(autoRole, scope(viewARN, `{"type":"cluster"}`)), status: 400, code: "InvalidParameterException",
			message: "Access entries of type EC2 can only be associated with AmazonEKSAutoNodePolicy."},
		{name: "disassociate a policy not associated", req: request{method: "DELETE", path: entryPath("demo", adminRole) + "/access-policies/" + escape(viewARN)},
			status: 404, code: "ResourceNotFoundException", message: "The specified policyArn " + viewARN + " is not associated with principalArn " + adminRole + "..."},
		{name: "disassociate from an unknown entry", req: request{method: "DELETE", path: entryPath("demo", "arn:aws:iam::111122223333:role/none") + "/access-policies/" + escape(viewARN)},
			status: 404, code: "ResourceNotFoundException", message: msgEntryNotFound},
		{name: "list policies of an unknown entry", req: request{method: "GET", path: entryPath("demo", "arn:aws:iam::111122223333:role/none") + "/access-policies"},
			status: 404, code: "ResourceNotFoundException", message: msgEntryNotFound},
	})
}

func TestPartitionAwareCatalog(t *testing.T) {
	h := newHarness(t, emulator.Options{Region: "cn-north-1"})
	got := h.ok(request{method: "GET", path: "/access-policies?maxResults=1"})["accessPolicies"].([]any)
	if arn := got[0].(map[string]any)["arn"]; arn != "arn:aws-cn:eks::aws:cluster-access-policy/AmazonAIOpsAssistantPolicy" {
		t.Errorf("arn %v", arn)
	}
	principal := "arn:aws-cn:iam::111122223333:role/admin"
	e := h.create("demo", `{"principalArn":"`+principal+`"}`)
	if u := e["username"]; u != "arn:aws-cn:sts::111122223333:assumed-role/admin/{{SessionName}}" {
		t.Errorf("username %v", u)
	}
	if a := e["accessEntryArn"].(string); !strings.HasPrefix(a, "arn:aws-cn:eks:cn-north-1:111122223333:access-entry/demo/role/") {
		t.Errorf("accessEntryArn %v", a)
	}
	h.ok(associateReq(principal, `{"policyArn":"arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"cluster"}}`))
	wantError(t, h.do(associateReq(principal, `{"policyArn":"`+editARN+`","accessScope":{"type":"cluster"}}`)),
		400, "InvalidParameterException", "The policyArn "+editARN+" is not a valid access policy...")
}

func TestDeleteDropsAssociationsAndTags(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	e := h.create("demo", `{"principalArn":"`+adminRole+`","tags":{"a":"1"}}`)
	arn := e["accessEntryArn"].(string)
	h.ok(associateReq(adminRole, `{"policyArn":"`+viewARN+`","accessScope":{"type":"cluster"}}`))
	h.ok(request{method: "DELETE", path: entryPath("demo", adminRole)})

	wantError(t, h.do(request{method: "GET", path: entryPath("demo", adminRole)}), 404, "ResourceNotFoundException", msgEntryNotFound)
	wantError(t, h.do(request{method: "DELETE", path: entryPath("demo", adminRole)}), 404, "ResourceNotFoundException", msgEntryNotFound)
	wantError(t, h.do(request{method: "GET", path: tagsPath(arn)}), 404, "NotFoundException", "The resource "+arn+" could not be found.")

	again := h.create("demo", `{"principalArn":"`+adminRole+`"}`)
	if again["accessEntryArn"] == arn {
		t.Error("re-created entry kept its ARN")
	}
	if tags := again["tags"].(map[string]any); len(tags) != 0 {
		t.Errorf("re-created entry has tags %v", tags)
	}
	policies := h.ok(request{method: "GET", path: entryPath("demo", adminRole) + "/access-policies"})["associatedAccessPolicies"].([]any)
	if len(policies) != 0 {
		t.Errorf("re-created entry has policies %v", policies)
	}
}

func TestIdempotency(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	body := `{"principalArn":"` + adminRole + `","clientRequestToken":"tok-1"}`
	first := h.do(createReq(body))
	h.clock.Advance(time.Second)
	second := h.do(createReq(body))
	if first.status != 200 || second.status != 200 || string(first.body) != string(second.body) {
		t.Errorf("replay:\n first %d %s\nsecond %d %s", first.status, first.body, second.status, second.body)
	}
	if n := len(h.ok(request{method: "GET", path: "/clusters/demo/access-entries"})["accessEntries"].([]any)); n != 1 {
		t.Errorf("%d entries after a replay", n)
	}
	wantError(t, h.do(createReq(`{"principalArn":"`+adminRole+`","clientRequestToken":"tok-1","kubernetesGroups":["x"]}`)),
		400, "InvalidParameterException", "The clientRequestToken tok-1 was already used with different parameters.")
	wantError(t, h.do(createReq(`{"principalArn":"`+adminRole+`","clientRequestToken":"tok-2"}`)),
		409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")

	update := request{method: "POST", path: entryPath("demo", adminRole), body: `{"kubernetesGroups":["a"],"clientRequestToken":"tok-1"}`}
	u1 := h.ok(update)
	h.clock.Advance(time.Second)
	if u2 := h.ok(update); fmt.Sprint(u1) != fmt.Sprint(u2) {
		t.Errorf("update replay differs:\n%v\n%v", u1, u2)
	}

	cfg := request{method: "POST", path: "/clusters/demo/update-config", body: `{"accessConfig":{"authenticationMode":"API"},"clientRequestToken":"tok-3"}`}
	c1 := h.ok(cfg)
	if c2 := h.ok(cfg); fmt.Sprint(c1) != fmt.Sprint(c2) {
		t.Errorf("update-config replay differs:\n%v\n%v", c1, c2)
	}
	cfg.body = `{"accessConfig":{"authenticationMode":"API"},"clientRequestToken":"tok-4"}`
	wantError(t, h.do(cfg), 400, "InvalidParameterException", "Cluster is already at the desired configuration with authenticationMode: API")
}

func TestPropagationDelay(t *testing.T) {
	h := newHarness(t, emulator.Options{PropagationDelay: 3 * time.Second})
	h.create("demo", `{"principalArn":"`+adminRole+`"}`)
	associate := associateReq(adminRole, `{"policyArn":"`+viewARN+`","accessScope":{"type":"cluster"}}`)
	update := request{method: "POST", path: entryPath("demo", adminRole), body: `{}`}

	wantError(t, h.do(associate), 404, "ResourceNotFoundException", msgEntryNotFound)
	wantError(t, h.do(update), 404, "ResourceNotFoundException", msgEntryNotFound)
	h.ok(request{method: "GET", path: entryPath("demo", adminRole)})
	wantError(t, h.do(createReq(`{"principalArn":"`+adminRole+`"}`)), 409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")

	h.clock.Advance(3 * time.Second)
	h.ok(associate)
	h.ok(update)
}

// TestPropagationDelayCountsFromTheFirstRequest: the delay starts at the
// first request that should not see the entry, not at its creation, so a
// client that was slow to send it (a loaded machine) still meets it.
func TestPropagationDelayCountsFromTheFirstRequest(t *testing.T) {
	h := newHarness(t, emulator.Options{PropagationDelay: 3 * time.Second})
	h.create("demo", `{"principalArn":"`+adminRole+`"}`)
	update := request{method: "POST", path: entryPath("demo", adminRole), body: `{}`}

	h.clock.Advance(time.Minute) // long past creation + delay
	wantError(t, h.do(update), 404, "ResourceNotFoundException", msgEntryNotFound)
	h.clock.Advance(3*time.Second - time.Millisecond)
	wantError(t, h.do(update), 404, "ResourceNotFoundException", msgEntryNotFound)
	h.clock.Advance(time.Millisecond)
	h.ok(update)
}

// TestPrincipalAppearsAfter: a principal IAM does not know yet is refused
// until the delay has passed since the first CreateAccessEntry naming it,
// however long after SetPrincipalAppearsAfter that request comes.
func TestPrincipalAppearsAfter(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.srv.SetPrincipalAppearsAfter(adminRole, 2*time.Second)
	create := createReq(`{"principalArn":"` + adminRole + `"}`)

	h.clock.Advance(time.Minute) // long past the call + delay
	wantError(t, h.do(create), 400, "InvalidParameterException", msgInvalidPrincipal)
	h.clock.Advance(2*time.Second - time.Millisecond)
	wantError(t, h.do(create), 400, "InvalidParameterException", msgInvalidPrincipal)
	h.clock.Advance(time.Millisecond)
	h.ok(create)
	h.ok(request{method: "DELETE", path: entryPath("demo", adminRole)})
	h.ok(create) // known for good now
}

func TestUpdateClusterConfigRules(t *testing.T) {
	cfg := func(cluster, body string) request {
		return request{method: "POST", path: "/clusters/" + cluster + "/update-config", body: body}
	}
	mode := func(m string) string { return `{"accessConfig":{"authenticationMode":"` + m + `"}}` }
	cases := []ruleCase{
		{name: "CONFIG_MAP to API in one step", req: cfg("legacy", mode("API")), status: 400, code: "InvalidParameterException",
			message: "Unsupported authentication mode update from CONFIG_MAP to API"},
		{name: "back to CONFIG_MAP", req: cfg("demo", mode("CONFIG_MAP")), status: 400, code: "InvalidParameterException",
			message: "Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP"},
		{name: "API back to API_AND_CONFIG_MAP", req: cfg("api", mode("API_AND_CONFIG_MAP")), status: 400, code: "InvalidParameterException",
			message: "Unsupported authentication mode update from API to API_AND_CONFIG_MAP"},
		{name: "no change", req: cfg("demo", mode("API_AND_CONFIG_MAP")), status: 400, code: "InvalidParameterException",
			message: "Cluster is already at the desired configuration with authenticationMode: API_AND_CONFIG_MAP"},
		{name: "unknown mode", req: cfg("demo", mode("api")), status: 400, code: "InvalidParameterException",
			message: "1 validation error detected: Value 'api' at 'accessConfig.authenticationMode' failed to satisfy constraint: Member must satisfy enum value set: [API, API_AND_CONFIG_MAP, CONFIG_MAP]"},
		{name: "nothing to update", req: cfg("demo", `{}`), status: 400, code: "InvalidParameterException", message: "The update must specify accessConfig.authenticationMode."},
		{name: "two kinds of update", req: cfg("demo", `{"accessConfig":{"authenticationMode":"API"},"logging":{}}`), status: 400, code: "InvalidParameterException",
			message: "Only one type of update can be allowed."},
		{name: "other kinds are not emulated", req: cfg("demo", `{"resourcesVpcConfig":{},"logging":{}}`), status: 400, code: "InvalidParameterException",
			message: "eks-emulator implements only accessConfig updates, not logging, resourcesVpcConfig."},
		{name: "unknown cluster", req: cfg("nope", mode("API")), status: 404, code: "ResourceNotFoundException", message: "No cluster found for name: nope."},
		{name: "one step", req: cfg("legacy", mode("API_AND_CONFIG_MAP")), status: 200},
		{name: "DescribeUpdate of an unknown id", req: request{method: "GET", path: "/clusters/demo/updates/0000"}, status: 404, code: "ResourceNotFoundException",
			message: "No update found for ID: 0000."},
	}
	runRules(t, emulator.Options{}, cases)

	t.Run("direct jump allowed by option", func(t *testing.T) {
		h := newHarness(t, emulator.Options{AllowDirectAPIMode: true})
		h.ok(cfg("legacy", mode("API")))
	})
	t.Run("mode applies at once and DescribeUpdate reports success", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		wantError(t, h.do(request{method: "GET", path: "/clusters/legacy/access-entries"}), 400, "InvalidRequestException", msgConfigMap)
		id := h.ok(cfg("legacy", mode("API_AND_CONFIG_MAP")))["update"].(map[string]any)["id"].(string)
		h.ok(request{method: "GET", path: "/clusters/legacy/access-entries"})
		got := h.ok(request{method: "GET", path: "/clusters/legacy"})["cluster"].(map[string]any)["accessConfig"].(map[string]any)
		if got["authenticationMode"] != "API_AND_CONFIG_MAP" {
			t.Errorf("accessConfig %v", got)
		}
		if u := h.ok(request{method: "GET", path: "/clusters/legacy/updates/" + id})["update"].(map[string]any); u["status"] != "Successful" {
			t.Errorf("update %v", u)
		}
	})
}

func TestTagRules(t *testing.T) {
	clusterARN := "arn:aws:eks:us-west-2:111122223333:cluster/demo"
	tag := func(arn, body string) request { return request{method: "POST", path: tagsPath(arn), body: body} }
	runRules(t, emulator.Options{}, []ruleCase{
		{name: "not an ARN", req: tag("demo", `{"tags":{"a":"b"}}`), status: 400, code: "BadRequestException", message: "The resourceArn demo is not a valid EKS resource ARN."},
		{name: "not an EKS ARN", req: tag(adminRole, `{"tags":{"a":"b"}}`), status: 400, code: "BadRequestException", message: "The resourceArn " + adminRole + " is not a valid EKS resource ARN."},
		{name: "unknown cluster", req: tag("arn:aws:eks:us-west-2:111122223333:cluster/nope", `{"tags":{"a":"b"}}`),
			status: 404, code: "NotFoundException", message: "The resource arn:aws:eks:us-west-2:111122223333:cluster/nope could not be found."},
		{name: "other region", req: tag("arn:aws:eks:eu-west-1:111122223333:cluster/demo", `{"tags":{"a":"b"}}`), status: 404, code: "NotFoundException", message: "The resource ..."},
		{name: "other account", req: tag("arn:aws:eks:us-west-2:444455556666:cluster/demo", `{"tags":{"a":"b"}}`), status: 404, code: "NotFoundException", message: "The resource ..."},
		{name: "nodegroup", req: tag("arn:aws:eks:us-west-2:111122223333:nodegroup/demo/ng/0", `{"tags":{"a":"b"}}`), status: 404, code: "NotFoundException", message: "The resource ..."},
		{name: "unknown access entry", req: tag("arn:aws:eks:us-west-2:111122223333:access-entry/demo/role/111122223333/x/00000000-0000-0000-0000-000000000000", `{"tags":{"a":"b"}}`),
			status: 404, code: "NotFoundException", message: "The resource ..."},
		{name: "tags missing", req: tag(clusterARN, `{}`), status: 400, code: "BadRequestException",
			message: "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"},
		{name: "tags empty", req: tag(clusterARN, `{"tags":{}}`), status: 400, code: "BadRequestException", message: "The tags parameter must contain at least 1 tag."},
		{name: "aws: key", req: tag(clusterARN, `{"tags":{"aws:x":"1"}}`), status: 400, code: "BadRequestException", message: "The tag key aws:x starts with aws:, which is reserved for AWS use."},
		{name: "aws: value", req: tag(clusterARN, `{"tags":{"x":"aws:1"}}`), status: 400, code: "BadRequestException", message: "The value of tag x starts with aws:, which is reserved for AWS use."},
		{name: "more than 50 after merging", setup: func(h *harness) { h.ok(tag(clusterARN, `{"tags":{`+tagList(0, 30)+`}}`)) },
			req: tag(clusterARN, `{"tags":{`+tagList(20, 60)+`}}`), status: 400, code: "BadRequestException", message: "A resource can have at most 50 tags."},
		{name: "50 after merging", setup: func(h *harness) { h.ok(tag(clusterARN, `{"tags":{`+tagList(0, 30)+`}}`)) },
			req: tag(clusterARN, `{"tags":{`+tagList(20, 50)+`}}`), status: 200},
		{name: "untag without tagKeys", req: request{method: "DELETE", path: tagsPath(clusterARN)}, status: 400, code: "BadRequestException",
			message: "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"},
		{name: "untag aws: key", req: request{method: "DELETE", path: tagsPath(clusterARN) + "?tagKeys=aws%3Acreated"}, status: 400, code: "BadRequestException",
			message: "The tag key aws:created starts with aws:, which is reserved for AWS use."},
	})

	t.Run("access-entry tags show in DescribeAccessEntry", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		arn := h.create("demo", `{"principalArn":"`+adminRole+`","tags":{"a":"1","b":"2"}}`)["accessEntryArn"].(string)
		h.ok(tag(arn, `{"tags":{"b":"3","c":"4"}}`))
		h.ok(request{method: "DELETE", path: tagsPath(arn) + "?tagKeys=a&tagKeys=zz"})
		want := map[string]any{"b": "3", "c": "4"}
		if got := h.ok(request{method: "GET", path: tagsPath(arn)})["tags"]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ListTagsForResource %v, want %v", got, want)
		}
		if got := h.ok(request{method: "GET", path: entryPath("demo", adminRole)})["accessEntry"].(map[string]any)["tags"]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("DescribeAccessEntry tags %v, want %v", got, want)
		}
	})
}

// tagList renders "k<lo>":"v",... up to k<hi-1>.
func tagList(lo, hi int) string {
	var kv []string
	for i := lo; i < hi; i++ {
		kv = append(kv, fmt.Sprintf(`"k%d":"v"`, i))
	}
	return strings.Join(kv, ",")
}

func TestAuthentication(t *testing.T) {
	describe := request{method: "GET", path: "/clusters/demo"}
	with := func(r request, f func(*request)) request { f(&r); return r }
	runRules(t, emulator.Options{}, []ruleCase{
		{name: "no Authorization header", req: with(describe, func(r *request) { r.noAuth = true }),
			status: 403, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token"},
		{name: "not SigV4", req: with(describe, func(r *request) { r.header = map[string]string{"Authorization": "Bearer abc"} }),
			status: 403, code: "IncompleteSignatureException", message: `Authorization header requires the AWS4-HMAC-SHA256 scheme, got "Bearer".`},
		{name: "no Credential", req: with(describe, func(r *request) { r.header = map[string]string{"Authorization": "AWS4-HMAC-SHA256 Signature=00"} }),
			status: 403, code: "IncompleteSignatureException", message: "Authorization header requires 'Credential' parameter."},
		{name: "signed for another service", req: with(describe, func(r *request) {
			r.header = map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250507/us-west-2/sts/aws4_request, SignedHeaders=host, Signature=00"}
		}), status: 403, code: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'eks'."},
		{name: "EXPIRED", req: with(describe, func(r *request) { r.key = "EXPIRED" }),
			status: 403, code: "ExpiredTokenException", message: "The security token included in the request is expired"},
		{name: "UNKNOWN", req: with(describe, func(r *request) { r.key = "UNKNOWN" }),
			status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid."},
		{name: "DENIED on a cluster", req: with(describe, func(r *request) { r.key = "DENIED" }), status: 403, code: "AccessDeniedException",
			message: "User: arn:aws:iam::111122223333:user/emulator-admin is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-west-2:111122223333:cluster/demo"},
		{name: "DENIED on an access entry", req: request{method: "POST", path: "/clusters/demo/access-entries", key: "DENIED", body: `{"principalArn":"` + adminRole + `"}`},
			status: 403, code: "AccessDeniedException",
			message: "User: arn:aws:iam::111122223333:user/emulator-admin is not authorized to perform: eks:CreateAccessEntry on resource: arn:aws:eks:us-west-2:111122223333:cluster/demo"},
		{name: "DENIED names the caller", setup: func(h *harness) { h.srv.SetCaller("arn:aws:sts::111122223333:assumed-role/Dev/bob") },
			req: request{method: "GET", path: "/clusters", key: "DENIED"}, status: 403, code: "AccessDeniedException",
			message: "User: arn:aws:sts::111122223333:assumed-role/Dev/bob is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:us-west-2:111122223333:cluster/*"},
		{name: "DENIED on tags", req: request{method: "GET", path: tagsPath("arn:aws:eks:us-west-2:111122223333:cluster/demo"), key: "DENIED"}, status: 403, code: "AccessDeniedException",
			message: "User: arn:aws:iam::111122223333:user/emulator-admin is not authorized to perform: eks:ListTagsForResource on resource: arn:aws:eks:us-west-2:111122223333:cluster/demo"},
		{name: "auth is checked before the cluster", req: request{method: "GET", path: "/clusters/nope", key: "EXPIRED"},
			status: 403, code: "ExpiredTokenException", message: "The security token included in the request is expired"},
		{name: "presigned credential", req: request{method: "GET", noAuth: true,
			path: "/clusters/demo?X-Amz-Credential=AKID%2F20250507%2Fus-west-2%2Feks%2Faws4_request&X-Amz-Signature=00"}, status: 200},
	})

	t.Run("region comes from the credential scope", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		resp := h.do(request{method: "GET", path: "/clusters/demo", header: map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250507/eu-central-1/eks/aws4_request, SignedHeaders=host, Signature=00",
		}})
		if !strings.Contains(string(resp.body), `"arn":"arn:aws:eks:eu-central-1:111122223333:cluster/demo"`) {
			t.Errorf("body %s", resp.body)
		}
	})
	t.Run("Options.Region wins", func(t *testing.T) {
		h := newHarness(t, emulator.Options{Region: "ap-south-1", Account: "999988887777"})
		if got := h.ok(request{method: "GET", path: "/clusters/demo"})["cluster"].(map[string]any)["arn"]; got != "arn:aws:eks:ap-south-1:999988887777:cluster/demo" {
			t.Errorf("arn %v", got)
		}
	})
}
