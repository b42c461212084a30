package eksapi

import (
	"context"
	"strings"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Activity counts the requests a client has put on the wire, reads and
// writes apart, so that a command that fails unexpectedly can say whether
// it changed anything. The zero value is ready; it is safe for concurrent
// use.
type Activity struct{ reads, writes atomic.Int64 }

// Writes is the number of requests sent that may change something (create,
// update, delete, associate, disassociate, tag), retries included.
func (a *Activity) Writes() int64 { return a.writes.Load() }

// Sent is the number of requests sent, reads and writes, retries included.
func (a *Activity) Sent() int64 { return a.reads.Load() + a.writes.Load() }

// isWrite reports whether an EKS or STS operation may change something.
func isWrite(op string) bool {
	for _, verb := range []string{"Create", "Update", "Delete", "Associate", "Disassociate", "Tag", "Untag", "Register", "Deregister", "Put"} {
		if strings.HasPrefix(op, verb) {
			return true
		}
	}
	return false
}

// countRequests records each attempt in a as it goes on the wire: it sits
// innermost in the Deserialize step, next to the transport.
func countRequests(a *Activity) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("eksaccessActivity",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				if isWrite(awsmiddleware.GetOperationName(ctx)) {
					a.writes.Add(1)
				} else {
					a.reads.Add(1)
				}
				return next.HandleDeserialize(ctx, in)
			}), middleware.After)
	}
}
