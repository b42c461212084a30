package access

import "testing"

func TestSuggestPolicy(t *testing.T) {
	t.Parallel()
	catalog := []string{
		"AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSClusterInsightsPolicy",
		"AmazonEKSEditPolicy", "AmazonEKSViewPolicy", "AmazonEMRJobPolicy", "AmazonEKSACKPolicy", "AmazonEKSKROPolicy",
	}
	cases := []struct{ name, want string }{
		{"amazoneksviewpolicy", "AmazonEKSViewPolicy"},            // case
		{"View", "AmazonEKSViewPolicy"},                           // short form
		{"viewpolicy", "AmazonEKSViewPolicy"},                     // short form with the suffix
		{"ClusterAdmin", "AmazonEKSClusterAdminPolicy"},           // short form
		{"AmazonEKSViewPolicyy", "AmazonEKSViewPolicy"},           // one edit
		{"AmazonEKSVeiwPolicy", "AmazonEKSViewPolicy"},            // swapped letters
		{"AmazonEKSEditPolcy", "AmazonEKSEditPolicy"},             // a letter missing
		{"Veiw", "AmazonEKSViewPolicy"},                           // a typo in the short form
		{"AmazonEMRJobPolicyy", "AmazonEMRJobPolicy"},             // not an AmazonEKS name
		{"AmazonEKSAdminVie", "AmazonEKSAdminViewPolicy"},         // short of a letter
		{"AmazonEKSCluster", "AmazonEKSClusterAdminPolicy"},       // prefix: the shortest
		{"AmazonEKSClusterIns", "AmazonEKSClusterInsightsPolicy"}, // prefix
		{"AmazonEKS", ""},                 // begins every name
		{"NoSuchThing", ""},               // nothing close
		{"AmazonEKSNetworkingPolicy", ""}, // not in this catalog, nothing close
	}
	for _, tc := range cases {
		if got := SuggestPolicy(tc.name, catalog); got != tc.want {
			t.Errorf("SuggestPolicy(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"view", "view", 0},
		{"view", "veiw", 1}, // a swap is one edit
		{"view", "vew", 1},
		{"view", "views", 1},
		{"view", "edit", 4},
		{"kitten", "sitting", 3},
	}
	for _, tc := range cases {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := EditDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}
