package emulator_test

import (
	"os/exec"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestAWSCLIIAM runs `aws iam` against the emulator: botocore's reading of
// IAM's awsQuery XML (the shapes, the percent-encoded trust policy it turns
// back into JSON, Marker paging, the errors) must agree with the emulator's.
func TestAWSCLIIAM(t *testing.T) {
	path := findAWSCLI(t)
	created := time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)
	roleKeys := []string{"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument", "MaxSessionDuration"}

	tests := []struct {
		name string
		test func(t *testing.T, cli *awsCLI)
	}{
		{"get-role", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "get-role", "--role-name", "admin")
			wantKeys(t, "output", out, "Role")
			r := out["Role"].(map[string]any)
			wantKeys(t, "Role", r, append(roleKeys, "RoleLastUsed")...)
			wantEqual(t, "Path", r["Path"], "/dev/")
			wantEqual(t, "Arn", r["Arn"], adminRole)
			wantEqual(t, "RoleId", r["RoleId"], "AROAEXAMPLEEXAMPLE001")
			wantEqual(t, "CreateDate", r["CreateDate"], "2021-06-07T08:09:10Z") // CLI v1 prints the wire's timestamp
			wantEqual(t, "MaxSessionDuration", r["MaxSessionDuration"], 3600)
			wantEqual(t, "RoleLastUsed", r["RoleLastUsed"], map[string]any{})
			// botocore percent-decodes the trust policy and parses it.
			wantEqual(t, "AssumeRolePolicyDocument", r["AssumeRolePolicyDocument"], map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
				}},
			})
		}},
		{"get-user", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "get-user", "--user-name", "alice")
			wantKeys(t, "output", out, "User")
			u := out["User"].(map[string]any)
			wantKeys(t, "User", u, "Path", "UserName", "UserId", "Arn", "CreateDate")
			wantEqual(t, "Arn", u["Arn"], aliceUser)
			if id := u["UserId"].(string); !userIDRE.MatchString(id) {
				t.Errorf("UserId %s", id)
			}
		}},
		{"list-roles, every page", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "list-roles", "--page-size", "1")
			wantKeys(t, "output", out, "Roles")
			var names []string
			for _, r := range out["Roles"].([]any) {
				wantKeys(t, "Role", r.(map[string]any), roleKeys...)
				names = append(names, r.(map[string]any)["Arn"].(string))
			}
			wantEqual(t, "Arns", names, []string{adminRole, "arn:aws:iam::111122223333:role/team/b", "arn:aws:iam::111122223333:role/team/c"})
		}},
		{"list-roles --path-prefix", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "list-roles", "--path-prefix", "/team/")
			roles := out["Roles"].([]any)
			if len(roles) != 2 || roles[0].(map[string]any)["RoleName"] != "b" || roles[1].(map[string]any)["RoleName"] != "c" {
				t.Errorf("roles %v", roles)
			}
		}},
		{"list-roles --max-items resumes with --starting-token", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "list-roles", "--max-items", "2", "--page-size", "1")
			wantKeys(t, "output", out, "Roles", "NextToken")
			if n := len(out["Roles"].([]any)); n != 2 {
				t.Fatalf("%d roles, want 2", n)
			}
			rest := cli.ok(t, "iam", "list-roles", "--starting-token", out["NextToken"].(string))
			roles := rest["Roles"].([]any)
			if len(roles) != 1 || roles[0].(map[string]any)["RoleName"] != "c" {
				t.Errorf("rest %v", roles)
			}
		}},
		{"list-roles --no-paginate: IsTruncated and Marker", func(t *testing.T, cli *awsCLI) {
			out := cli.ok(t, "iam", "list-roles", "--no-paginate", "--max-items", "1")
			wantKeys(t, "output", out, "Roles", "IsTruncated", "Marker")
			wantEqual(t, "IsTruncated", out["IsTruncated"], true)
		}},
		{"delete-role and create-role: a new id, a later date", func(t *testing.T, cli *awsCLI) {
			if out := cli.ok(t, "iam", "delete-role", "--role-name", "c"); out != nil {
				t.Errorf("delete-role printed %v", out)
			}
			out := cli.ok(t, "iam", "create-role", "--role-name", "c", "--path", "/team/",
				"--assume-role-policy-document", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`)
			r := out["Role"].(map[string]any)
			wantKeys(t, "Role", r, roleKeys...)
			if r["RoleId"] == "AROAEXAMPLEEXAMPLE003" || !roleIDRE.MatchString(r["RoleId"].(string)) {
				t.Errorf("RoleId %v", r["RoleId"])
			}
			wantEqual(t, "CreateDate", r["CreateDate"], "2025-05-07T00:42:46Z")
			wantEqual(t, "trust", r["AssumeRolePolicyDocument"].(map[string]any)["Statement"].([]any)[0].(map[string]any)["Principal"],
				map[string]any{"Service": "ec2.amazonaws.com"})
		}},
		{"get-role through AWS_ENDPOINT_URL_IAM", func(t *testing.T, cli *awsCLI) {
			cmd := exec.CommandContext(t.Context(), cli.path, "iam", "get-role", "--role-name", "admin", "--output", "json")
			cmd.Env = cliEnv(t, []string{"AWS_ENDPOINT_URL_IAM=" + cli.endpoint})
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			wantEqual(t, "Arn", decode(t, out)["Role"].(map[string]any)["Arn"], adminRole)
		}},

		// Errors.
		{"NoSuchEntity role", func(t *testing.T, cli *awsCLI) {
			cli.fails(t, nil, "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name nope cannot be found.",
				"iam", "get-role", "--role-name", "nope")
		}},
		{"NoSuchEntity user", func(t *testing.T, cli *awsCLI) {
			cli.fails(t, nil, "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name bob cannot be found.",
				"iam", "get-user", "--user-name", "bob")
		}},
		{"EntityAlreadyExists", func(t *testing.T, cli *awsCLI) {
			cli.fails(t, nil, "An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name alice already exists.",
				"iam", "create-user", "--user-name", "alice")
		}},
		{"AccessDenied", func(t *testing.T, cli *awsCLI) {
			cli.fails(t, []string{"AWS_ACCESS_KEY_ID=DENIED"},
				"An error occurred (AccessDenied) when calling the GetRole operation: User: "+cliCaller+
					" is not authorized to perform: iam:GetRole on resource: role admin because no identity-based policy allows the iam:GetRole action",
				"iam", "get-role", "--role-name", "admin")
		}},
		{"ValidationError", func(t *testing.T, cli *awsCLI) {
			cli.fails(t, nil, "An error occurred (ValidationError) when calling the GetUser operation: Must specify userName when calling with non-User credentials",
				"iam", "get-user")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cli := newAWSCLI(t, path)
			seed := []emulator.Role{
				{Name: "admin", Path: "/dev/", ID: "AROAEXAMPLEEXAMPLE001", Created: created},
				{Name: "b", Path: "/team/", ID: "AROAEXAMPLEEXAMPLE002", Created: created},
				{Name: "c", Path: "/team/", ID: "AROAEXAMPLEEXAMPLE003", Created: created},
			}
			for _, r := range seed {
				if _, err := cli.srv.CreateRole(r); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := cli.srv.CreateUser(emulator.User{Name: "alice"}); err != nil {
				t.Fatal(err)
			}
			tt.test(t, cli)
		})
	}
}
