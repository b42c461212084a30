package access_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
)

func TestCatalog(t *testing.T) {
	t.Parallel()
	if _, err := time.Parse(time.DateOnly, access.CatalogDate); err != nil {
		t.Errorf("CatalogDate %q: %v", access.CatalogDate, err)
	}
	aws, cn := access.Catalog(""), access.Catalog("aws-cn")
	if len(aws) < 30 || len(aws) != len(cn) {
		t.Fatalf("%d and %d policies", len(aws), len(cn))
	}
	if !slices.IsSortedFunc(aws, func(a, b access.Policy) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("not sorted by name")
	}
	for i, p := range aws {
		if i > 0 && aws[i-1].Name == p.Name {
			t.Errorf("%s twice", p.Name)
		}
		// every name reads back as an access policy, whose ARN is Catalog's
		ref, err := access.ParsePolicyRef(p.Name)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if ref.ARN("") != p.ARN || ref.ARN("aws-cn") != cn[i].ARN || cn[i].Name != p.Name {
			t.Errorf("%s: ARNs %s, %s", p.Name, p.ARN, cn[i].ARN)
		}
	}
	for _, name := range []string{"AmazonEKSClusterAdminPolicy", "AmazonEKSViewPolicy", "AmazonEKSAutoNodePolicy", "AmazonEKSSecretReaderPolicy"} {
		if !slices.ContainsFunc(aws, func(p access.Policy) bool { return p.Name == name }) {
			t.Errorf("%s is missing", name)
		}
	}
}

func TestPolicyRefCheckAssociable(t *testing.T) {
	t.Parallel()
	reserved := []string{
		"AmazonEKSBlockStoragePolicy", "AmazonEKSBlockStorageClusterPolicy",
		"AmazonEKSComputePolicy", "AmazonEKSComputeClusterPolicy",
		"AmazonEKSHybridPolicy", "AmazonEKSClusterInsightsPolicy",
	}
	for _, p := range access.Catalog("") {
		for _, s := range []string{p.Name, p.ARN} {
			ref, err := access.ParsePolicyRef(s)
			if err != nil {
				t.Fatal(err)
			}
			err = ref.CheckAssociable()
			if slices.Contains(reserved, p.Name) {
				checkError(t, err, want{"access policy " + p.Name + " is reserved for AWS service-linked roles", "EKS associates it itself"})
			} else if err != nil {
				t.Errorf("%s: %v", s, err)
			}
		}
	}
	// a name eksaccess does not know is EKS's to judge
	if err := mustPolicy(t, "AmazonEKSBrandNewPolicy").CheckAssociable(); err != nil {
		t.Error(err)
	}
}

// TestPolicyRefCheckSpelling: a short name close to a catalog name is a
// typo, refused offline with the name meant; every catalog name, a name
// close to none (perhaps newer than the catalog) and any full ARN pass.
func TestPolicyRefCheckSpelling(t *testing.T) {
	t.Parallel()
	for _, p := range access.Catalog("") {
		if err := mustPolicy(t, p.Name).CheckSpelling(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	cases := []struct {
		name string
		want *want
	}{
		{"AmazonEKSAdminVewPolicy", &want{`unknown access policy "AmazonEKSAdminVewPolicy"`, "did you mean AmazonEKSAdminViewPolicy?"}},
		{"AmazonEKSViewPolcy", &want{`unknown access policy "AmazonEKSViewPolcy"`, "did you mean AmazonEKSViewPolicy?"}},
		{"View", &want{`unknown access policy "View"`, "did you mean AmazonEKSViewPolicy?"}},
		{"amazoneksclusteradminpolicy", &want{`unknown access policy`, "did you mean AmazonEKSClusterAdminPolicy?"}},
		{"AmazonEKSBrandNewThingPolicy", nil},
		{"arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminVewPolicy", nil},
	}
	for _, tc := range cases {
		err := mustPolicy(t, tc.name).CheckSpelling()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		checkError(t, err, *tc.want)
	}
}
