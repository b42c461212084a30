package awsauth

import (
	"strings"
	"testing"
)

// FuzzConvert: Convert never panics, and every entry it returns is valid
// for a cluster (so the apply file written from it loads).
func FuzzConvert(f *testing.F) {
	f.Add(configMap("mapRoles", "- rolearn: "+acct+"role/a\n  username: admin-{{SessionName}}\n  groups: [system:masters, dev]\n"))
	f.Add(configMap("mapRoles", "- rolearn: "+acct+"role/n\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:nodes]\n"))
	f.Add(configMap("mapUsers", "- userarn: "+acct+"user/u\n  username: '{{SessionNameRaw}}'\n", "mapAccounts", "- 1\n"))
	f.Add(configMap("mapRoles", "- rolearn: arn:aws:iam::1:role/x\n- &a {rolearn: b}\n- *a\n"))
	f.Fuzz(func(t *testing.T, src string) {
		res, err := Convert("fuzz.yaml", strings.NewReader(src))
		if err != nil {
			return
		}
		for _, e := range res.Entries {
			e.Cluster = "prod"
			if err := e.Validate(); err != nil {
				t.Fatalf("entry %+v: %v", e, err)
			}
		}
		_ = res.Report()
	})
}
