package eksapi

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger is where the SDK's own log lines go. By default the SDK writes
// them to stderr, where they break eksaccess's promise of one
// "eksaccess:" line per problem: after Ctrl-C or --timeout it logs
// "failed to discard remaining HTTP response body, this may affect
// connection reuse" for a call it has just been told to give up. So they
// go to --debug's writer, marked as the SDK's, or nowhere.
func sdkLogger(debug io.Writer) logging.Logger {
	if debug == nil {
		return logging.Nop{}
	}
	var mu sync.Mutex
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		msg := strings.TrimSpace(fmt.Sprintf(format, v...))
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(debug, "debug: sdk %s: %s\n", strings.ToLower(string(c)), msg)
	})
}
