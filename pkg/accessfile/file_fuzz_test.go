package accessfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: Load never panics, and a file it accepts is written by
// Marshal into one that loads again and is written the same way.
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(ownRole + "    kubernetesGroups: &g [a]\n"))
	f.Add([]byte(eksctl + aliasBomb("vpc")))
	f.Add([]byte("{apiVersion: eksaccess/v1, kind: AccessConfig, clusters: [{name: a}], entries: [{principalArn: " + role + ", tags: {a: ''}}]}"))
	f.Add([]byte("{apiVersion: eksaccess/v1, kind: AccessConfig, clusters: [{name: a}], entries: [{principalArn: 'SSO:Admin@111122223333', accessPolicies: [{policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: {type: cluster}}]}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Load("fuzz.yaml", bytes.NewReader(data))
		if err != nil {
			return
		}
		out, err := file.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a loaded file: %v", err)
		}
		back, err := Load("back.yaml", bytes.NewReader(out))
		if err != nil {
			t.Fatalf("Load(Marshal(f)): %v\n%s", err, out)
		}
		again, err := back.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("Marshal not stable:\n%s\nthen\n%s", out, again)
		}
	})
}
