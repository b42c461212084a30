package access

import (
	"time"
)

// Entry is an access entry as EKS returns it. The JSON keys are the EKS
// API's (and the AWS CLI's), so `--query accessEntry.accessEntryArn` means
// what it means to `aws eks`. The principal and the type are typed as in a
// request: the principal as EKS has it (UncheckedPrincipalARN), the type
// as EKS names it (a type newer than eksaccess is kept as it is).
type Entry struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalARN     PrincipalARN      `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	AccessEntryARN   string            `json:"accessEntryArn"`
	CreatedAt        time.Time         `json:"createdAt,omitzero"`
	ModifiedAt       time.Time         `json:"modifiedAt,omitzero"`
	Tags             map[string]string `json:"tags"`
	Username         string            `json:"username"`
	Type             EntryType         `json:"type"`

	// Revision changes with every write of the entry: modifiedAt as EKS
	// sent it, to the nanosecond (CreatedAt and ModifiedAt are printed to
	// the second). A read-modify-write compares it to see another writer.
	Revision string `json:"-"`
}

// AssociatedPolicy is an access policy associated with an entry.
type AssociatedPolicy struct {
	PolicyARN    string    `json:"policyArn"`
	AccessScope  Scope     `json:"accessScope"`
	AssociatedAt time.Time `json:"associatedAt,omitzero"`
	ModifiedAt   time.Time `json:"modifiedAt,omitzero"`
}

// Policy is one access policy of the EKS catalog (ListAccessPolicies).
type Policy struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}
