package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// iamFlags seed the emulator's IAM: --role, --user, --sso-role and
// --scenario, all read into one emulator.Scenario.
type iamFlags struct {
	roles    principalFlag
	users    principalFlag
	sso      listFlag
	scenario string
	seed     emulator.Scenario
}

func addIAMFlags(fs *flag.FlagSet, f *iamFlags, opts *emulator.Options) {
	f.roles.kind, f.users.kind = "role", "user"
	fs.Var(&f.roles, "role", "add an IAM role `[/PATH/]NAME` (dev/admin is role admin under /dev/); repeatable, comma-separated")
	fs.Var(&f.users, "user", "add an IAM user `[/PATH/]NAME`; repeatable, comma-separated")
	fs.Var(&f.sso, "sso-role", "add the IAM Identity Center role of permission set `NAME`\n(/aws-reserved/sso.amazonaws.com/AWSReservedSSO_NAME_<16 hex>); repeatable, comma-separated")
	fs.StringVar(&f.scenario, "scenario", "", "seed state from a JSON `file`: {\"iam\": {\"roles\": [...], \"users\": [...], \"ssoRoles\": [...]}}")
	fs.BoolVar(&opts.DenyIAM, "deny-iam", false, "answer every IAM request 403 AccessDenied (EKS and STS still answer)")
}

// load reads the scenario file and adds the flags' principals to it.
func (f *iamFlags) load() error {
	if f.scenario != "" {
		file, err := os.Open(f.scenario)
		if err != nil {
			return fmt.Errorf("--scenario: %w", err)
		}
		sc, err := emulator.ReadScenario(file)
		_ = file.Close()
		if err != nil {
			return fmt.Errorf("--scenario %s: %w", f.scenario, err)
		}
		f.seed = sc
	}
	for _, p := range f.roles.list {
		f.seed.IAM.Roles = append(f.seed.IAM.Roles, emulator.Role{Name: p.name, Path: p.path})
	}
	for _, p := range f.users.list {
		f.seed.IAM.Users = append(f.seed.IAM.Users, emulator.User{Name: p.name, Path: p.path})
	}
	f.seed.IAM.SSORoles = append(f.seed.IAM.SSORoles, f.sso...)
	return nil
}

var (
	iamNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathRE = regexp.MustCompile(`^/([\x21-\x2E\x30-\x7E]+/)*$`)
)

type pathName struct{ path, name string }

// principalFlag is the repeatable --role/--user [/PATH/]NAME flag.
type principalFlag struct {
	kind string
	list []pathName
}

func (f *principalFlag) String() string {
	if f == nil {
		return ""
	}
	return joined(&f.list, func(p pathName) string { return p.path + p.name })
}

func (f *principalFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		one = strings.TrimSpace(one)
		i := strings.LastIndex(one, "/")
		path, name := "/"+strings.TrimPrefix(one[:i+1], "/"), one[i+1:]
		if !iamNameRE.MatchString(name) {
			return fmt.Errorf("invalid %s name %q: 1-64 letters, digits and +=,.@_-", f.kind, name)
		}
		if !iamPathRE.MatchString(path) {
			return fmt.Errorf("invalid %s path %q in %q", f.kind, path, one)
		}
		f.list = append(f.list, pathName{path: path, name: name})
	}
	return nil
}

// listFlag is a repeatable, comma-separated list of names.
type listFlag []string

func (f *listFlag) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(*f, ",")
}

func (f *listFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		one = strings.TrimSpace(one)
		if !iamNameRE.MatchString("AWSReservedSSO_" + one + "_0123456789abcdef") {
			return fmt.Errorf("invalid permission set name %q", one)
		}
		*f = append(*f, one)
	}
	return nil
}
