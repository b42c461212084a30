package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Cluster operations (reference §2.11-2.13, §4.10).

// cluster returns the cluster the call's {name} names; subject is how a
// bad name is called in the error (subjectName for DescribeCluster-style
// calls, subjectClusterName for access-entry ones).
func (s *Server) cluster(c *call, subject string) (*cluster, error) {
	name := c.req.PathValue("name")
	if err := validateClusterName(subject, name); err != nil {
		return nil, err
	}
	cl, ok := s.clusterNamed(c, name)
	if !ok {
		return nil, resourceNotFound("No cluster found for name: %s.", name)
	}
	return cl, nil
}

func (s *Server) describeCluster(c *call) (any, error) {
	return describeClusterOutput{Cluster: s.clusterJSON(c, c.cluster)}, nil
}

// clusterJSON describes a cluster. Only name, arn, createdAt, status, tags
// and accessConfig are state; the rest is plausible, stable filler derived
// from the cluster name.
func (s *Server) clusterJSON(c *call, cl *cluster) clusterJSON {
	id := fakeHex(s.opts.Account+"/"+cl.name, 32)
	dns := "amazonaws.com"
	if c.partition == "aws-cn" {
		dns = "amazonaws.com.cn"
	}
	out := clusterJSON{
		Name:      cl.name,
		ARN:       s.clusterARN(c, cl.name),
		CreatedAt: epochSeconds(cl.created),
		Version:   "1.33",
		Endpoint:  "https://" + id + ".gr7." + c.region + ".eks." + dns,
		RoleARN:   "arn:" + c.partition + ":iam::" + s.opts.Account + ":role/eks-cluster-role",
		ResourcesVpcConfig: vpcConfigJSON{
			SubnetIDs:              []string{"subnet-" + fakeHex(cl.name+"/a", 17), "subnet-" + fakeHex(cl.name+"/b", 17)},
			SecurityGroupIDs:       []string{},
			ClusterSecurityGroupID: "sg-" + fakeHex(cl.name+"/sg", 17),
			VpcID:                  "vpc-" + fakeHex(cl.name+"/vpc", 17),
			EndpointPublicAccess:   true,
			PublicAccessCidrs:      []string{"0.0.0.0/0"},
		},
		KubernetesNetworkConfig: kubernetesNetworkConfigJSON{ServiceIpv4Cidr: "10.100.0.0/16", IPFamily: "ipv4"},
		Logging: loggingJSON{ClusterLogging: []logSetupJSON{{
			Types: []string{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		}}},
		Status:               "ACTIVE",
		CertificateAuthority: certificateJSON{Data: base64.StdEncoding.EncodeToString([]byte("eks-emulator: no certificate for " + cl.name + "\n"))},
		PlatformVersion:      "eks.10",
		Tags:                 maps.Clone(cl.tags),
		Health:               healthJSON{Issues: []struct{}{}},
		AccessConfig: accessConfigJSON{
			BootstrapClusterCreatorAdminPermissions: true,
			AuthenticationMode:                      cl.authMode,
		},
		UpgradePolicy: upgradePolicyJSON{SupportType: "STANDARD"},
	}
	out.Identity.OIDC.Issuer = "https://oidc.eks." + c.region + "." + dns + "/id/" + id
	return out
}

// fakeHex is a stable upper-case hex string of length n derived from seed.
func fakeHex(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return strings.ToUpper(hex.EncodeToString(sum[:]))[:n]
}

func (s *Server) listClusters(c *call) (any, error) {
	names := s.clusterNames(c)
	page, next, err := paginate(c, "ListClusters", names, func(n string) string { return n })
	if err != nil {
		return nil, err
	}
	return listClustersOutput{Clusters: nonNil(page), NextToken: next}, nil
}

// updateClusterConfig supports accessConfig updates only. Modes move one
// step at a time toward API and never back; the new mode applies at once,
// while the response looks asynchronous ("InProgress") as EKS's does.
func (s *Server) updateClusterConfig(c *call) (any, error) {
	var members map[string]json.RawMessage
	if err := c.decode(&members); err != nil {
		return nil, err
	}
	var in updateClusterConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var others []string
	for m := range members {
		if m != "accessConfig" && m != "clientRequestToken" {
			others = append(others, m)
		}
	}
	switch {
	case len(others) > 0 && in.AccessConfig != nil:
		return nil, invalidParameter("Only one type of update can be allowed.") // observed
	case len(others) > 0:
		slices.Sort(others)
		return nil, invalidParameter("eks-emulator implements only accessConfig updates, not %s.", strings.Join(others, ", "))
	case in.AccessConfig == nil || in.AccessConfig.AuthenticationMode == nil:
		return nil, invalidParameter("The update must specify accessConfig.authenticationMode.")
	}
	return s.idempotent(c, &in, func() (any, error) { return s.setAuthMode(c.cluster, *in.AccessConfig.AuthenticationMode) })
}

// setAuthMode moves the cluster's authentication mode to "to", if EKS allows
// it, and answers the update.
func (s *Server) setAuthMode(cl *cluster, to string) (any, error) {
	from := cl.authMode
	switch {
	case !validAuthMode(to):
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'accessConfig.authenticationMode' failed to satisfy constraint: Member must satisfy enum value set: [API, API_AND_CONFIG_MAP, CONFIG_MAP]", to)
	case to == from:
		return nil, invalidParameter("Cluster is already at the desired configuration with authenticationMode: %s", to)
	case modeRank[to] < modeRank[from], // observed: no way back
		from == modeConfigMap && to == modeAPI && !s.opts.AllowDirectAPIMode: // observed: one step at a time
		return nil, invalidParameter("Unsupported authentication mode update from %s to %s", from, to)
	}

	cl.authMode = to
	u := updateJSON{
		ID:        s.uuid(),
		Status:    "InProgress",
		Type:      "AccessConfigUpdate",
		Params:    []updateParamJSON{{Type: "AuthenticationMode", Value: strconv.Quote(to)}},
		CreatedAt: epochSeconds(s.now()),
		Errors:    []struct{}{},
	}
	cl.updates[u.ID] = u
	return updateOutput{Update: u}, nil
}

// describeUpdate reports an UpdateClusterConfig update; as the emulator
// applies updates at once, it has always succeeded.
func (s *Server) describeUpdate(c *call) (any, error) {
	u, ok := c.cluster.updates[c.req.PathValue("updateId")]
	if !ok {
		return nil, resourceNotFound("No update found for ID: %s.", c.req.PathValue("updateId"))
	}
	u.Status = "Successful"
	return updateOutput{Update: u}, nil
}
