package apply

import (
	"slices"
	"sync"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// TestApplyProgressCountsThePlansChanges: progress counts what the plan
// counts, the entries changed; a refusal changes nothing and is not
// counted (apply showed "applied 4/30 changes" for a plan of 30 while
// asking about 60).
func TestApplyProgressCountsThePlansChanges(t *testing.T) {
	t.Parallel()
	_, hs := emutest.Start(t, emulator.Options{})
	client := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
	want := []access.CreateEntry{
		{Principal: mustPrincipal(t, dev), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy"), assoc(t, "AmazonEKSEditPolicy")}},
		{Principal: mustPrincipal(t, ops)},
		{Principal: mustPrincipal(t, nodes), Type: access.TypeEC2Linux},
	}
	p := plan.Build("demo", "", want, []plan.Live{live(nodes, "STANDARD", nil, nil)}, plan.Options{})
	if s := p.Summary(); s.Create != 2 || s.Refuse != 1 {
		t.Fatalf("summary %+v", s)
	}
	var mu sync.Mutex
	var calls [][2]int
	x := Executor{Client: client, Concurrency: 1, Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	}}
	r := x.Apply(t.Context(), p)
	if len(r.Outcomes) != 3 {
		t.Fatalf("%d outcomes", len(r.Outcomes))
	}
	if wantCalls := [][2]int{{1, 2}, {2, 2}}; !slices.Equal(calls, wantCalls) {
		t.Errorf("progress %v, want %v", calls, wantCalls)
	}
}
