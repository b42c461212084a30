package emulator

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
)

// apiError is an error answered on the wire: an HTTP status, the AWS error
// code sent in X-Amzn-Errortype and the human message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &apiError{status: status, code: code, message: msg}
}

// exception is an AWS error code with the HTTP status it is sent with.
type exception struct {
	status int
	code   string
}

// err makes an error of the exception with a message (a format, when args
// are given).
func (x exception) err(format string, args ...any) *apiError {
	return newError(x.status, x.code, format, args...)
}

// The EKS exceptions used by the emulator (reference §3.2); badRequest and
// tagNotFound are the tag operations' own exception names.
var (
	invalidParameter = exception{http.StatusBadRequest, "InvalidParameterException"}.err
	invalidRequest   = exception{http.StatusBadRequest, "InvalidRequestException"}.err
	resourceNotFound = exception{http.StatusNotFound, "ResourceNotFoundException"}.err
	resourceInUse    = exception{http.StatusConflict, "ResourceInUseException"}.err
	badRequest       = exception{http.StatusBadRequest, "BadRequestException"}.err
	tagNotFound      = exception{http.StatusNotFound, "NotFoundException"}.err
	serialization    = exception{http.StatusBadRequest, "SerializationException"}.err
)

func tooManyRequests() *apiError {
	return newError(http.StatusTooManyRequests, "TooManyRequestsException", "Too Many Requests")
}

func serverError() *apiError {
	return newError(http.StatusInternalServerError, "ServerException", "An internal error occurred. Please try again.")
}

// modeledMembers lists, per exception, the members besides "message" that the
// service model declares. They are sent as JSON null, like moto does, so that
// clients exercise the same decoding path as against EKS.
var modeledMembers = map[string][]string{
	"InvalidParameterException":      {"clusterName", "nodegroupName", "fargateProfileName", "addonName", "subscriptionId"},
	"InvalidRequestException":        {"clusterName", "nodegroupName", "addonName", "subscriptionId"},
	"ResourceLimitExceededException": {"clusterName", "nodegroupName", "subscriptionId"},
	"ClientException":                {"clusterName", "nodegroupName", "addonName", "subscriptionId"},
	"ResourceNotFoundException":      {"clusterName", "nodegroupName", "fargateProfileName", "addonName", "subscriptionId"},
	"ResourceInUseException":         {"clusterName", "nodegroupName", "addonName"},
	"ThrottlingException":            {"clusterName"},
	"ServerException":                {"clusterName", "nodegroupName", "addonName", "subscriptionId"},
}

// restJSONBody renders the error body of the rest-json protocol:
// {"message": "...", <modeled members>: null}.
func (e *apiError) restJSONBody() []byte {
	var b bytes.Buffer
	b.WriteString(`{"message":`)
	b.Write(marshal(e.message))
	for _, m := range modeledMembers[e.code] {
		fmt.Fprintf(&b, `,%q:null`, m)
	}
	b.WriteString("}")
	return b.Bytes()
}

// queryError maps the rest-json codes the emulator raises to the code and
// status the awsQuery protocol (STS) uses for the same condition.
var queryError = map[string]struct {
	code   string
	status int
}{
	"MissingAuthenticationTokenException": {"MissingAuthenticationToken", http.StatusForbidden},
	"IncompleteSignatureException":        {"IncompleteSignature", http.StatusBadRequest},
	"InvalidSignatureException":           {"SignatureDoesNotMatch", http.StatusForbidden},
	"ExpiredTokenException":               {"ExpiredToken", http.StatusForbidden},
	"UnrecognizedClientException":         {"InvalidClientTokenId", http.StatusForbidden},
	"AccessDeniedException":               {"AccessDenied", http.StatusForbidden},
	"TooManyRequestsException":            {"Throttling", http.StatusBadRequest},
	"ServerException":                     {"InternalFailure", http.StatusInternalServerError},
	"SerializationException":              {"MalformedQueryString", http.StatusBadRequest},
}

// queryBody renders the awsQuery error document of service ("iam", else
// STS), with the status to send.
func (e *apiError) queryBody(requestID, service string) (int, []byte) {
	status, code := e.status, e.code
	if q, ok := queryError[code]; ok {
		status, code = q.status, q.code
	}
	kind := "Sender"
	if status >= 500 {
		kind = "Receiver"
	}
	namespace := "https://sts.amazonaws.com/doc/2011-06-15/"
	if service == "iam" {
		namespace = iamNamespace
	}
	doc := struct {
		XMLName   xml.Name
		Type      string `xml:"Error>Type"`
		Code      string `xml:"Error>Code"`
		Message   string `xml:"Error>Message"`
		RequestID string `xml:"RequestId"`
	}{XMLName: xml.Name{Space: namespace, Local: "ErrorResponse"}, Type: kind, Code: code, Message: e.message, RequestID: requestID}
	return status, marshalXML(doc)
}

// marshal encodes v as compact JSON without HTML escaping. The values passed
// are the emulator's own wire structs, which always encode.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("emulator: encoding %T: %v", v, err))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func marshalXML(v any) []byte {
	b, err := xml.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("emulator: encoding %T: %v", v, err))
	}
	return append([]byte(xml.Header), b...)
}
