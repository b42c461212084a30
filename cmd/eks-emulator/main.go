// Command eks-emulator serves the in-memory Amazon EKS access-entry API of
// package emulator over HTTP, for local development and CI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage: eks-emulator [flags]

Serves the Amazon EKS access-entry API (and STS GetCallerIdentity) from
memory, speaking EKS's wire protocol, so that eksaccess, the AWS CLI and the
AWS SDKs can run against it. State is lost on exit.

Example, in a script or a terminal:

  eval "$(eks-emulator --background --cluster demo --cluster legacy=CONFIG_MAP)"
  trap 'kill "$EKS_EMULATOR_PID"' EXIT
  eksaccess list --cluster demo
  aws eks list-access-entries --cluster-name demo

--background returns once the emulator listens (on a free loopback port)
and prints what eval sets: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EKS and
AWS_ENDPOINT_URL_STS (EKS and STS calls go to the emulator), throw-away
credentials, AWS_REGION (kept if set, else us-west-2) and EKS_EMULATOR_PID.
If it cannot start, it exits non-zero and what it prints points the
endpoints at an address that never resolves and ends with false: eval
fails (a set -e script stops there) and no call reaches AWS.

In the foreground it prints its URL on stderr, and writes it to --url-file
once listening:

  eks-emulator --addr 127.0.0.1:4566 --cluster demo
  export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ENDPOINT_URL_EKS=http://127.0.0.1:4566
  aws eks describe-cluster --name demo --endpoint-url http://127.0.0.1:4566

Any credentials work, except the access key ids EXPIRED, UNKNOWN and DENIED,
which fail like expired, unknown and unauthorized credentials do.

Regions and accounts share the endpoint: a request sees the clusters of the
region it is signed for (--region of the AWS CLI) and of the account its
access key id maps to (--account-key; any other key: --account):

  --cluster prod@eu-west-1 --cluster web@us-east-1      one region each
  --cluster arn:aws:eks:eu-west-1:444455556666:cluster/payments
  --account-key AKIAPAYMENTS=444455556666               that key is that account
  --region-latency eu-west-1=20ms --region-rate-limit eu-west-1=20
  --disabled-region ap-east-1   --denied-region 444455556666:us-east-1

Faults, to test how a script copes (OP is an operation name such as
DescribeAccessEntry, or all):

  --fail DescribeAccessEntry:3:500    the 3rd DescribeAccessEntry answers 500 ServerException
  --fail ListAccessEntries:1:reset    the 1st ListAccessEntries gets its connection reset
  --fail CreateAccessEntry:2:409:ResourceInUseException:busy   any AWS error
  --hang DescribeCluster              DescribeCluster never answers (until --hang-max)
  --repeat-page-token ListAccessEntries   pages repeat their nextToken, like a buggy server
  --rate-limit 50 --rate-burst 10     50 requests a second, beyond that 429 TooManyRequestsException

Every flag can also be set by an environment variable, for containers whose
command line cannot be set: EKS_EMULATOR_ADDR=0.0.0.0:4566,
EKS_EMULATOR_ALLOW_REMOTE=true, EKS_EMULATOR_CLUSTER=prod,legacy=CONFIG_MAP,
EKS_EMULATOR_THROTTLE_RATE=0.1. A flag on the command line wins.

Flags:
`

// config is the parsed command line.
type config struct {
	addr        string
	allowRemote bool
	clusters    clusterFlag
	urlFile     string
	background  bool
	logFile     string
	log         bool
	version     bool
	opts        emulator.Options
	iam         iamFlags   // iam.go
	fleet       fleetFlags // fleet.go
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	child := isBackgroundChild()
	if err != nil {
		fmt.Fprintf(stderr, "eks-emulator: %v\nRun 'eks-emulator --help' for usage.\n", err)
		if wantsBackground(args) && !child {
			return backgroundFailed(stdout, io.Discard, 2, nil)
		}
		return 2
	}
	if cfg.version {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	if cfg.background && !child {
		return startBackground(ctx, cfg, args, stdout, stderr)
	}
	// A background child reports to its parent on stdout, once: after
	// that line nobody reads the pipe.
	var listening func(url string)
	reported := false
	if child {
		listening = func(url string) {
			fmt.Fprintf(stdout, "listening %s\n", url)
			reported = true
		}
	}
	if err := serve(ctx, cfg, stderr, listening); err != nil {
		fmt.Fprintf(stderr, "eks-emulator: %v\n", err)
		if child && !reported {
			fmt.Fprintf(stdout, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		}
		return 1
	}
	return 0
}

func parseFlags(args []string, stdout io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("eks-emulator", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "listen `address`; port 0 picks a free port")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	addFleetFlags(fs, cfg) // --cluster and the flags of regions and accounts
	fs.StringVar(&cfg.opts.Account, "account", "111122223333", "AWS account `id` that owns the clusters")
	fs.StringVar(&cfg.opts.Region, "region", "", "`region` used in ARNs (default: the region each request is signed for, which\nalso picks the region's clusters whatever this says)")
	fs.StringVar(&cfg.opts.Caller, "caller", "", "`ARN` that sts get-caller-identity reports (default arn:aws:iam::<account>:user/emulator-admin)")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "`delay` added to every request")
	fs.Float64Var(&cfg.opts.ThrottleRate, "throttle-rate", 0, "`fraction` (0-1) of requests answered 429 TooManyRequestsException")
	fs.Float64Var(&cfg.opts.ErrorRate, "error-rate", 0, "`fraction` (0-1) of requests answered 500 ServerException")
	fs.Int64Var(&cfg.opts.Seed, "seed", 0, "`seed` of the random faults and identifiers")
	fs.Var(callFaultFlag{&cfg.opts.Failures}, "fail", "make the Nth request of operation OP fail, as `OP:N:FAULT`; FAULT is 500, 429, 503,\nreset, hang or STATUS:CODE[:MESSAGE]; repeatable")
	fs.Var(opFlag{&cfg.opts.Hang}, "hang", "requests of operation `OP` (or all) never answer: held until the client gives up\nor --hang-max passes, then the connection is dropped; repeatable")
	fs.DurationVar(&cfg.opts.HangMax, "hang-max", 5*time.Minute, "`time` a hung request is held at most")
	fs.Var(opFlag{&cfg.opts.RepeatPageToken}, "repeat-page-token", "the list operation `OP` (or all) answers a page request with the nextToken it was given,\nas a buggy server would; repeatable")
	fs.Float64Var(&cfg.opts.RateLimit, "rate-limit", 0, "admit `rps` requests a second (token bucket); the others get 429 TooManyRequestsException")
	fs.IntVar(&cfg.opts.RateBurst, "rate-burst", 0, "`size` of the --rate-limit bucket: requests admitted at once (default: the rate, rounded up)")
	fs.DurationVar(&cfg.opts.PropagationDelay, "propagation-delay", 0, "`time` a new access entry stays invisible to associate-access-policy and update-access-entry")
	fs.BoolVar(&cfg.opts.AllowDirectAPIMode, "allow-direct-api-mode", false, "allow update-cluster-config from CONFIG_MAP straight to API")
	fs.StringVar(&cfg.urlFile, "url-file", "", "write the server URL to `file` once listening (written whole: a temporary file, renamed)")
	fs.BoolVar(&cfg.background, "background", false, "run in the background: return once listening, printing the shell commands that\npoint AWS clients at it (eval them) and EKS_EMULATOR_PID; see the example above")
	fs.StringVar(&cfg.logFile, "log-file", "", "with --background, append the emulator's messages (and --log's) to `file`;\nwithout it they are discarded")
	fs.BoolVar(&cfg.log, "log", false, "log every request to stderr")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	addIAMFlags(fs, &cfg.iam, &cfg.opts)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if err := setFromEnv(fs, os.Getenv); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.opts.ThrottleRate < 0 || cfg.opts.ThrottleRate > 1:
		return nil, fmt.Errorf("--throttle-rate must be between 0 and 1, got %v", cfg.opts.ThrottleRate)
	case cfg.opts.ErrorRate < 0 || cfg.opts.ErrorRate > 1:
		return nil, fmt.Errorf("--error-rate must be between 0 and 1, got %v", cfg.opts.ErrorRate)
	case cfg.opts.Latency < 0 || cfg.opts.PropagationDelay < 0:
		return nil, errors.New("--latency and --propagation-delay cannot be negative")
	case cfg.opts.HangMax <= 0:
		return nil, fmt.Errorf("--hang-max must be positive, got %v", cfg.opts.HangMax)
	case cfg.opts.RateLimit < 0 || cfg.opts.RateBurst < 0:
		return nil, errors.New("--rate-limit and --rate-burst cannot be negative")
	case cfg.opts.RateBurst > 0 && cfg.opts.RateLimit == 0:
		return nil, errors.New("--rate-burst needs --rate-limit")
	case !accountRE.MatchString(cfg.opts.Account):
		return nil, fmt.Errorf("--account must be 12 digits, got %q", cfg.opts.Account)
	case cfg.logFile != "" && !cfg.background:
		return nil, errors.New("--log-file needs --background (in the foreground, redirect stderr)")
	}
	if err := cfg.iam.load(); err != nil {
		return nil, err
	}
	if err := cfg.fleet.apply(&cfg.opts, cfg.iam.seed); err != nil {
		return nil, err
	}
	if len(cfg.clusters) == 0 && len(cfg.fleet.placed) == 0 && !scenarioHasClusters(cfg.iam.seed) {
		cfg.clusters = clusterFlag{{name: "demo"}}
	}
	if !cfg.allowRemote {
		if err := checkLoopback(cfg.addr); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// checkLoopback refuses addresses reachable from other hosts: the emulator
// accepts any credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address; the emulator accepts any credentials, so pass --allow-remote to expose it", addr)
}

// serve runs the emulator until ctx ends. listening, if not nil, is
// called with the URL once the emulator listens (and --url-file is
// written).
func serve(ctx context.Context, cfg *config, stderr io.Writer, listening func(url string)) error {
	if cfg.log {
		logger := log.New(stderr, "eks-emulator: ", log.LstdFlags|log.Lmicroseconds)
		cfg.opts.Logf = logger.Printf
	}
	// Nothing in the binary reads the request log: keep none.
	cfg.opts.RecordLimit = -1
	srv := emulator.New(cfg.opts)
	for _, c := range cfg.clusters {
		srv.AddCluster(c.name, c.mode)
	}
	seed := cfg.iam.seed
	if err := srv.Seed(emulator.Scenario{IAM: seed.IAM}); err != nil {
		return fmt.Errorf("seeding IAM: %w", err)
	}
	if err := srv.Seed(emulator.Scenario{Clusters: seed.Clusters, Accounts: seed.Accounts}); err != nil {
		return fmt.Errorf("seeding the scenario: %w", err)
	}
	cfg.fleet.addTo(srv)

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	var h http.Handler = srv
	if wrapHandler != nil {
		h = wrapHandler(h)
	}
	hs := newHTTPServer(ctx, h, cfg.opts)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()

	if cfg.urlFile != "" {
		if err := writeFileAtomic(cfg.urlFile, url+"\n", nil); err != nil {
			_ = hs.Close()
			return fmt.Errorf("--url-file: %w", err)
		}
	}
	fmt.Fprintf(stderr, "eks-emulator: listening on %s\n", url)
	if listening != nil {
		listening(url)
	}

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "eks-emulator: stopped")
	return nil
}

// wrapHandler, set by tests only, sees every request before the emulator:
// a test waits there for a request to arrive instead of sleeping.
var wrapHandler func(http.Handler) http.Handler

// newHTTPServer bounds every phase of a connection, so that slow or stuck
// clients cannot hold the emulator's resources: headers and bodies must
// arrive in time, answers may take the configured latency and hang, and
// idle keep-alive connections are closed. Requests end when ctx does (a
// signal), which releases hung and delayed ones.
func newHTTPServer(ctx context.Context, h http.Handler, opts emulator.Options) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + opts.Latency + opts.HangMax,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// script polling for the file never reads it half written. beforeRename,
// if not nil, is called with the temporary file's name, written and
// closed, just before the rename (a test hook).
func writeFileAtomic(name, content string, beforeRename func(tmp string)) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".eks-emulator-url-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if beforeRename != nil {
		beforeRename(tmp.Name())
	}
	return os.Rename(tmp.Name(), name)
}

var (
	accountRE     = regexp.MustCompile(`^[0-9]{12}$`)
	clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)
)

// clusterFlag is the repeatable --cluster NAME[=MODE] flag.
type clusterFlag []clusterSpec

type clusterSpec struct{ name, mode string }

func (f *clusterFlag) String() string {
	return joined((*[]clusterSpec)(f), func(c clusterSpec) string { return c.name + "=" + c.mode })
}

// joined is a repeatable flag's value: its values, formatted, between
// commas ("" for none, or for the zero value flag.PrintDefaults makes).
func joined[T any](list *[]T, format func(T) string) string {
	if list == nil {
		return ""
	}
	var parts []string
	for _, v := range *list {
		parts = append(parts, format(v))
	}
	return strings.Join(parts, ",")
}

func (f *clusterFlag) Set(v string) error {
	name, mode, _ := strings.Cut(v, "=")
	if !clusterNameRE.MatchString(name) {
		return fmt.Errorf("invalid cluster name %q: 1-100 letters, digits, '-' and '_', starting with a letter or digit", name)
	}
	switch mode {
	case "", "API", "API_AND_CONFIG_MAP", "CONFIG_MAP":
	default:
		return fmt.Errorf("invalid authentication mode %q: use API, API_AND_CONFIG_MAP or CONFIG_MAP", mode)
	}
	*f = append(*f, clusterSpec{name: name, mode: mode})
	return nil
}

// opFlag is a repeatable flag naming an operation, or all.
type opFlag struct{ ops *[]string }

func (f opFlag) String() string {
	if f.ops == nil {
		return ""
	}
	return strings.Join(*f.ops, ",")
}

func (f opFlag) Set(v string) error {
	op, err := emulator.ParseOperation(v)
	if err != nil {
		return err
	}
	*f.ops = append(*f.ops, op)
	return nil
}

// callFaultFlag is the repeatable --fail OP:N:FAULT flag.
type callFaultFlag struct{ faults *[]emulator.CallFault }

func (f callFaultFlag) String() string {
	return joined(f.faults, func(cf emulator.CallFault) string { return fmt.Sprintf("%s:%d:%+v", cf.Op, cf.Call, cf.Fault) })
}

func (f callFaultFlag) Set(v string) error {
	cf, err := emulator.ParseCallFault(v)
	if err != nil {
		return err
	}
	*f.faults = append(*f.faults, cf)
	return nil
}
