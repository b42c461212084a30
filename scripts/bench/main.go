// Command bench measures eksaccess on the machine it runs on and writes
// the report docs/performance.md (`make bench`):
//
//	go run ./scripts/bench [-o docs/performance.md] [-json results.json]
//
// It builds eksaccess and eks-emulator as a release does (-trimpath,
// -ldflags '-s -w'), starts eks-emulator on free loopback ports (with
// latency or a rate limit where a figure needs one), and times the built
// binaries from process start to exit, in a clean AWS environment (a
// temporary HOME, empty config files, static keys). Single commands run
// -runs times, interleaved so that a change in the machine's load hits
// every series alike; bulk commands -bulk-runs times. The report gives the
// median and the range of each figure, with the command that reproduces it.
//
// -repo builds another source tree (a checkout of an older commit) with
// the same driver, which is how the report's before/after figures were
// taken.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	repo        string
	out         string
	jsonOut     string
	changes     string
	runs        int
	bulkRuns    int
	entries     int
	rateEntries int
	rateRuns    int
	rateLimit   float64
	rateBurst   int
	fleetRate   float64
	latency     time.Duration
	micro       bool
	benchtime   string
	only        string
}

func main() {
	var c config
	flag.StringVar(&c.repo, "repo", ".", "source `tree` to build and measure")
	flag.StringVar(&c.out, "o", "docs/performance.md", "write the report to `file` (- for stdout)")
	flag.StringVar(&c.jsonOut, "json", "", "also write every sample as JSON to `file`")
	flag.StringVar(&c.changes, "changes", "scripts/bench/changes.md", "`file` appended to the report: what each change bought")
	flag.IntVar(&c.runs, "runs", 15, "runs of each single command")
	flag.IntVar(&c.bulkRuns, "bulk-runs", 3, "runs of each bulk command")
	flag.IntVar(&c.entries, "entries", 1000, "access entries of the bulk figures")
	flag.IntVar(&c.rateEntries, "rate-entries", 1000, "access entries of the rate-limited figures")
	flag.IntVar(&c.rateRuns, "rate-runs", 1, "runs of each rate-limited command")
	flag.Float64Var(&c.rateLimit, "rate-limit", 50, "the emulator's rate limit, requests a second")
	flag.IntVar(&c.rateBurst, "rate-burst", 10, "the emulator's rate-limit burst")
	flag.Float64Var(&c.fleetRate, "fleet-rate", 20, "each region's rate limit in the fleet figures, requests a second")
	flag.DurationVar(&c.latency, "latency", 20*time.Millisecond, "emulator latency of the slow figures")
	flag.BoolVar(&c.micro, "micro", true, "run the Go microbenchmarks")
	flag.StringVar(&c.benchtime, "benchtime", "200ms", "-benchtime of the microbenchmarks")
	flag.StringVar(&c.only, "only", "", "run only these `steps` (comma-separated: single, bulk0, bulk, rate, fleet, micro), for a quick look")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, c)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// series is one figure: the samples of one command.
type series struct {
	Key     string          `json:"key"`
	Name    string          `json:"name"`
	Command string          `json:"command"`
	Times   []time.Duration `json:"times"`
	RSS     []int64         `json:"rssKiB"` // peak resident set of each run
	CPU     []time.Duration `json:"cpu"`    // user + system time of each run
	Fails   []string        `json:"fails"`
	Extra   map[string][]float64
}

func (s *series) add(d time.Duration, rss int64) {
	s.Times = append(s.Times, d)
	s.RSS = append(s.RSS, rss)
}

// addRun is add with the run's CPU time.
func (s *series) addRun(r proc) {
	s.add(r.wall, r.rss)
	s.CPU = append(s.CPU, r.cpu)
}

type results struct {
	Started    time.Time               `json:"started"`
	Elapsed    time.Duration           `json:"elapsed"`
	Machine    map[string]string       `json:"machine"`
	Series     map[string]*series      `json:"series"`
	Order      []string                `json:"order"`
	Sizes      map[string]int64        `json:"sizes"`
	Rate       []rateRun               `json:"rate"`
	Fleet      []fleetRun              `json:"fleet"`
	Micro      map[string]*microResult `json:"micro"`
	Init       map[string][]initRun    `json:"init"` // GODEBUG=inittrace=1 runs, by series key
	MicroOrder []string                `json:"microOrder"`
	cfg        config
}

func (r *results) get(key, name, command string) *series {
	if s, ok := r.Series[key]; ok {
		return s
	}
	s := &series{Key: key, Name: name, Command: command, Extra: map[string][]float64{}}
	r.Series[key] = s
	r.Order = append(r.Order, key)
	return s
}

type bench struct {
	cfg  config
	tmp  string
	bin  string // eksaccess
	emu  string // eks-emulator
	res  *results
	base []string // the clean environment, without the endpoint
	aws  string   // the AWS CLI, "" if none
	curl string
}

func run(ctx context.Context, c config) error {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "eksaccess-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	b := &bench{cfg: c, tmp: tmp, res: &results{
		Started: start, Series: map[string]*series{}, Sizes: map[string]int64{},
		Micro: map[string]*microResult{}, Init: map[string][]initRun{}, cfg: c,
	}}
	b.res.Machine = machine(ctx, c.repo)
	if err := b.build(ctx); err != nil {
		return err
	}
	b.setupEnv(ctx)
	type step struct {
		key, name string
		fn        func(context.Context) error
	}
	steps := []step{
		{"single", "single commands", b.singles},
		{"bulk0", "bulk commands, no latency", func(ctx context.Context) error { return b.bulk(ctx, "0ms", 0) }},
		{"bulk", "bulk commands, " + c.latency.String() + " latency", func(ctx context.Context) error { return b.bulk(ctx, c.latency.String(), c.latency) }},
		{"rate", "bulk commands at the rate limit", b.rateLimited},
		{"fleet", "fleets: every region at its own rate limit", b.fleet},
	}
	if c.micro {
		steps = append(steps, step{"micro", "microbenchmarks", b.microbenchmarks})
	}
	for _, s := range steps {
		if c.only != "" && !slices.Contains(strings.Split(c.only, ","), s.key) {
			continue
		}
		t := time.Now()
		fmt.Fprintf(os.Stderr, "bench: %s...\n", s.name)
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(os.Stderr, "bench: %s: %s\n", s.name, time.Since(t).Round(100*time.Millisecond))
	}
	b.res.Machine["load after"] = loadavg()
	b.res.Elapsed = time.Since(start)
	if c.jsonOut != "" {
		data, err := json.MarshalIndent(b.res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(c.jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	report := render(b.res, readChanges(c.changes))
	if c.out == "-" {
		_, err = os.Stdout.WriteString(report)
		return err
	}
	return os.WriteFile(c.out, []byte(report), 0o644)
}

func readChanges(name string) string {
	data, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(data)
}

// build builds both binaries the way a release does.
func (b *bench) build(ctx context.Context) error {
	for _, p := range []struct{ name, pkg string }{{"eksaccess", "./cmd/eksaccess"}, {"eks-emulator", "./cmd/eks-emulator"}} {
		out := filepath.Join(b.tmp, p.name)
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=bench", "-o", out, p.pkg)
		cmd.Dir = b.cfg.repo
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", p.pkg, err)
		}
		fi, err := os.Stat(out)
		if err != nil {
			return err
		}
		b.res.Sizes[p.name] = fi.Size()
	}
	b.bin = filepath.Join(b.tmp, "eksaccess")
	b.emu = filepath.Join(b.tmp, "eks-emulator")
	// The floor of any Go program's start-up on this machine, for scale.
	hello := filepath.Join(b.tmp, "hello")
	if err := os.MkdirAll(hello, 0o755); err != nil {
		return err
	}
	for name, text := range map[string]string{
		"go.mod":  "module hello\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { _, _ = os.Stdout.WriteString(\"hello\\n\") }\n",
	} {
		if err := os.WriteFile(filepath.Join(hello, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(b.tmp, "hello-go"), ".")
	cmd.Dir = hello
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build hello: %w", err)
	}
	return nil
}

// setupEnv makes the clean environment every command runs in: no
// profile, no CA bundle, no proxy, static keys.
func (b *bench) setupEnv(ctx context.Context) {
	home := filepath.Join(b.tmp, "home")
	_ = os.MkdirAll(filepath.Join(home, ".aws"), 0o755)
	for _, f := range []string{"config", "credentials"} {
		_ = os.WriteFile(filepath.Join(home, ".aws", f), nil, 0o644)
	}
	b.base = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, ".aws", "credentials"),
		"AWS_ACCESS_KEY_ID=AKIDBENCH",
		"AWS_SECRET_ACCESS_KEY=benchsecret",
		"AWS_REGION=us-west-2",
		"AWS_DEFAULT_REGION=us-west-2", // the AWS CLI v1 reads only this one
		"AWS_EC2_METADATA_DISABLED=true",
		"NO_COLOR=1",
	}
	b.aws = findAWS(ctx)
	b.curl, _ = exec.LookPath("curl")
}

// findAWS returns the AWS CLI, resolving a pyenv shim to the real script
// so that the figure is the CLI's and not the shim's.
func findAWS(ctx context.Context) string {
	p, err := exec.LookPath("aws")
	if err != nil {
		return ""
	}
	if strings.Contains(p, "/.pyenv/shims/") {
		if out, err := exec.CommandContext(ctx, "pyenv", "which", "aws").Output(); err == nil {
			p = strings.TrimSpace(string(out))
		}
	}
	if exec.CommandContext(ctx, p, "eks", "create-access-entry", "help").Run() != nil {
		return "" // too old to know access entries
	}
	return p
}

func (b *bench) env(url string, extra ...string) []string {
	e := append(slices.Clone(b.base), "AWS_ENDPOINT_URL="+url)
	return append(e, extra...)
}

// exe runs one process and returns its wall time (start to exit), its peak
// RSS in KiB and its stdout.
func exe(ctx context.Context, env []string, name string, args ...string) (time.Duration, int64, []byte, error) {
	r, err := exeRun(ctx, env, name, args...)
	return r.wall, r.rss, r.stdout, err
}

// proc is what one run of a process cost, and what it wrote.
type proc struct {
	wall, cpu      time.Duration // start to exit; user + system time
	rss            int64         // peak resident set, KiB
	stdout, stderr []byte
}

func exeRun(ctx context.Context, env []string, name string, args ...string) (proc, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := proc{wall: time.Since(start), stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rss = ru.Maxrss // KiB on Linux
			r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		for line := range strings.SplitSeq(msg, "\n") {
			if strings.HasPrefix(line, "eksaccess: ") { // the first error line says most
				msg = line
				break
			}
		}
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return r, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, msg)
	}
	return r, nil
}

// emulator is a running eks-emulator.
type emulator struct {
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	log  []logLine
	done chan struct{}
}

type logLine struct {
	at     time.Time
	op     string
	status string
}

// logRE matches eks-emulator --log lines:
// eks-emulator: 2026/01/02 15:04:05.000000 POST /path Op -> 200 (20ms)
var logRE = regexp.MustCompile(`^eks-emulator: (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6}) \S+ \S+ (\S+) -> (\S+)`)

func (b *bench) startEmulator(ctx context.Context, log bool, args ...string) (*emulator, error) {
	urlFile := filepath.Join(b.tmp, fmt.Sprintf("emu-%d.url", time.Now().UnixNano()))
	args = append([]string{"--addr", "127.0.0.1:0", "--url-file", urlFile}, args...)
	if log {
		args = append(args, "--log")
	}
	e := &emulator{cmd: exec.CommandContext(ctx, b.emu, args...), done: make(chan struct{})}
	stderr, err := e.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(e.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			m := logRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			at, err := time.ParseInLocation("2006/01/02 15:04:05.000000", m[1], time.Local)
			if err != nil {
				continue
			}
			e.mu.Lock()
			e.log = append(e.log, logLine{at: at, op: m[2], status: m[3]})
			e.mu.Unlock()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(urlFile)
		if err == nil && len(data) > 0 {
			e.url = strings.TrimSpace(string(data))
			return e, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			e.stop()
			return nil, errors.New("eks-emulator did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *emulator) stop() {
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	_ = e.cmd.Wait()
	<-e.done
}

// mark returns how many log lines have arrived; lines after a mark are a
// later run's.
func (e *emulator) mark() int {
	time.Sleep(100 * time.Millisecond) // the last answers' lines
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.log)
}

func (e *emulator) lines(from, to int) []logLine {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log[from:to])
}

const account = "111122223333"

func principal(name string) string { return "arn:aws:iam::" + account + ":role/bench/" + name }

// singles times single commands, interleaved: run i of every series, then
// run i+1.
func (b *bench) singles(ctx context.Context) error {
	emu, err := b.startEmulator(ctx, false, "--cluster", "demo")
	if err != nil {
		return err
	}
	defer emu.stop()
	env := b.env(emu.url)
	caEnv := ""
	if _, err := os.Stat("/etc/ssl/certs/ca-certificates.crt"); err == nil {
		caEnv = "/etc/ssl/certs/ca-certificates.crt"
	}
	type job struct {
		key, name, command string
		run                func(i int) (proc, error)
	}
	timed := func(env []string, check func([]byte) error, name string, args ...string) (proc, error) {
		r, err := exeRun(ctx, env, name, args...)
		if err == nil && check != nil {
			err = check(r.stdout)
		}
		return r, err
	}
	jobs := []job{
		{"create", "`create`, one access entry", "eksaccess create --cluster demo --principal " + principal("c-N"),
			func(i int) (proc, error) {
				return timed(env, nil, b.bin, "create", "--cluster", "demo", "--principal", principal(fmt.Sprintf("c-%d", i)))
			}},
	}
	if b.curl != "" {
		jobs = append(jobs, job{"curl", "floor: the same request, signed, by curl",
			`curl -s --aws-sigv4 aws:amz:us-west-2:eks --user AKID:SECRET -H 'Content-Type: application/json' -d '{"principalArn":"...","clientRequestToken":"..."}' $URL/clusters/demo/access-entries`,
			func(i int) (proc, error) {
				body := fmt.Sprintf(`{"principalArn":%q,"clientRequestToken":"bench-%d-%d"}`, principal(fmt.Sprintf("curl-%d", i)), i, time.Now().UnixNano())
				return timed(env, func(out []byte) error {
					if string(out) != "200" {
						return fmt.Errorf("curl: HTTP %s", out)
					}
					return nil
				}, b.curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", "aws:amz:us-west-2:eks",
					"--user", "AKIDBENCH:benchsecret", "-H", "Content-Type: application/json", "-d", body,
					emu.url+"/clusters/demo/access-entries")
			}})
	}
	if b.aws != "" {
		jobs = append(jobs, job{"aws", "`aws eks create-access-entry`, the same request", "aws eks create-access-entry --cluster-name demo --principal-arn " + principal("aws-N") + " --endpoint-url $URL",
			func(i int) (proc, error) {
				return timed(env, nil, b.aws, "eks", "create-access-entry", "--cluster-name", "demo", "--principal-arn", principal(fmt.Sprintf("aws-%d", i)), "--endpoint-url", emu.url)
			}})
	}
	jobs = append(jobs,
		job{"hello", "floor: an empty Go program (start-up of the runtime)", "hello (package main; func main() { os.Stdout.WriteString(\"hello\\n\") })",
			func(int) (proc, error) { return timed(env, nil, filepath.Join(b.tmp, "hello-go")) }},
		job{"help", "`--help`", "eksaccess --help", func(int) (proc, error) { return timed(env, nil, b.bin, "--help") }},
		job{"version", "`version`", "eksaccess version", func(int) (proc, error) { return timed(env, nil, b.bin, "version") }},
		job{"completion", "`completion bash`", "eksaccess completion bash", func(int) (proc, error) { return timed(env, nil, b.bin, "completion", "bash") }},
		job{"dryrun", "`create --dry-run`", "eksaccess create --cluster demo --principal " + principal("d") + " --dry-run",
			func(int) (proc, error) {
				return timed(env, nil, b.bin, "create", "--cluster", "demo", "--principal", principal("d"), "--dry-run")
			}},
	)
	if caEnv != "" {
		caE := append(slices.Clone(env), "AWS_CA_BUNDLE="+caEnv)
		jobs = append(jobs, job{"create-ca", "`create` with AWS_CA_BUNDLE set to the system bundle", "AWS_CA_BUNDLE=" + caEnv + " eksaccess create ...",
			func(i int) (proc, error) {
				return timed(caE, nil, b.bin, "create", "--cluster", "demo", "--principal", principal(fmt.Sprintf("ca-%d", i)))
			}})
	}
	for i := -1; i < b.cfg.runs; i++ { // run -1 warms the page cache, and is not counted
		for _, j := range jobs {
			r, err := j.run(i + 1000)
			if i < 0 {
				if err != nil {
					return err
				}
				continue
			}
			s := b.res.get(j.key, j.name, j.command)
			if err != nil {
				s.Fails = append(s.Fails, err.Error())
				continue
			}
			s.addRun(r)
		}
	}
	return b.initTraces(ctx, env)
}

// initRuns is how many runs of each command initTraces makes.
const initRuns = 5

// initTraces runs the start-up commands with GODEBUG=inittrace=1, which
// has the runtime report each package it initialises before main: how
// long its init took and what it allocated.
func (b *bench) initTraces(ctx context.Context, env []string) error {
	traced := []struct {
		key  string
		bin  string
		args func(i int) []string
	}{
		{"hello", filepath.Join(b.tmp, "hello-go"), func(int) []string { return nil }},
		{"help", b.bin, func(int) []string { return []string{"--help"} }},
		{"version", b.bin, func(int) []string { return []string{"version"} }},
		{"completion", b.bin, func(int) []string { return []string{"completion", "bash"} }},
		{"create", b.bin, func(i int) []string {
			return []string{"create", "--cluster", "demo", "--principal", principal(fmt.Sprintf("init-%d", i))}
		}},
	}
	tenv := append(slices.Clone(env), "GODEBUG=inittrace=1")
	for i := range initRuns {
		for _, t := range traced {
			r, err := exeRun(ctx, tenv, t.bin, t.args(i)...)
			if err != nil {
				return fmt.Errorf("inittrace: %w", err)
			}
			b.res.Init[t.key] = append(b.res.Init[t.key], parseInitTrace(r.stderr))
		}
	}
	return nil
}

// initRun is one process's package initialisation.
type initRun struct {
	Clock    float64            `json:"clockMs"` // the sum of every package's
	Bytes    int64              `json:"bytes"`
	Packages int                `json:"packages"`
	ByPkg    map[string]float64 `json:"byPackageMs"`
}

// initLineRE matches a GODEBUG=inittrace=1 line:
// init net/http @2.1 ms, 0.05 ms clock, 4712 bytes, 49 allocs
var initLineRE = regexp.MustCompile(`^init (\S+) @\S+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes, [0-9]+ allocs`)

func parseInitTrace(stderr []byte) initRun {
	r := initRun{ByPkg: map[string]float64{}}
	for line := range strings.SplitSeq(string(stderr), "\n") {
		m := initLineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ms, n := atof(m[2]), int64(atof(m[3]))
		r.Clock += ms
		r.Bytes += n
		r.Packages++
		r.ByPkg[m[1]] += ms
	}
	return r
}

// applyFile is an apply file of n entries, each with one policy: 2n writes.
func applyFile(cluster string, n int) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\n  - name: %s\nentries:\n", cluster)
	for i := range n {
		fmt.Fprintf(&sb, "  - principalArn: %s\n    kubernetesGroups: [bench]\n    accessPolicies:\n      - policyArn: AmazonEKSViewPolicy\n        accessScope: {type: cluster}\n", principal(fmt.Sprintf("e%05d", i)))
	}
	return []byte(sb.String())
}

// pages is how many ListAccessEntries pages n entries take (100 a page).
func pages(n int) int { return max(1, (n+99)/100) }

func countLines(want int) func([]byte) error {
	return func(out []byte) error {
		if n := bytes.Count(out, []byte("\n")); n != want {
			return fmt.Errorf("%d lines of output, want %d", n, want)
		}
		return nil
	}
}

func countPrincipals(want int) func([]byte) error {
	return func(out []byte) error {
		if n := bytes.Count(out, []byte("principalArn:")); n != want {
			return fmt.Errorf("%d entries exported, want %d", n, want)
		}
		return nil
	}
}

// bulk times apply, list, list --details and export of cfg.entries entries
// against an emulator with latency.
func (b *bench) bulk(ctx context.Context, tag string, latency time.Duration) error {
	n := b.cfg.entries
	args := []string{"--latency", latency.String()}
	for i := range b.cfg.bulkRuns {
		args = append(args, "--cluster", fmt.Sprintf("bulk-%d", i))
	}
	emu, err := b.startEmulator(ctx, false, args...)
	if err != nil {
		return err
	}
	defer emu.stop()
	env := b.env(emu.url)
	lat := " (emulator `--latency " + latency.String() + "`)"
	record := func(key, name, command string, check func([]byte) error, argv ...string) error {
		s := b.res.get(key+"@"+tag, name+lat, command)
		d, rss, out, err := exe(ctx, env, b.bin, argv...)
		if err == nil && check != nil {
			err = check(out)
		}
		if err != nil {
			s.Fails = append(s.Fails, err.Error())
			return nil
		}
		s.add(d, rss)
		return nil
	}
	for i := range b.cfg.bulkRuns {
		cluster := fmt.Sprintf("bulk-%d", i)
		file := filepath.Join(b.tmp, cluster+".yaml")
		if err := os.WriteFile(file, applyFile(cluster, n), 0o644); err != nil {
			return err
		}
		if err := record("apply", fmt.Sprintf("`apply` of %d entries with one policy each (%d writes), to an empty cluster", n, 2*n),
			"eksaccess apply -f FILE --yes", nil, "apply", "-f", file, "--yes"); err != nil {
			return err
		}
	}
	if len(b.res.Series["apply@"+tag].Times) == 0 {
		return fmt.Errorf("no apply succeeded: %v", b.res.Series["apply@"+tag].Fails)
	}
	for range b.cfg.bulkRuns {
		_ = record("list", fmt.Sprintf("`list` of %d entries", n), "eksaccess list --cluster bulk-0 -o text",
			countLines(n), "list", "--cluster", "bulk-0", "-o", "text")
	}
	for range b.cfg.bulkRuns {
		_ = record("details", fmt.Sprintf("`list --details` of %d entries (%d requests)", n, 2*n+pages(n)), "eksaccess list --cluster bulk-0 --details -o text",
			countLines(n), "list", "--cluster", "bulk-0", "--details", "-o", "text")
	}
	for range b.cfg.bulkRuns {
		_ = record("export", fmt.Sprintf("`export` of %d entries", n), "eksaccess export --cluster bulk-0",
			countPrincipals(n), "export", "--cluster", "bulk-0")
	}
	return nil
}

// rateRun is one bulk command against the emulator's rate limit.
type rateRun struct {
	What      string        `json:"what"`
	Command   string        `json:"command"`
	Wall      time.Duration `json:"wall"`
	Requests  int           `json:"requests"`
	Throttled int           `json:"throttled"`
	// Settled counts the requests and 429s after the first settleAfter.
	SettledRequests  int     `json:"settledRequests"`
	SettledThrottled int     `json:"settledThrottled"`
	Admitted         int     `json:"admitted"`
	Span             float64 `json:"spanSeconds"` // first request to last answer
	Fraction         float64 `json:"fraction"`    // (admitted - burst) / (span * limit)
	// Windows are the admitted rates of each whole rateWindow once settled.
	Windows []float64 `json:"windows"`
	Err     string    `json:"error,omitempty"`
}

// rateWindow is the span over which the admitted rate's spread is taken.
const rateWindow = 5 * time.Second

// settleAfter is when a run's controller is taken to have settled.
const settleAfter = 2 * time.Second

// rateLimited runs apply and list --details against the emulator's token
// bucket (and latency), counting from its request log what was admitted
// and what was throttled.
func (b *bench) rateLimited(ctx context.Context) error {
	n := b.cfg.rateEntries
	args := []string{"--latency", b.cfg.latency.String(), "--rate-limit", strconv.FormatFloat(b.cfg.rateLimit, 'f', -1, 64),
		"--rate-burst", strconv.Itoa(b.cfg.rateBurst)}
	for i := range b.cfg.rateRuns {
		args = append(args, "--cluster", fmt.Sprintf("rate-%d", i))
	}
	emu, err := b.startEmulator(ctx, true, args...)
	if err != nil {
		return err
	}
	defer emu.stop()
	env := b.env(emu.url)
	measure := func(what, command string, argv ...string) rateRun {
		time.Sleep(time.Second) // the bucket refills between runs
		from := emu.mark()
		d, _, _, err := exe(ctx, env, b.bin, argv...)
		to := emu.mark()
		r := rateRun{What: what, Command: command, Wall: d}
		if err != nil {
			r.Err = err.Error()
		}
		lines := emu.lines(from, to)
		if len(lines) == 0 {
			return r
		}
		first, last := lines[0].at, lines[0].at
		for _, l := range lines {
			first, last = minTime(first, l.at), maxTime(last, l.at)
		}
		for _, l := range lines {
			r.Requests++
			settled := l.at.Sub(first) >= settleAfter
			if settled {
				r.SettledRequests++
			}
			if l.status == "429" {
				r.Throttled++
				if settled {
					r.SettledThrottled++
				}
			} else {
				r.Admitted++
			}
		}
		r.Span = last.Sub(first).Seconds() + b.cfg.latency.Seconds() // the first line is logged after its latency
		for w := first.Add(settleAfter); !w.Add(rateWindow).After(last); w = w.Add(rateWindow) {
			n := 0
			for _, l := range lines {
				if l.status != "429" && !l.at.Before(w) && l.at.Before(w.Add(rateWindow)) {
					n++
				}
			}
			r.Windows = append(r.Windows, float64(n)/rateWindow.Seconds())
		}
		if r.Span > 0 {
			r.Fraction = float64(r.Admitted-b.cfg.rateBurst) / (r.Span * b.cfg.rateLimit)
		}
		return r
	}
	for i := range b.cfg.rateRuns {
		cluster := fmt.Sprintf("rate-%d", i)
		file := filepath.Join(b.tmp, cluster+".yaml")
		if err := os.WriteFile(file, applyFile(cluster, n), 0o644); err != nil {
			return err
		}
		b.res.Rate = append(b.res.Rate, measure(fmt.Sprintf("`apply` of %d entries with one policy each", n), "eksaccess apply -f FILE --yes", "apply", "-f", file, "--yes"))
		b.res.Rate = append(b.res.Rate, measure(fmt.Sprintf("`list --details` of %d entries", n), "eksaccess list --cluster "+cluster+" --details -o text", "list", "--cluster", cluster, "--details", "-o", "text"))
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// microResult is one Go benchmark over -count runs.
type microResult struct {
	Pkg    string    `json:"pkg"`
	Name   string    `json:"name"`
	NsOp   []float64 `json:"nsPerOp"`
	BOp    []float64 `json:"bytesPerOp"`
	Allocs []float64 `json:"allocsPerOp"`
	// Other are the benchmark's own metrics (ns/entry, MB/s), by unit.
	Other      map[string][]float64 `json:"other,omitempty"`
	OtherOrder []string             `json:"-"`
}

// benchLineRE matches a result line: name, iterations, then value-unit
// pairs (ns/op, custom metrics, B/op, allocs/op).
var benchLineRE = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+((?:\s+[\d.]+ \S+)+)\s*$`)

// microPackages are the packages whose benchmarks the report shows: the
// request model, the planner, the formatters and the client's controller.
var microPackages = []string{"./pkg/access", "./pkg/accessfile", "./pkg/plan", "./pkg/output", "./pkg/eksapi"}

func (b *bench) microbenchmarks(ctx context.Context) error {
	for _, pkg := range microPackages {
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "5", "-benchtime", b.cfg.benchtime, pkg)
		cmd.Dir = b.cfg.repo
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go test -bench %s: %w\n%s", pkg, err, out.String())
		}
		for line := range strings.SplitSeq(out.String(), "\n") {
			m := benchLineRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			key := pkg + " " + m[1]
			r, ok := b.res.Micro[key]
			if !ok {
				r = &microResult{Pkg: pkg, Name: m[1]}
				b.res.Micro[key] = r
				b.res.MicroOrder = append(b.res.MicroOrder, key)
			}
			f := strings.Fields(m[2])
			for i := 0; i+1 < len(f); i += 2 {
				v, unit := atof(f[i]), f[i+1]
				switch unit {
				case "ns/op":
					r.NsOp = append(r.NsOp, v)
				case "B/op":
					r.BOp = append(r.BOp, v)
				case "allocs/op":
					r.Allocs = append(r.Allocs, v)
				default:
					if r.Other == nil {
						r.Other = map[string][]float64{}
					}
					if _, ok := r.Other[unit]; !ok {
						r.OtherOrder = append(r.OtherOrder, unit)
					}
					r.Other[unit] = append(r.Other[unit], v)
				}
			}
		}
	}
	return nil
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// machine describes where the figures come from.
func machine(ctx context.Context, repo string) map[string]string {
	m := map[string]string{
		"go":    runtime.Version(),
		"os":    runtime.GOOS + "/" + runtime.GOARCH,
		"cores": strconv.Itoa(runtime.NumCPU()),
		"load":  loadavg(),
		"date":  time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if out, err := exec.CommandContext(ctx, "uname", "-sr").Output(); err == nil {
		m["kernel"] = strings.TrimSpace(string(out))
	}
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	cmd.Dir = repo
	if out, err := cmd.Output(); err == nil {
		m["commit"] = strings.TrimSpace(string(out))
	}
	return m
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// stats of a sample: median, min, max.
type stats struct{ med, lo, hi float64 }

func statsOf(v []float64) stats {
	if len(v) == 0 {
		return stats{math.NaN(), math.NaN(), math.NaN()}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{med, s[0], s[len(s)-1]}
}

func ms(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Millisecond)
	}
	return out
}

func mib(kib []int64) []float64 {
	out := make([]float64, len(kib))
	for i, k := range kib {
		out[i] = float64(k) / 1024
	}
	return out
}

func fmtMS(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case v >= 1000:
		return fmt.Sprintf("%.2f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	default:
		return fmt.Sprintf("%.1f ms", v)
	}
}

func fmtRange(s stats, f func(float64) string) string {
	return f(s.lo) + " – " + f(s.hi)
}

func (r *results) median(key string) float64 {
	s, ok := r.Series[key]
	if !ok {
		return math.NaN()
	}
	return statsOf(ms(s.Times)).med
}

func (r *results) rss(key string) float64 {
	s, ok := r.Series[key]
	if !ok {
		return math.NaN()
	}
	return statsOf(mib(s.RSS)).hi
}

// render writes the report.
func render(r *results, changes string) string {
	var w strings.Builder
	c := r.cfg
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	p("# Performance\n\n")
	p("Generated by `make bench` (`go run ./scripts/bench`): every figure below comes from one run on one machine, and is\n")
	p("regenerated whole by the next. Commands are timed from process start to exit, in a clean AWS environment (a\n")
	p("temporary `HOME`, empty config files, static keys in the environment, no `AWS_CA_BUNDLE`), against `eks-emulator`\n")
	p("on loopback (built from this tree, started on a free port). `$URL` is its address; every command also has\n")
	p("`AWS_ENDPOINT_URL=$URL AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...` in its environment.\n")
	p("Figures are the median of the runs, with the range (fastest – slowest).\n\n")
	p("| machine | |\n|---|---|\n")
	for _, k := range []string{"cpu", "cores", "kernel", "os", "go", "commit", "date", "load", "load after"} {
		if v, ok := r.Machine[k]; ok {
			p("| %s | %s |\n", k, v)
		}
	}
	p("| bench run | %s (%d runs of each single command, %d of each bulk one) |\n\n", r.Elapsed.Round(time.Second), c.runs, c.bulkRuns)

	p("## Targets\n\n| target | measured | |\n|---|---|---|\n")
	create, curl, aws := r.median("create"), r.median("curl"), r.median("aws")
	lat := c.latency.String()
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	if !math.IsNaN(curl) {
		p("| `create` within 1.5x of the curl floor | %.2fx (%s vs %s) | %s |\n", create/curl, fmtMS(create), fmtMS(curl), check(create/curl <= 1.5))
	}
	if !math.IsNaN(aws) {
		p("| `create` at least 30x faster than `aws eks create-access-entry` | %.0fx (%s vs %s) | %s |\n", aws/create, fmtMS(create), fmtMS(aws), check(aws/create >= 30))
	}
	hello := r.median("hello")
	for _, k := range []struct{ key, name string }{{"help", "--help"}, {"version", "version"}, {"completion", "completion bash"}} {
		m := r.median(k.key)
		p("| `%s` within 3x of an empty Go program | %.1fx (%s vs %s; package initialisation %s) | %s |\n",
			k.name, m/hello, fmtMS(m), fmtMS(hello), fmtMS(r.initClock(k.key)), check(m/hello <= 3))
	}
	det := r.median("details@" + lat)
	p("| `list --details` of %d at %s in at most 1.5 s (default flags) | %s | %s |\n", c.entries, lat, fmtMS(det), check(det <= 1500))
	app := r.median("apply@" + lat)
	p("| `apply` of %d writes at %s in at most 3 s | %s | %s |\n", 2*c.entries, lat, fmtMS(app), check(app <= 3000))
	for _, rr := range r.Rate {
		share := 0.0
		if rr.SettledRequests > 0 {
			share = float64(rr.SettledThrottled) / float64(rr.SettledRequests)
		}
		p("| %s at %.0f req/s: at least 90%% of the limit, no failure, at most 2%% throttled once settled | %.0f%% of the limit, %s, %.1f%% throttled | %s |\n",
			rr.What, c.rateLimit, 100*rr.Fraction, failText(rr.Err), 100*share, check(rr.Fraction >= 0.9 && rr.Err == "" && share <= 0.02))
	}
	for _, f := range r.Fleet {
		if f.Regions != 3 {
			continue
		}
		ratio := float64(f.Wall) / float64(f.Floor)
		share := pct(f.SettledThrottled, f.SettledRequests)
		rss := float64(f.RSSKiB) / 1024
		p("| %s, 3 regions x %d clusters x %d entries at %s and %g req/s per region: within 1.15x of the floor, no failure, at most 2%% throttled once settled, peak RSS under 80 MB | %.2fx (%.1f s, floor %.1f s), %s, %.1f%% throttled, %.1f MiB | %s |\n",
			f.What, fleetClusters, fleetEntries, lat, c.fleetRate, ratio, f.Wall.Seconds(), f.Floor.Seconds(), failText(f.Err), share, rss,
			check(ratio <= 1.15 && f.Err == "" && share <= 2 && rss < 80))
	}
	crss, arss := r.rss("create"), r.rss("apply@"+lat)
	p("| peak RSS of `create` at most 30 MB | %.1f MiB | %s |\n", crss, check(crss <= 30))
	p("| peak RSS of the %d-entry `apply` at most 60 MB | %.1f MiB | %s |\n", c.entries, arss, check(arss <= 60))
	size := float64(r.Sizes["eksaccess"]) / (1 << 20)
	p("| release binary at most 15 MB | %.1f MiB | %s |\n\n", size, check(size <= 15))
	p("No AWS configuration or credentials are loaded by `--help`, `version`, `completion`, `--dry-run` and `import`:\n")
	p("`cmd/eksaccess/testdata/script/lazy_config.txtar` runs them with a profile that does not exist.\n\n")

	p("## Single commands\n\n")
	p("Against `eks-emulator` with no latency; runs interleaved (run 1 of every command, then run 2, ...), after one\n")
	p("uncounted warm-up run each.\n\n")
	p("| command | median | range | CPU | vs `create` | peak RSS | reproduce |\n|---|---|---|---|---|---|---|\n")
	for _, key := range []string{"create", "curl", "aws", "hello", "help", "version", "completion", "dryrun", "create-ca"} {
		s, ok := r.Series[key]
		if !ok {
			continue
		}
		st := statsOf(ms(s.Times))
		ratio := ""
		if key != "create" && create > 0 {
			ratio = fmt.Sprintf("%.2fx", st.med/create)
		}
		p("| %s | %s | %s | %s | %s | %.1f MiB | `%s` |\n", s.Name+failNote(s), fmtMS(st.med), fmtRange(st, fmtMS), fmtMS(statsOf(ms(s.CPU)).med), ratio, statsOf(mib(s.RSS)).hi, s.Command)
	}
	p("\n")
	renderStartup(p, r)

	p("## Bulk commands\n\n")
	p("%d access entries (`role/bench/e00000` ...), each with one group and one policy (`AmazonEKSViewPolicy`, cluster\n", c.entries)
	p("scope), written by `apply` of a generated file to an empty cluster; `list`, `list --details` and `export` read\n")
	p("the first of those clusters. Default flags throughout (`--concurrency` included).\n\n")
	p("| command | median | range | requests/s | peak RSS | reproduce |\n|---|---|---|---|---|---|\n")
	for _, key := range r.Order {
		s := r.Series[key]
		if !strings.Contains(key, "@") {
			continue
		}
		st := statsOf(ms(s.Times))
		reqs := 0
		switch {
		case strings.HasPrefix(key, "apply@"):
			reqs = 2*c.entries + 2 // + the (empty) list and GetCallerIdentity
		case strings.HasPrefix(key, "details@"), strings.HasPrefix(key, "export@"):
			reqs = 2*c.entries + pages(c.entries)
		case strings.HasPrefix(key, "list@"):
			reqs = pages(c.entries)
		}
		rps := ""
		if st.med > 0 && reqs > 0 {
			rps = fmt.Sprintf("%.0f", float64(reqs)/(st.med/1000))
		}
		p("| %s | %s | %s | %s | %.1f MiB | `%s` |\n", s.Name+failNote(s), fmtMS(st.med), fmtRange(st, fmtMS), rps, statsOf(mib(s.RSS)).hi, s.Command)
	}
	p("\n")

	p("## Bulk commands at the API's rate limit\n\n")
	p("`eks-emulator --latency %s --rate-limit %g --rate-burst %d`: a token bucket like EKS's own throttling, which\n", lat, c.rateLimit, c.rateBurst)
	p("answers 429 TooManyRequestsException beyond %g requests a second. Counts come from the emulator's request log\n", c.rateLimit)
	p("(`--log`). *Fraction of the limit* is (requests admitted − the burst) / (time from the first request to the last\n")
	p("answer × the limit): 100%% is every token the bucket gave. *Settled* leaves out the first %s; the admitted rate\n", settleAfter)
	p("of each whole %s once settled gives its spread. %d run(s) of each.\n\n", rateWindow, c.rateRuns)
	p("| command | time | requests | admitted/s | per %s: median (range) | fraction of the limit | throttled (all) | throttled once settled | result | reproduce |\n|---|---|---|---|---|---|---|---|---|---|\n", rateWindow)
	for _, rr := range r.Rate {
		share := 0.0
		if rr.SettledRequests > 0 {
			share = float64(rr.SettledThrottled) / float64(rr.SettledRequests)
		}
		adm := 0.0
		if rr.Span > 0 {
			adm = float64(rr.Admitted) / rr.Span
		}
		ws := statsOf(rr.Windows)
		spread := "n/a"
		if len(rr.Windows) > 0 {
			spread = fmt.Sprintf("%.1f (%.1f – %.1f)", ws.med, ws.lo, ws.hi)
		}
		p("| %s | %s | %d | %.1f | %s | %.1f%% | %d (%.1f%%) | %d of %d (%.1f%%) | %s | `%s` |\n", rr.What, fmtMS(float64(rr.Wall)/float64(time.Millisecond)),
			rr.Requests, adm, spread, 100*rr.Fraction, rr.Throttled, pct(rr.Throttled, rr.Requests), rr.SettledThrottled, rr.SettledRequests, 100*share, failText(rr.Err), rr.Command)
	}
	p("\n")

	renderFleet(p, r)
	p("## Binary size\n\n`go build -trimpath -ldflags '-s -w'`:\n\n| binary | size |\n|---|---|\n")
	for _, k := range []string{"eksaccess", "eks-emulator"} {
		p("| %s | %.1f MiB (%d bytes) |\n", k, float64(r.Sizes[k])/(1<<20), r.Sizes[k])
	}
	p("\n")

	if len(r.MicroOrder) > 0 {
		p("## Microbenchmarks\n\n`go test -run '^$' -bench . -benchmem -count 5 -benchtime %s PKG`; median of the 5 counts, with the range.\n\n", c.benchtime)
		p("| package | benchmark | ns/op | range | B/op | allocs/op | other |\n|---|---|---|---|---|---|---|\n")
		for _, key := range r.MicroOrder {
			m := r.Micro[key]
			st := statsOf(m.NsOp)
			f := func(v float64) string { return fmtNs(v) }
			var other []string
			for _, unit := range m.OtherOrder {
				other = append(other, fmt.Sprintf("%s %s", strconv.FormatFloat(statsOf(m.Other[unit]).med, 'f', -1, 64), unit))
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(m.Pkg, "./"), m.Name, f(st.med), fmtRange(st, f),
				fmtCount(statsOf(m.BOp).med), fmtCount(statsOf(m.Allocs).med), strings.Join(other, ", "))
		}
		p("\n")
	}
	if changes != "" {
		p("%s", strings.TrimLeft(changes, "\n"))
		if !strings.HasSuffix(changes, "\n") {
			p("\n")
		}
	}
	return w.String()
}

// renderStartup writes the start-up section: each start-up command's wall
// and CPU time beside its package initialisation as GODEBUG=inittrace=1
// reports it.
func renderStartup(p func(string, ...any), r *results) {
	if len(r.Init) == 0 {
		return
	}
	p("## Start-up\n\n")
	p("Wall and CPU time as in the table above (medians); *package initialisation* is what Go runs before `main`, as\n")
	p("`GODEBUG=inittrace=1` reports it: the sum of every package's init clock time, the packages initialised and what\n")
	p("their inits allocated (median of %d runs each, after the timed runs), and the packages that took longest.\n\n", initRuns)
	p("| command | wall | CPU | vs an empty Go program | package initialisation | packages | allocated by init | the longest inits |\n|---|---|---|---|---|---|---|---|\n")
	hello := r.median("hello")
	for _, key := range []string{"hello", "help", "version", "completion", "create"} {
		s, ok := r.Series[key]
		runs := r.Init[key]
		if !ok || len(runs) == 0 {
			continue
		}
		var bytes, pkgs []float64
		for _, run := range runs {
			bytes = append(bytes, float64(run.Bytes)/1024)
			pkgs = append(pkgs, float64(run.Packages))
		}
		p("| %s | %s | %s | %.1fx | %s | %.0f | %.0f KiB | %s |\n", s.Name, fmtMS(r.median(key)), fmtMS(statsOf(ms(s.CPU)).med),
			r.median(key)/hello, fmtMS(r.initClock(key)), statsOf(pkgs).med, statsOf(bytes).med, longestInits(runs, 5))
	}
	p("\n")
}

// initClock is the median of key's package initialisation, in ms.
func (r *results) initClock(key string) float64 {
	var v []float64
	for _, run := range r.Init[key] {
		v = append(v, run.Clock)
	}
	return statsOf(v).med
}

// longestInits names the n packages whose init took longest (median over
// runs), with their times.
func longestInits(runs []initRun, n int) string {
	byPkg := map[string][]float64{}
	for _, run := range runs {
		for pkg, ms := range run.ByPkg {
			byPkg[pkg] = append(byPkg[pkg], ms)
		}
	}
	type pm struct {
		pkg string
		ms  float64
	}
	var all []pm
	for pkg, v := range byPkg {
		all = append(all, pm{pkg, statsOf(v).med})
	}
	slices.SortFunc(all, func(a, b pm) int {
		if a.ms != b.ms {
			if a.ms > b.ms {
				return -1
			}
			return 1
		}
		return strings.Compare(a.pkg, b.pkg)
	})
	var out []string
	for _, x := range all[:min(n, len(all))] {
		pkg := strings.TrimPrefix(strings.TrimPrefix(x.pkg, "github.com/aws/aws-sdk-go-v2/"), "github.com/")
		out = append(out, fmt.Sprintf("`%s` %.2f", pkg, x.ms))
	}
	return strings.Join(out, ", ")
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func failText(err string) string {
	if err == "" {
		return "no failure"
	}
	return "**failed**: " + strings.ReplaceAll(err, "|", "\\|")
}

func failNote(s *series) string {
	if len(s.Fails) == 0 {
		return ""
	}
	return fmt.Sprintf(" (**%d failed**: %s)", len(s.Fails), strings.ReplaceAll(s.Fails[0], "|", "\\|"))
}

func fmtNs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f µs", v/1e3)
	default:
		return fmt.Sprintf("%.0f ns", v)
	}
}

func fmtCount(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
