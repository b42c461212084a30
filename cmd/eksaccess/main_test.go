package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/eksaccess/eksaccess/pkg/cli"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func TestMain(m *testing.M) {
	eksaccess := func() {
		os.Exit(cli.Main(os.Args[1:], cmdutil.System(), cli.BuildInfo{Version: "v0.0.0-test", Commit: "abc123", Date: "2026-01-01T00:00:00Z"}))
	}
	testscript.Main(m, map[string]func(){
		"eksaccess": eksaccess,
		// the same binary under the kubectl plugin's name (plugin.txtar)
		"kubectl-eksaccess": eksaccess,
	})
}

// TestScripts runs testdata/script/*.txtar: the binary, end to end, through
// the real SDK against an emulator of its own per script.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("testdata", "script"),
		Setup: scriptSetup(t),
		Condition: func(cond string) (bool, error) {
			if cond == "awscli" {
				return awsCLIUsable(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"emu": cmdEmu, "exit": cmdExit, "samekeys": cmdSameKeys},
	})
}

const (
	emuKey   = "emulator"
	clockKey = "emulator clock"
	ctxKey   = "context" // the test's context, for requests a command sends itself
	// hooksKey holds the script's emu on writes and what became of them.
	hooksKey = "hooks"
)

// awsCLIUsable reports whether an AWS CLI that knows the access-entry
// operations is on PATH (an old one does not), checked once.
var awsCLIUsable = sync.OnceValue(func() bool {
	path, err := exec.LookPath("aws")
	if err != nil {
		return false
	}
	return exec.Command(path, "eks", "create-access-entry", "--generate-cli-skeleton").Run() == nil
})

// scriptSetup is the Setup of every script run: setupEmulator, with the
// test's context and a log for emu on.
func scriptSetup(t *testing.T) func(*testscript.Env) error {
	return func(env *testscript.Env) error {
		env.Values[ctxKey] = t.Context()
		env.Values[hooksKey] = &hookLog{}
		return setupEmulator(env)
	}
}

// setupEmulator starts an emulator with the clusters "demo"
// (API_AND_CONFIG_MAP) and "legacy" (CONFIG_MAP), and points the AWS
// environment at it, inside the script's work dir so no profile leaks in.
func setupEmulator(env *testscript.Env) error {
	clock := &rateClock{}
	srv := emulator.New(emulator.Options{Now: clock.now, Logf: func(format string, args ...any) {
		if strings.Contains(fmt.Sprintf(format, args...), " -> 429 ") {
			clock.start()
		}
	}})
	env.Values[clockKey] = clock
	srv.AddCluster("demo", "API_AND_CONFIG_MAP")
	srv.AddCluster("legacy", "CONFIG_MAP")
	hs := httptest.NewServer(srv)
	env.Defer(hs.Close)
	env.Values[emuKey] = srv
	aws := filepath.Join(env.WorkDir, ".aws")
	if err := os.MkdirAll(aws, 0o755); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"HOME":                        env.WorkDir,
		"AWS_ENDPOINT_URL":            hs.URL,
		"EMULATOR_URL":                hs.URL,
		"AWS_REGION":                  "us-west-2",
		"AWS_ACCESS_KEY_ID":           "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY":       "secret",
		"AWS_CONFIG_FILE":             filepath.Join(aws, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(aws, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_MAX_ATTEMPTS":            "1",
		"NO_COLOR":                    "",
		// A -race binary sleeps 1 s at exit (for late race reports): a
		// second per command, most of TestScripts' time, spent idle.
		"GORACE": strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0"),
	} {
		env.Setenv(k, v)
	}
	return nil
}

// cmdEmu drives and checks the script's emulator:
//
//	emu calls OP N            exactly N requests of operation OP were received (OP "all": any)
//	emu fail OP STATUS CODE MSG...  the next OP request fails so
//	emu failafter OP STATUS CODE MSG...  the next OP request takes effect, then fails so
//	emu failafter OP reset    the next OP request takes effect, then its connection is reset
//	emu missing ARN           IAM does not know ARN (create: invalid principal)
//	emu cluster NAME MODE     add a cluster
//	emu caller ARN            GetCallerIdentity answers ARN
//	emu account ID KEY        serve account ID to requests signed with access key id KEY
//	emu clusterin ACCOUNT REGION NAME MODE
//	                          add a cluster to one region of an account
//	emu region ACCOUNT REGION disabled|denied|enabled
//	                          the region is not enabled for the account, or denies the caller
//	emu seed ACCOUNT REGION CLUSTER PRINCIPAL [POLICY-ARN...]
//	                          an entry (and its policies) in that cluster, without a request
//	emu faults LATENCY THROTTLE ERRORS   set the fault knobs (e.g. 0s 1 0)
//	emu failcall OP N FAULT   the Nth OP request from now on (OP "all": any) gets FAULT:
//	                          500, 429, 503, reset, hang or STATUS:CODE[:MESSAGE]
//	emu hang OP [off]         OP requests (OP "all": every one) hang until the client gives up
//	emu repeattoken OP [off]  the list OP answers a page with the nextToken it was asked with
//	emu ratelimit RPS [BURST] admit RPS requests a second (bursts of BURST), 429 beyond; 0: no limit
//	                          (the bucket refills from the first 429 on: see rateClock)
//	emu entries CLUSTER N     create N access entries, role/entry-0001..., through the wire
//	                          (they count as requests: emu reset after)
//	emu create CLUSTER FILE   create an entry from a CreateAccessEntry body, as another client would
//	emu reset                 forget the requests received so far
//	emu on OP N WRITE...      another writer: right after the Nth OP request from now on
//	                          (OP "all": any) took effect, before it is answered, send WRITE:
//	                            update CLUSTER ARN [groups=G,G] [username=U]
//	                            associate CLUSTER ARN POLICY cluster|namespace=NS,NS
//	                            disassociate CLUSTER ARN POLICY
//	                            delete CLUSTER ARN
//	                          (it counts as a request, as another client's would)
//	emu fired                 every WRITE registered with emu on was sent, and succeeded
//	emu role [/PATH/]NAME     IAM: create a role (dev/admin: role admin under /dev/)
//	emu user [/PATH/]NAME     IAM: create a user
//	emu deleterole NAME       IAM: delete a role (its entries stay, holding its old ID)
//	emu recreaterole NAME     IAM: delete a role and create it again, same path: a new
//	                          unique ID, a later CreateDate (and the clock moves past it)
//	emu ssorole SET VAR       IAM: provision the Identity Center role of permission set
//	                          SET (again: a new suffix); $VAR is its ARN, $VAR_NAME its name
//	emu denyiam on|off        IAM: answer every request 403 AccessDenied (EKS, STS answer)
func cmdEmu(ts *testscript.TestScript, neg bool, args []string) {
	srv := ts.Value(emuKey).(*emulator.Server)
	if len(args) == 0 {
		ts.Fatalf("usage: emu calls|fail|failafter|failcall|hang|repeattoken|ratelimit|entries|create|missing|cluster|caller|account|clusterin|region|seed|faults|reset|on|fired ...")
	}
	if neg && args[0] != "calls" {
		ts.Fatalf("emu %s does not support !", args[0])
	}
	switch args[0] {
	case "calls":
		if len(args) != 3 {
			ts.Fatalf("usage: emu calls OP N")
		}
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		var got int
		var ops []string
		for _, r := range srv.Requests() {
			ops = append(ops, r.Op)
			if args[1] == "all" || r.Op == args[1] {
				got++
			}
		}
		if (got == want) == neg {
			ts.Fatalf("%d %s requests, want %s%d (received: %s)", got, args[1], map[bool]string{true: "not ", false: ""}[neg], want, strings.Join(ops, " "))
		}
	case "fail":
		if len(args) < 5 {
			ts.Fatalf("usage: emu fail OP STATUS CODE MESSAGE...")
		}
		status, err := strconv.Atoi(args[2])
		ts.Check(err)
		srv.FailNext(args[1], status, args[3], strings.Join(args[4:], " "))
	case "failafter":
		if len(args) == 3 && args[2] == "reset" {
			srv.ResetAfter(args[1])
			break
		}
		if len(args) < 5 {
			ts.Fatalf("usage: emu failafter OP STATUS CODE MESSAGE... | emu failafter OP reset")
		}
		status, err := strconv.Atoi(args[2])
		ts.Check(err)
		srv.FailAfter(args[1], status, args[3], strings.Join(args[4:], " "))
	case "missing":
		srv.SetPrincipalMissing(args[1], true)
	case "cluster":
		srv.AddCluster(args[1], args[2])
	case "caller":
		srv.SetCaller(args[1])
	case "account":
		if len(args) != 3 {
			ts.Fatalf("usage: emu account ID ACCESS-KEY-ID")
		}
		_, err := srv.AddAccount(emulator.Account{ID: args[1], AccessKeys: []string{args[2]}})
		ts.Check(err)
	case "clusterin", "region", "seed":
		if len(args) < 3 || srv.Account(args[1]) == nil {
			ts.Fatalf("usage: emu %s ACCOUNT REGION ... (an account emu account added)", args[0])
		}
		acct, region := srv.Account(args[1]), args[2]
		switch {
		case args[0] == "clusterin" && len(args) == 5:
			acct.AddClusterIn(region, args[3], args[4])
		case args[0] == "region" && len(args) == 4:
			acct.SetRegionDisabled(region, args[3] == "disabled")
			acct.SetRegionDenied(region, args[3] == "denied")
		case args[0] == "seed" && len(args) >= 5:
			ts.Check(acct.AddAccessEntry(region, args[3], args[4], args[5:]...))
		default:
			ts.Fatalf("usage: emu clusterin ACCOUNT REGION NAME MODE | emu region ACCOUNT REGION disabled|denied|enabled | emu seed ACCOUNT REGION CLUSTER PRINCIPAL [POLICY-ARN...]")
		}
	case "faults":
		if len(args) != 4 {
			ts.Fatalf("usage: emu faults LATENCY THROTTLE-RATE ERROR-RATE")
		}
		latency, err := time.ParseDuration(args[1])
		ts.Check(err)
		throttle, err := strconv.ParseFloat(args[2], 64)
		ts.Check(err)
		errRate, err := strconv.ParseFloat(args[3], 64)
		ts.Check(err)
		srv.SetFaults(latency, throttle, errRate)
	case "failcall":
		if len(args) < 4 {
			ts.Fatalf("usage: emu failcall OP N FAULT")
		}
		cf, err := emulator.ParseCallFault(args[1] + ":" + args[2] + ":" + strings.Join(args[3:], " "))
		ts.Check(err)
		srv.FailCall(cf.Op, cf.Call, cf.Fault)
	case "hang", "repeattoken":
		if len(args) < 2 || len(args) > 3 || (len(args) == 3 && args[2] != "off") {
			ts.Fatalf("usage: emu %s OP [off]", args[0])
		}
		op, err := emulator.ParseOperation(args[1])
		ts.Check(err)
		if args[0] == "hang" {
			srv.SetHang(op, len(args) == 2)
		} else {
			srv.SetRepeatPageToken(op, len(args) == 2)
		}
	case "ratelimit":
		if len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: emu ratelimit RPS [BURST]")
		}
		rps, err := strconv.ParseFloat(args[1], 64)
		ts.Check(err)
		burst := 0
		if len(args) == 3 {
			burst, err = strconv.Atoi(args[2])
			ts.Check(err)
		}
		clock := ts.Value(clockKey).(*rateClock)
		if rps > 0 {
			clock.stop()
		} else {
			clock.start()
		}
		srv.SetRateLimit(rps, burst)
	case "entries":
		if len(args) != 3 {
			ts.Fatalf("usage: emu entries CLUSTER N")
		}
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		seedEntries(ts, srv, args[1], n)
	case "create":
		if len(args) != 3 {
			ts.Fatalf("usage: emu create CLUSTER BODY-FILE")
		}
		seedEntry(ts, srv, args[1], ts.ReadFile(args[2]))
	case "reset":
		srv.ResetRequests()
	case "on":
		if len(args) < 4 {
			ts.Fatalf("usage: emu on OP N WRITE ARGS...")
		}
		op, err := emulator.ParseOperation(args[1])
		ts.Check(err)
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		w, err := parseWrite(args[3:])
		ts.Check(err)
		hooks := ts.Value(hooksKey).(*hookLog)
		i := hooks.add(strings.Join(args[1:], " "))
		ctx, region := ts.Value(ctxKey).(context.Context), ts.Getenv("AWS_REGION")
		srv.OnCall(op, n, func() { hooks.done(i, w.send(ctx, srv, region)) })
	case "fired":
		ts.Check(ts.Value(hooksKey).(*hookLog).check())
	case "role", "user", "deleterole", "recreaterole", "ssorole", "denyiam":
		cmdEmuIAM(ts, srv, args)
	default:
		ts.Fatalf("unknown emu command %q", args[0])
	}
}

// seedEntries creates n access entries in cluster by sending
// CreateAccessEntry requests straight to the emulator's handler, as a
// signed client in the script's region would.
func seedEntries(ts *testscript.TestScript, srv *emulator.Server, cluster string, n int) {
	for i := 1; i <= n; i++ {
		seedEntry(ts, srv, cluster, fmt.Sprintf(`{"principalArn":"arn:aws:iam::111122223333:role/entry-%04d"}`, i))
	}
}

// seedEntry sends one CreateAccessEntry body straight to the emulator's
// handler, as a signed client in the script's region would: data no
// eksaccess command would send (control characters in a tag, say), as
// another client could have written it.
func seedEntry(ts *testscript.TestScript, srv *emulator.Server, cluster, body string) {
	req := httptest.NewRequestWithContext(ts.Value(ctxKey).(context.Context), "POST", "/clusters/"+cluster+"/access-entries", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/"+ts.Getenv("AWS_REGION")+
		"/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		ts.Fatalf("emu: creating entry %s: %d %s", body, rec.Code, rec.Body)
	}
}

// hookLog records the writes of emu on: each is pending until its hook
// runs (in the emulator's goroutine), then holds its outcome.
type hookLog struct {
	mu     sync.Mutex
	what   []string
	fired  []bool
	errors []error
}

func (h *hookLog) add(what string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.what, h.fired, h.errors = append(h.what, what), append(h.fired, false), append(h.errors, nil)
	return len(h.what) - 1
}

func (h *hookLog) done(i int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fired[i], h.errors[i] = true, err
}

// check fails unless every write was sent and succeeded: a hook that never
// fired means the race under test was not the one staged.
func (h *hookLog) check() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for i, what := range h.what {
		switch {
		case !h.fired[i]:
			errs = append(errs, fmt.Errorf("emu on %s: never fired", what))
		case h.errors[i] != nil:
			errs = append(errs, fmt.Errorf("emu on %s: %w", what, h.errors[i]))
		}
	}
	return errors.Join(errs...)
}

// otherWrite is one write of another client, for emu on.
type otherWrite struct {
	method, path, body string
}

func parseWrite(args []string) (otherWrite, error) {
	usage := fmt.Errorf("unknown write %q: use update CLUSTER ARN [groups=G,G] [username=U], associate CLUSTER ARN POLICY SCOPE, disassociate CLUSTER ARN POLICY or delete CLUSTER ARN", strings.Join(args, " "))
	if len(args) < 3 {
		return otherWrite{}, usage
	}
	entry := "/clusters/" + args[1] + "/access-entries/" + url.PathEscape(args[2])
	policyARN := func(name string) string { return "arn:aws:eks::aws:cluster-access-policy/" + name }
	switch {
	case args[0] == "update":
		body := map[string]any{}
		for _, kv := range args[3:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "groups":
				body["kubernetesGroups"] = strings.Split(v, ",")
			case "username":
				body["username"] = v
			default:
				return otherWrite{}, usage
			}
		}
		b, err := json.Marshal(body)
		return otherWrite{"POST", entry, string(b)}, err
	case args[0] == "associate" && len(args) == 5:
		scope := map[string]any{"type": "cluster"}
		if ns, ok := strings.CutPrefix(args[4], "namespace="); ok {
			scope = map[string]any{"type": "namespace", "namespaces": strings.Split(ns, ",")}
		}
		b, err := json.Marshal(map[string]any{"policyArn": policyARN(args[3]), "accessScope": scope})
		return otherWrite{"POST", entry + "/access-policies", string(b)}, err
	case args[0] == "disassociate" && len(args) == 4:
		return otherWrite{"DELETE", entry + "/access-policies/" + url.PathEscape(policyARN(args[3])), ""}, nil
	case args[0] == "delete" && len(args) == 3:
		return otherWrite{"DELETE", entry, ""}, nil
	}
	return otherWrite{}, usage
}

// send makes the write as a signed client in region would, straight to
// the emulator's handler.
func (w otherWrite) send(ctx context.Context, srv *emulator.Server, region string) error {
	req := httptest.NewRequestWithContext(ctx, w.method, w.path, strings.NewReader(w.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDOTHERWRITER/20250101/"+region+
		"/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		return fmt.Errorf("%s %s: %d %s", w.method, w.path, rec.Code, rec.Body)
	}
	return nil
}

// cmdExit runs a program like exec and checks its exact exit code:
//
//	exit 4 eksaccess create ...
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// cmdSameKeys checks that two JSON files have the same structure: the same
// keys in every object, and values of the same JSON kind (string, number,
// list, object...) at every path; list items are compared with the first
// item of the other list. Values themselves may differ.
//
//	samekeys aws.json ours.json
func cmdSameKeys(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: samekeys A.json B.json")
	}
	var docs [2]any
	for i, name := range args {
		if err := json.Unmarshal([]byte(ts.ReadFile(name)), &docs[i]); err != nil {
			ts.Fatalf("%s: %v", name, err)
		}
	}
	if diffs := shapeDiff("$", docs[0], docs[1]); len(diffs) > 0 {
		ts.Fatalf("%s and %s differ in shape:\n%s", args[0], args[1], strings.Join(diffs, "\n"))
	}
}

func shapeDiff(path string, a, b any) []string {
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	if kind(a) != kind(b) {
		return []string{fmt.Sprintf("%s: %s vs %s", path, kind(a), kind(b))}
	}
	var diffs []string
	switch av := a.(type) {
	case map[string]any:
		bv := b.(map[string]any)
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inA:
				diffs = append(diffs, fmt.Sprintf("%s.%s: only in the second", path, k))
			case !inB:
				diffs = append(diffs, fmt.Sprintf("%s.%s: only in the first", path, k))
			default:
				diffs = append(diffs, shapeDiff(path+"."+k, x, y)...)
			}
		}
	case []any:
		bv := b.([]any)
		if len(av) > 0 && len(bv) > 0 {
			diffs = append(diffs, shapeDiff(path+"[0]", av[0], bv[0])...)
		}
	}
	return diffs
}

// rateClock is the script emulator's clock: real time (moved ahead by emu
// recreaterole), except that `emu ratelimit` stops it until the first
// request is throttled. The rate
// limit's token bucket refills on this clock, so the limit is met however
// slowly a loaded machine sends its requests.
type rateClock struct {
	mu      sync.Mutex
	stopped time.Time     // zero: running
	offset  time.Duration // emu recreaterole moves the clock ahead
}

func (c *rateClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stopped.IsZero() {
		return c.stopped.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

// advance moves the clock d ahead.
func (c *rateClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

func (c *rateClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = time.Now()
}

func (c *rateClock) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = time.Time{}
}

// cmdEmuIAM is emu's IAM verbs (see cmdEmu).
func cmdEmuIAM(ts *testscript.TestScript, srv *emulator.Server, args []string) {
	want := map[string]int{"role": 2, "user": 2, "deleterole": 2, "recreaterole": 2, "ssorole": 3, "denyiam": 2}[args[0]]
	if len(args) != want {
		ts.Fatalf("usage: emu role|user [/PATH/]NAME, emu deleterole|recreaterole NAME, emu ssorole SET VAR, emu denyiam on|off")
	}
	switch args[0] {
	case "role", "user":
		i := strings.LastIndex(args[1], "/")
		path, name := "/"+strings.TrimPrefix(args[1][:i+1], "/"), args[1][i+1:]
		var err error
		if args[0] == "role" {
			_, err = srv.CreateRole(emulator.Role{Name: name, Path: path})
		} else {
			_, err = srv.CreateUser(emulator.User{Name: name, Path: path})
		}
		ts.Check(err)
	case "deleterole":
		ts.Check(srv.DeleteRole(args[1]))
	case "recreaterole":
		var old *emulator.Role
		for _, r := range srv.Roles() {
			if r.Name == args[1] {
				old = &r
			}
		}
		if old == nil {
			ts.Fatalf("emu recreaterole: no role %s", args[1])
		}
		ts.Check(srv.DeleteRole(args[1]))
		_, err := srv.CreateRole(emulator.Role{Name: old.Name, Path: old.Path})
		ts.Check(err)
		// Its CreateDate is up to 2s ahead of the clock: let that time
		// pass, so that an entry made next is the newer.
		ts.Value(clockKey).(*rateClock).advance(2 * time.Second)
	case "ssorole":
		r, err := srv.CreateSSORole(args[1], "")
		ts.Check(err)
		ts.Setenv(args[2], "arn:aws:iam::111122223333:role"+r.Path+r.Name)
		ts.Setenv(args[2]+"_NAME", r.Name)
	case "denyiam":
		if args[1] != "on" && args[1] != "off" {
			ts.Fatalf("usage: emu denyiam on|off")
		}
		srv.SetIAMDenied(args[1] == "on")
	}
}
