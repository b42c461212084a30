package cmdutil

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Progress shows "VERB n/total UNIT" on a terminal's stderr once work has
// taken longer than a while, refreshed a few times a second; without a
// terminal it shows nothing.
type Progress struct {
	done     atomic.Int64
	stopOnce sync.Once
	quit     chan struct{}
	finished chan struct{}
}

// NewProgress starts a progress line on ios's stderr for total units of
// work, shown once the work has taken longer than after.
func NewProgress(ios *IOStreams, after time.Duration, verb, unit string, total int) *Progress {
	p := &Progress{quit: make(chan struct{}), finished: make(chan struct{})}
	if !ios.IsStderrTTY() || total == 0 {
		close(p.finished)
		return p
	}
	go func() {
		defer close(p.finished)
		timer := time.NewTimer(after)
		defer timer.Stop()
		select {
		case <-p.quit:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			fmt.Fprintf(ios.ErrOut, "\r%s %d/%d %s", verb, p.done.Load(), total, unit)
			select {
			case <-p.quit:
				fmt.Fprintf(ios.ErrOut, "\r%s %d/%d %s\n", verb, p.done.Load(), total, unit)
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// Set records that n units are done.
func (p *Progress) Set(n int) { p.done.Store(int64(n)) }

// Stop ends the line (idempotent); it returns once the line is finished,
// so that warnings printed next start on a fresh line.
func (p *Progress) Stop() {
	p.stopOnce.Do(func() { close(p.quit) })
	<-p.finished
}
