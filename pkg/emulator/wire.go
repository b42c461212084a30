package emulator

import (
	"strconv"
	"time"
)

// This file holds the JSON documents of the EKS rest-json protocol, written
// by hand from eks-2017-11-01.service-2.json: member names are the model's
// camelCase names, timestamps are epoch seconds, and empty lists and maps are
// sent as [] and {} (EKS never omits them on an access entry).

// epochSeconds is a timestamp on the wire: seconds since the Unix epoch as a
// JSON number with a millisecond fraction, e.g. 1746578565.453.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1e3, 'f', 3, 64), nil
}

type accessEntryJSON struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalARN     string            `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	AccessEntryARN   string            `json:"accessEntryArn"`
	CreatedAt        epochSeconds      `json:"createdAt"`
	ModifiedAt       epochSeconds      `json:"modifiedAt"`
	Tags             map[string]string `json:"tags"`
	Username         string            `json:"username"`
	Type             string            `json:"type"`
}

type accessEntryOutput struct {
	AccessEntry accessEntryJSON `json:"accessEntry"`
}

type createAccessEntryInput struct {
	PrincipalARN     *string           `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	Tags             map[string]string `json:"tags"`
	clientToken
	Username *string `json:"username"`
	Type     *string `json:"type"`
}

type updateAccessEntryInput struct {
	KubernetesGroups []string `json:"kubernetesGroups"`
	clientToken
	Username *string `json:"username"`
}

type listAccessEntriesOutput struct {
	AccessEntries []string `json:"accessEntries"`
	NextToken     string   `json:"nextToken,omitempty"`
}

type accessScopeJSON struct {
	Type       string   `json:"type"`
	Namespaces []string `json:"namespaces"`
}

type associatedAccessPolicyJSON struct {
	PolicyARN    string          `json:"policyArn"`
	AccessScope  accessScopeJSON `json:"accessScope"`
	AssociatedAt epochSeconds    `json:"associatedAt"`
	ModifiedAt   epochSeconds    `json:"modifiedAt"`
}

type associateAccessPolicyInput struct {
	PolicyARN   *string `json:"policyArn"`
	AccessScope *struct {
		Type       *string  `json:"type"`
		Namespaces []string `json:"namespaces"`
	} `json:"accessScope"`
}

type associateAccessPolicyOutput struct {
	ClusterName            string                     `json:"clusterName"`
	PrincipalARN           string                     `json:"principalArn"`
	AssociatedAccessPolicy associatedAccessPolicyJSON `json:"associatedAccessPolicy"`
}

type listAssociatedAccessPoliciesOutput struct {
	ClusterName              string                       `json:"clusterName"`
	PrincipalARN             string                       `json:"principalArn"`
	NextToken                string                       `json:"nextToken,omitempty"`
	AssociatedAccessPolicies []associatedAccessPolicyJSON `json:"associatedAccessPolicies"`
}

type accessPolicyJSON struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

type listAccessPoliciesOutput struct {
	AccessPolicies []accessPolicyJSON `json:"accessPolicies"`
	NextToken      string             `json:"nextToken,omitempty"`
}

type emptyOutput struct{}

type clusterJSON struct {
	Name                    string                      `json:"name"`
	ARN                     string                      `json:"arn"`
	CreatedAt               epochSeconds                `json:"createdAt"`
	Version                 string                      `json:"version"`
	Endpoint                string                      `json:"endpoint"`
	RoleARN                 string                      `json:"roleArn"`
	ResourcesVpcConfig      vpcConfigJSON               `json:"resourcesVpcConfig"`
	KubernetesNetworkConfig kubernetesNetworkConfigJSON `json:"kubernetesNetworkConfig"`
	Logging                 loggingJSON                 `json:"logging"`
	Identity                identityJSON                `json:"identity"`
	Status                  string                      `json:"status"`
	CertificateAuthority    certificateJSON             `json:"certificateAuthority"`
	PlatformVersion         string                      `json:"platformVersion"`
	Tags                    map[string]string           `json:"tags"`
	Health                  healthJSON                  `json:"health"`
	AccessConfig            accessConfigJSON            `json:"accessConfig"`
	UpgradePolicy           upgradePolicyJSON           `json:"upgradePolicy"`
}

type vpcConfigJSON struct {
	SubnetIDs              []string `json:"subnetIds"`
	SecurityGroupIDs       []string `json:"securityGroupIds"`
	ClusterSecurityGroupID string   `json:"clusterSecurityGroupId"`
	VpcID                  string   `json:"vpcId"`
	EndpointPublicAccess   bool     `json:"endpointPublicAccess"`
	EndpointPrivateAccess  bool     `json:"endpointPrivateAccess"`
	PublicAccessCidrs      []string `json:"publicAccessCidrs"`
}

type loggingJSON struct {
	ClusterLogging []logSetupJSON `json:"clusterLogging"`
}

type logSetupJSON struct {
	Types   []string `json:"types"`
	Enabled bool     `json:"enabled"`
}

type identityJSON struct {
	OIDC struct {
		Issuer string `json:"issuer"`
	} `json:"oidc"`
}

type certificateJSON struct {
	Data string `json:"data"`
}

type healthJSON struct {
	Issues []struct{} `json:"issues"`
}

type accessConfigJSON struct {
	BootstrapClusterCreatorAdminPermissions bool   `json:"bootstrapClusterCreatorAdminPermissions"`
	AuthenticationMode                      string `json:"authenticationMode"`
}

type upgradePolicyJSON struct {
	SupportType string `json:"supportType"`
}

type kubernetesNetworkConfigJSON struct {
	ServiceIpv4Cidr string `json:"serviceIpv4Cidr"`
	IPFamily        string `json:"ipFamily"`
}

type describeClusterOutput struct {
	Cluster clusterJSON `json:"cluster"`
}

type listClustersOutput struct {
	Clusters  []string `json:"clusters"`
	NextToken string   `json:"nextToken,omitempty"`
}

type updateClusterConfigInput struct {
	AccessConfig *struct {
		AuthenticationMode *string `json:"authenticationMode"`
	} `json:"accessConfig"`
	clientToken
}

type updateJSON struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Type      string            `json:"type"`
	Params    []updateParamJSON `json:"params"`
	CreatedAt epochSeconds      `json:"createdAt"`
	Errors    []struct{}        `json:"errors"`
}

type updateParamJSON struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type updateOutput struct {
	Update updateJSON `json:"update"`
}

type tagsJSON struct {
	Tags map[string]string `json:"tags"`
}
