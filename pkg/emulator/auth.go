package emulator

import (
	"cmp"
	"net/http"
	"strings"
)

// Magic access key ids: a request signed with one of them fails the way a
// real endpoint fails for that credential problem.
const (
	keyExpired = "EXPIRED" // 403 ExpiredTokenException
	keyDenied  = "DENIED"  // 403 AccessDeniedException (EKS and IAM operations; STS answers)
	keyUnknown = "UNKNOWN" // 403 UnrecognizedClientException
)

// credential is the part of a SigV4 credential scope the emulator reads:
// AKID/20250101/us-west-2/eks/aws4_request.
type credential struct {
	accessKey string
	region    string
	service   string
}

// parseCredential finds the SigV4 credential in the Authorization header, or
// in X-Amz-Credential for presigned URLs. Signatures are not verified.
func parseCredential(r *http.Request) (credential, *apiError) {
	scope := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, params, _ := strings.Cut(h, " ")
		if scheme != "AWS4-HMAC-SHA256" && scheme != "AWS4-ECDSA-P256-SHA256" {
			return credential{}, newError(http.StatusForbidden, "IncompleteSignatureException",
				"Authorization header requires the AWS4-HMAC-SHA256 scheme, got %q.", scheme)
		}
		scope = ""
		for p := range strings.SplitSeq(params, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "Credential="); ok {
				scope = v
			}
		}
		if scope == "" {
			return credential{}, newError(http.StatusForbidden, "IncompleteSignatureException",
				"Authorization header requires 'Credential' parameter.")
		}
	}
	if scope == "" {
		return credential{}, newError(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	parts := strings.Split(scope, "/")
	switch len(parts) {
	case 5: // SigV4: key/date/region/service/aws4_request
		return credential{accessKey: parts[0], region: parts[2], service: parts[3]}, nil
	case 4: // SigV4a: key/date/service/aws4_request; regions in X-Amz-Region-Set
		region, _, _ := strings.Cut(r.Header.Get("X-Amz-Region-Set"), ",")
		return credential{accessKey: parts[0], region: strings.TrimSpace(region), service: parts[2]}, nil
	}
	return credential{}, newError(http.StatusForbidden, "IncompleteSignatureException",
		"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", scope)
}

// authenticate checks the call's credential and fills in its region.
func (s *Server) authenticate(c *call) error {
	cred, err := parseCredential(c.req)
	if err != nil {
		return err
	}
	service := cmp.Or(c.service, "eks")
	if c.op != "" && cred.service != service { // unknown routes have no service to check
		return newError(http.StatusForbidden, "InvalidSignatureException",
			"Credential should be scoped to correct service: '%s'.", service)
	}
	c.region = cmp.Or(s.opts.Region, cred.region, "us-east-1")
	c.partition = partitionOf(c.region)
	c.regionState = s.regions[cmp.Or(cred.region, "us-east-1")]

	switch cred.accessKey {
	case keyExpired:
		return newError(http.StatusForbidden, "ExpiredTokenException", "The security token included in the request is expired")
	case keyUnknown:
		return newError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	case keyDenied:
		// GetCallerIdentity needs no permission: it works even for a
		// principal that is denied everything else.
		switch {
		case c.service == "iam":
			return s.iamDenied(c)
		case c.op != "" && c.op != "GetCallerIdentity":
			return newError(http.StatusForbidden, "AccessDeniedException",
				"User: %s is not authorized to perform: eks:%s on resource: %s", s.caller, c.op, s.resourceOf(c))
		}
	}
	if err := s.regionAuth(c); err != nil {
		return err
	}
	if c.service == "iam" && s.iam.denied {
		return s.iamDenied(c)
	}
	return nil
}

// resourceOf is the resource an IAM policy would be evaluated against for
// the call, as named in AccessDeniedException messages.
func (s *Server) resourceOf(c *call) string {
	switch {
	case c.req.PathValue("resourceArn") != "":
		return c.req.PathValue("resourceArn")
	case c.req.PathValue("name") != "":
		return s.clusterARN(c, c.req.PathValue("name"))
	case c.op == "ListClusters":
		return s.clusterARN(c, "*")
	}
	return "*"
}

// partitionOf maps a region to its AWS partition.
func partitionOf(region string) string {
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"},
		{"us-gov-", "aws-us-gov"},
		{"us-isob-", "aws-iso-b"},
		{"us-isof-", "aws-iso-f"},
		{"us-iso-", "aws-iso"},
		{"eu-isoe-", "aws-iso-e"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
