package cmdutil

import (
	"strings"
	"sync"
	"testing"
)

// TestStatusLine: drawn at a terminal, erased around a message and at the
// end (or left, ended, with keep); nothing without a terminal.
func TestStatusLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		keep bool
		want string
	}{
		{"erased", false, "\r\x1b[Kread 1/2\r\x1b[Kwarning: x\n"},
		{"kept", true, "\r\x1b[Kread 1/2\r\x1b[Kwarning: x\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, errOut := TestStreams()
			ios.SetTTY(false, false, true)
			drawn := make(chan struct{})
			var once sync.Once
			l := NewStatusLine(ios, 0, tt.keep, func() string {
				once.Do(func() { close(drawn) })
				return "read 1/2"
			})
			<-drawn // the first redraw is on the screen (or being written)
			l.Pause(func() { errOut.WriteString("warning: x\n") })
			l.Stop()
			l.Stop() // idempotent
			got := errOut.String()
			if !strings.HasPrefix(got, tt.want) {
				t.Fatalf("stderr %q, want it to start %q", got, tt.want)
			}
			rest := got[len(tt.want):]
			switch {
			case tt.keep && !strings.HasSuffix(rest, "read 1/2\n"):
				t.Errorf("kept: stderr ends %q, want the last line ended", rest)
			case !tt.keep && rest != "" && !strings.HasSuffix(rest, "\r\x1b[K"):
				t.Errorf("erased: stderr ends %q, want the line erased", rest)
			}
		})
	}

	ios, _, _, errOut := TestStreams() // not a terminal
	l := NewStatusLine(ios, 0, true, func() string { return "x" })
	l.Stop()
	p := NewProgress(ios, 0, "described", "entries", 3)
	p.Set(2)
	p.Stop()
	tty, _, _, ttyErr := TestStreams()
	tty.SetTTY(false, false, true)
	NewProgress(tty, 0, "described", "entries", 0).Stop() // no work: no line
	if errOut.Len()+ttyErr.Len() != 0 {
		t.Errorf("stderr %q, %q: want nothing", errOut, ttyErr)
	}
}
