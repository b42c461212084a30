package cli

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// progressLine shows "VERB n/total UNIT" on a terminal's stderr once work has
// taken longer than progressAfter, refreshed a few times a second; without
// a terminal it shows nothing.
type progressLine struct {
	done     atomic.Int64
	stopOnce sync.Once
	quit     chan struct{}
	finished chan struct{}
}

// progress starts a progress line for total units of work.
func (d *Deps) progress(verb, unit string, total int) *progressLine {
	p := &progressLine{quit: make(chan struct{}), finished: make(chan struct{})}
	if !d.IO.IsStderrTTY() || total == 0 {
		close(p.finished)
		return p
	}
	go func() {
		defer close(p.finished)
		timer := time.NewTimer(progressAfter)
		defer timer.Stop()
		select {
		case <-p.quit:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			fmt.Fprintf(d.IO.ErrOut, "\r%s %d/%d %s", verb, p.done.Load(), total, unit)
			select {
			case <-p.quit:
				fmt.Fprintf(d.IO.ErrOut, "\r%s %d/%d %s\n", verb, p.done.Load(), total, unit)
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// set records that n units are done.
func (p *progressLine) set(n int) { p.done.Store(int64(n)) }

// stop ends the line (idempotent); it returns once the line is finished,
// so that warnings printed next start on a fresh line.
func (p *progressLine) stop() {
	p.stopOnce.Do(func() { close(p.quit) })
	<-p.finished
}
