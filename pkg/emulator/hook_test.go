package emulator_test

import (
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestOnCall: the hook runs once, after the numbered request took effect
// and before it is answered, so its change is what the client's next
// request sees and not what the numbered one answered.
func TestOnCall(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	const dev = "arn:aws:iam::111122223333:role/dev"
	h.create("demo", `{"principalArn":"`+dev+`","kubernetesGroups":["mine"]}`)
	describe := request{method: "GET", path: entryPath("demo", dev)}
	groups := func(doc map[string]any) []any {
		return doc["accessEntry"].(map[string]any)["kubernetesGroups"].([]any)
	}
	h.ok(describe) // numbering starts from now on: this one is not counted

	fired := 0
	h.srv.OnCall("DescribeAccessEntry", 2, func() {
		fired++
		// another writer, through the wire, while the 2nd describe waits
		h.ok(request{method: "POST", path: entryPath("demo", dev), body: `{"kubernetesGroups":["theirs"]}`})
	})
	for i, want := range []string{"mine", "mine", "theirs", "theirs"} {
		if got := groups(h.ok(describe)); !slices.Equal(got, []any{want}) {
			t.Errorf("describe %d: groups %v, want [%s]", i+1, got, want)
		}
	}
	if fired != 1 {
		t.Errorf("the hook ran %d times, want once", fired)
	}
}

// TestOnCallAllOperations numbers the requests across every operation,
// and a request that fails still has its number.
func TestOnCallAllOperations(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var order []string
	h.srv.OnCall(emulator.AllOperations, 2, func() { order = append(order, "hook") })
	h.srv.FailNext("DescribeAccessEntry", 500, "ServerException", "boom")
	wantError(t, h.do(request{method: "GET", path: entryPath("demo", "arn:aws:iam::111122223333:role/x")}), 500, "ServerException", "boom")
	order = append(order, "1st answered")
	h.ok(request{method: "GET", path: "/clusters/demo"})
	order = append(order, "2nd answered")
	if want := []string{"1st answered", "hook", "2nd answered"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

func TestOnCallPanicsOnTypos(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for name, f := range map[string]func(){
		"unknown operation": func() { h.srv.OnCall("DescribeAccesEntry", 1, func() {}) },
		"number 0":          func() { h.srv.OnCall("DescribeAccessEntry", 0, func() {}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}
