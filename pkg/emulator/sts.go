package emulator

import (
	"cmp"
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// STS GetCallerIdentity over the awsQuery protocol, as botocore and
// aws-sdk-go-v2 send it: POST / with the form body
// Action=GetCallerIdentity&Version=2011-06-15, answered in XML. Presigned
// GET /?Action=GetCallerIdentity&... URLs are answered too.

// queryForm returns the awsQuery parameters of a request: the URL query plus
// a form-encoded body.
func queryForm(r *http.Request, body []byte) url.Values {
	form := cloneValues(r.URL.Query())
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && (ct == "application/x-www-form-urlencoded" || ct == "") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range v {
				form[k] = append(form[k], vs...)
			}
		}
	}
	return form
}

var unknownQueryAction = operation{query: true, handle: func(c *call) (any, error) {
	return nil, newError(http.StatusBadRequest, "InvalidAction",
		"Could not find operation %s for version %s", c.form.Get("Action"), c.form.Get("Version"))
}}

func (s *Server) getCallerIdentity(c *call) (any, error) {
	arn := s.caller
	account := s.opts.Account
	if f := strings.SplitN(arn, ":", 6); len(f) == 6 && f[4] != "" {
		account = f[4]
	}
	doc := struct {
		XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
		Arn       string   `xml:"GetCallerIdentityResult>Arn"`
		UserID    string   `xml:"GetCallerIdentityResult>UserId"`
		Account   string   `xml:"GetCallerIdentityResult>Account"`
		RequestID string   `xml:"ResponseMetadata>RequestId"`
	}{Arn: arn, UserID: cmp.Or(s.callerID(arn), userID(arn, account)), Account: account, RequestID: c.requestID}
	return marshalXML(doc), nil
}

// userID makes the unique id IAM would report for arn: AIDA... for users,
// AROA... for roles and AROA...:<session> for their sessions, the account id
// for root. The ids are stable: derived from the account and name.
func userID(arn, account string) string {
	resource := arn
	if f := strings.SplitN(arn, ":", 6); len(f) == 6 {
		resource = f[5]
	}
	kind, rest, _ := strings.Cut(resource, "/")
	name := rest[strings.LastIndex(rest, "/")+1:]
	switch kind {
	case "root":
		return account
	case "federated-user":
		return account + ":" + rest
	case "assumed-role":
		role, session, _ := strings.Cut(rest, "/")
		return "AROA" + uniqueID(account, role) + ":" + session
	case "role":
		return "AROA" + uniqueID(account, name)
	}
	return "AIDA" + uniqueID(account, name)
}

func uniqueID(account, name string) string {
	sum := sha256.Sum256([]byte(account + "/" + name))
	return base32.StdEncoding.EncodeToString(sum[:])[:17]
}
