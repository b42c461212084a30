package main

import (
	"cmp"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// Fleets: clusters in given regions and accounts, accounts chosen by access
// key id, and what a region has of its own (latency, rate limit, disabled,
// denied). See "Regions and accounts" in docs/guides/emulator.md.

// fleetFlags are the flags that place clusters and shape regions and
// accounts.
type fleetFlags struct {
	placed   []placedCluster // --cluster NAME@REGION or ARN
	keys     keyFlag
	latency  regionFlag
	rate     regionFlag
	disabled accountRegionFlag
	denied   accountRegionFlag

	accounts []string // every account served, the default first (set by apply)
}

func addFleetFlags(fs *flag.FlagSet, cfg *config) {
	cfg.fleet.rate.rate = true
	fs.Var(clustersFlag{every: &cfg.clusters, placed: &cfg.fleet.placed}, "cluster",
		"add a cluster `NAME[@REGION][=MODE]`, MODE one of API, API_AND_CONFIG_MAP (default), CONFIG_MAP;\n"+
			"without @REGION it is in every region; a cluster ARN[=MODE] places it in a region and an account\n"+
			"(the default one or one of --account-key); repeatable, comma-separated (default: demo)")
	fs.Var(&cfg.fleet.keys, "account-key", "requests signed with access key id KEY are account ACCOUNT's (its own clusters and IAM):\n"+
		"`KEY=ACCOUNT`, or KEY=CALLER_ARN to set the identity sts get-caller-identity reports too;\nrepeatable, comma-separated")
	fs.Var(&cfg.fleet.latency, "region-latency", "`REGION=DELAY`: add DELAY to the region's requests instead of --latency; repeatable, comma-separated")
	fs.Var(&cfg.fleet.rate, "region-rate-limit", "`REGION=RPS[:BURST]`: admit RPS of the region's requests a second, per account, in bursts of BURST;\n"+
		"the others get 429 TooManyRequestsException (IAM, global, is not counted); repeatable, comma-separated")
	fs.Var(&cfg.fleet.disabled, "disabled-region", "`[ACCOUNT:]REGION` is an opt-in region not enabled, for every account or ACCOUNT:\n"+
		"EKS and STS answer 403 UnrecognizedClientException; repeatable, comma-separated")
	fs.Var(&cfg.fleet.denied, "denied-region", "`[ACCOUNT:]REGION` denies the caller every EKS action, for every account or ACCOUNT:\n"+
		"403 AccessDeniedException; repeatable, comma-separated")
}

// apply puts the fleet flags into opts (the accounts of --account-key, the
// regions' latency and rate limits), checking that every account a flag
// names is served: the default one, one of --account-key or one of the
// scenario's.
func (f *fleetFlags) apply(opts *emulator.Options, scenario emulator.Scenario) error {
	accounts := map[string]*emulator.Account{}
	f.accounts = []string{opts.Account}
	for _, k := range f.keys {
		if k.account == opts.Account {
			return fmt.Errorf("--account-key %s=%s: that is the default account (--account), which every other key reaches", k.key, k.account)
		}
		a, ok := accounts[k.account]
		if !ok {
			a = &emulator.Account{ID: k.account}
			accounts[k.account] = a
			f.accounts = append(f.accounts, k.account)
		}
		if k.caller != "" && a.Caller != "" && a.Caller != k.caller {
			return fmt.Errorf("--account-key: account %s has two callers, %s and %s", k.account, a.Caller, k.caller)
		}
		a.Caller = cmp.Or(a.Caller, k.caller)
		a.AccessKeys = append(a.AccessKeys, k.key)
	}
	for _, id := range f.accounts[1:] {
		opts.Accounts = append(opts.Accounts, *accounts[id])
	}
	for _, a := range scenario.Accounts {
		f.accounts = append(f.accounts, a.ID)
	}
	known := func(what, account string) error {
		if account != "" && !slices.Contains(f.accounts, account) {
			return fmt.Errorf("%s: account %s is not served: not the default one (--account %s), nor one of --account-key or the scenario", what, account, opts.Account)
		}
		return nil
	}
	for _, p := range f.placed {
		if err := known("--cluster "+p.arn, p.account); err != nil {
			return err
		}
	}
	for _, ar := range slices.Concat(f.disabled, f.denied) {
		if err := known("region "+ar.account+":"+ar.region, ar.account); err != nil {
			return err
		}
	}

	regions := map[string]*emulator.Region{}
	var names []string
	region := func(name string) *emulator.Region {
		if _, ok := regions[name]; !ok {
			regions[name] = &emulator.Region{Name: name}
			names = append(names, name)
		}
		return regions[name]
	}
	for _, l := range f.latency.list {
		region(l.region).Latency = l.latency
	}
	for _, r := range f.rate.list {
		region(r.region).RateLimit, region(r.region).RateBurst = r.rps, r.burst
	}
	for _, name := range names {
		opts.Regions = append(opts.Regions, *regions[name])
	}
	return nil
}

// addTo adds the clusters placed in a region, and disables and denies
// regions, on the emulator (once the scenario's accounts exist).
func (f *fleetFlags) addTo(srv *emulator.Server) {
	for _, p := range f.placed {
		srv.Account(cmp.Or(p.account, srv.AccountID())).AddClusterIn(p.region, p.name, p.mode)
	}
	for _, id := range f.accounts {
		account := srv.Account(id)
		for _, ar := range f.disabled {
			if ar.account == "" || ar.account == id {
				account.SetRegionDisabled(ar.region, true)
			}
		}
		for _, ar := range f.denied {
			if ar.account == "" || ar.account == id {
				account.SetRegionDenied(ar.region, true)
			}
		}
	}
}

var (
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	clusterARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:eks:([^:]+):([0-9]{12}):cluster/(.+)$`)
)

func checkRegion(r string) error {
	if !regionRE.MatchString(r) {
		return fmt.Errorf("invalid region %q: a region such as us-east-1", r)
	}
	return nil
}

// placedCluster is a cluster of one region (and account: "" is the
// default).
type placedCluster struct {
	clusterSpec
	region, account string
	arn             string // as given, for messages
}

// clustersFlag is --cluster: a cluster of every region (NAME[=MODE]) goes
// to every, one placed in a region (NAME@REGION[=MODE], or a cluster ARN)
// to placed.
type clustersFlag struct {
	every  *clusterFlag
	placed *[]placedCluster
}

func (f clustersFlag) String() string {
	if f.every == nil {
		return ""
	}
	s := f.every.String()
	for _, p := range *f.placed {
		s += "," + p.arn + "=" + p.mode
	}
	return strings.TrimPrefix(s, ",")
}

// Set takes one cluster, or a comma-separated list of them, as the other
// repeatable flags do (a name, a region, a mode and an ARN hold no comma).
func (f clustersFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		if err := f.set(strings.TrimSpace(one)); err != nil {
			return err
		}
	}
	return nil
}

func (f clustersFlag) set(v string) error {
	spec, mode, _ := strings.Cut(v, "=")
	var p placedCluster
	if m := clusterARNRE.FindStringSubmatch(spec); m != nil {
		p = placedCluster{region: m[1], account: m[2], clusterSpec: clusterSpec{name: m[3]}}
	} else if name, region, ok := strings.Cut(spec, "@"); ok {
		p = placedCluster{region: region, clusterSpec: clusterSpec{name: name}}
	} else {
		return f.every.Set(v)
	}
	if err := checkRegion(p.region); err != nil {
		return err
	}
	var check clusterFlag
	if err := check.Set(p.name + "=" + mode); err != nil {
		return err
	}
	p.mode, p.arn = mode, spec
	*f.placed = append(*f.placed, p)
	return nil
}

// keyFlag is --account-key KEY=ACCOUNT|CALLER_ARN.
type keyFlag []accountKey

type accountKey struct{ key, account, caller string }

var (
	accessKeyRE = regexp.MustCompile(`^[A-Z0-9]{1,128}$`)
	callerRE    = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):.+`)
)

func (f *keyFlag) String() string {
	return joined((*[]accountKey)(f), func(k accountKey) string { return k.key + "=" + cmp.Or(k.caller, k.account) })
}

func (f *keyFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		key, who, _ := strings.Cut(strings.TrimSpace(one), "=")
		k := accountKey{key: key, account: who}
		if m := callerRE.FindStringSubmatch(who); m != nil {
			k.account, k.caller = m[2], who
		}
		switch {
		case !accessKeyRE.MatchString(key):
			return fmt.Errorf("invalid access key id %q in %q: upper-case letters and digits", key, one)
		case !accountRE.MatchString(k.account):
			return fmt.Errorf("invalid account %q in %q: 12 digits, or the caller's IAM or STS ARN", who, one)
		case slices.ContainsFunc(*f, func(o accountKey) bool { return o.key == key }):
			return fmt.Errorf("access key id %s is given twice", key)
		}
		*f = append(*f, k)
	}
	return nil
}

// regionFlag is --region-latency REGION=DELAY, or with rate set
// --region-rate-limit REGION=RPS[:BURST].
type regionFlag struct {
	rate bool
	list []regionValue
}

type regionValue struct {
	region, raw string
	latency     time.Duration
	rps         float64
	burst       int
}

func (f *regionFlag) String() string {
	if f == nil {
		return ""
	}
	return joined(&f.list, func(r regionValue) string { return r.region + "=" + r.raw })
}

func (f *regionFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		region, value, _ := strings.Cut(strings.TrimSpace(one), "=")
		if err := checkRegion(region); err != nil {
			return err
		}
		r := regionValue{region: region, raw: value}
		var err error
		if f.rate {
			rps, burst, hasBurst := strings.Cut(value, ":")
			r.rps, err = strconv.ParseFloat(rps, 64)
			if err == nil && hasBurst {
				r.burst, err = strconv.Atoi(burst)
			}
			if err != nil || !(r.rps > 0) || r.burst < 0 {
				return fmt.Errorf("invalid rate %q in %q: RPS[:BURST], RPS positive", value, one)
			}
		} else if r.latency, err = time.ParseDuration(value); err != nil || r.latency < 0 {
			return fmt.Errorf("invalid delay %q in %q: a duration such as 20ms", value, one)
		}
		f.list = append(f.list, r)
	}
	return nil
}

// accountRegionFlag is --disabled-region or --denied-region
// [ACCOUNT:]REGION.
type accountRegionFlag []accountRegion

type accountRegion struct{ account, region string }

func (f *accountRegionFlag) String() string {
	return joined((*[]accountRegion)(f), func(ar accountRegion) string { return strings.TrimPrefix(ar.account+":"+ar.region, ":") })
}

func (f *accountRegionFlag) Set(v string) error {
	for one := range strings.SplitSeq(v, ",") {
		one = strings.TrimSpace(one)
		account, region, ok := strings.Cut(one, ":")
		if !ok {
			account, region = "", one
		}
		if ok && !accountRE.MatchString(account) {
			return fmt.Errorf("invalid account %q in %q: 12 digits", account, one)
		}
		if err := checkRegion(region); err != nil {
			return err
		}
		*f = append(*f, accountRegion{account: account, region: region})
	}
	return nil
}

// scenarioHasClusters reports whether the scenario names a cluster, of
// any account: then there is no default demo cluster.
func scenarioHasClusters(sc emulator.Scenario) bool {
	n := len(sc.Clusters)
	for _, a := range sc.Accounts {
		n += len(a.Clusters)
	}
	return n > 0
}
