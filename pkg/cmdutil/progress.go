package cmdutil

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// StatusLine redraws one line on a terminal's stderr a few times a second,
// once work has taken longer than a while; without a terminal it draws
// nothing. Its text comes from a function, asked at each redraw.
type StatusLine struct {
	ios  *IOStreams
	text func() string
	keep bool // Stop leaves the last line, ended, rather than erasing it

	mu       sync.Mutex
	shown    bool // a line is on the screen
	stopOnce sync.Once
	quit     chan struct{}
	finished chan struct{}
}

// NewStatusLine starts a status line on ios's stderr, drawn once the work
// has taken longer than after. When Stop ends it, keep leaves its last
// text on a line of its own; otherwise the line is erased.
func NewStatusLine(ios *IOStreams, after time.Duration, keep bool, text func() string) *StatusLine {
	return newStatusLine(ios, after, keep, text, ios.IsStderrTTY())
}

// newStatusLine draws nothing unless show.
func newStatusLine(ios *IOStreams, after time.Duration, keep bool, text func() string, show bool) *StatusLine {
	l := &StatusLine{ios: ios, text: text, keep: keep, quit: make(chan struct{}), finished: make(chan struct{})}
	if !show {
		close(l.finished)
		return l
	}
	go func() {
		defer close(l.finished)
		timer := time.NewTimer(after)
		defer timer.Stop()
		select {
		case <-l.quit:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			l.mu.Lock()
			l.draw()
			l.mu.Unlock()
			select {
			case <-l.quit:
				l.mu.Lock()
				defer l.mu.Unlock()
				if l.keep {
					l.draw()
					fmt.Fprintln(l.ios.ErrOut)
					l.shown = false
				}
				l.erase()
				return
			case <-tick.C:
			}
		}
	}()
	return l
}

func (l *StatusLine) draw() {
	fmt.Fprintf(l.ios.ErrOut, "\r\x1b[K%s", l.text())
	l.shown = true
}

func (l *StatusLine) erase() {
	if l.shown {
		fmt.Fprint(l.ios.ErrOut, "\r\x1b[K")
		l.shown = false
	}
}

// Pause erases the line while say prints a message of its own; the next
// redraw puts it back.
func (l *StatusLine) Pause(say func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.erase()
	say()
}

// Stop ends the line (idempotent); it returns once the line is finished,
// so that warnings printed next start on a fresh line.
func (l *StatusLine) Stop() {
	l.stopOnce.Do(func() { close(l.quit) })
	<-l.finished
}

// Progress shows "VERB n/total UNIT" on a terminal's stderr once work has
// taken longer than a while, refreshed a few times a second; without a
// terminal it shows nothing.
type Progress struct {
	done atomic.Int64
	line *StatusLine
}

// NewProgress starts a progress line on ios's stderr for total units of
// work, shown once the work has taken longer than after.
func NewProgress(ios *IOStreams, after time.Duration, verb, unit string, total int) *Progress {
	p := &Progress{}
	p.line = newStatusLine(ios, after, true, func() string {
		return fmt.Sprintf("%s %d/%d %s", verb, p.done.Load(), total, unit)
	}, ios.IsStderrTTY() && total > 0)
	return p
}

// Set records that n units are done.
func (p *Progress) Set(n int) { p.done.Store(int64(n)) }

// Stop ends the line (idempotent); it returns once the line is finished,
// so that warnings printed next start on a fresh line.
func (p *Progress) Stop() { p.line.Stop() }
