package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// progress draws a one-line progress bar on a terminal while a file is read: the
// share of its bytes read and the cases imported so far. It draws nothing when w is
// not a terminal, so logs and pipes stay clean.
type progress struct {
	w      io.Writer
	total  int64
	read   atomic.Int64
	cases  atomic.Int64
	last   atomic.Int64 // when the bar was last drawn, in Unix nanoseconds
	active bool
}

// newProgress returns a progress bar for total bytes, active only when w is a
// terminal: a character device other than the null device.
func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		fi, err := f.Stat()
		if err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			null, nerr := os.Stat(os.DevNull)
			p.active = total > 0 && (nerr != nil || !os.SameFile(fi, null))
		}
	}
	return p
}

// reader counts the bytes read through r.
func (p *progress) reader(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

type countingReader struct {
	r io.Reader
	p *progress
}

// Read moves the bar as the file is read, so that it moves while a log whose rows
// must be sorted first is read whole before its first case.
func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.read.Add(int64(n))
	c.p.redraw()
	return n, err
}

// tick records one more case.
func (p *progress) tick() {
	p.cases.Add(1)
	p.redraw()
}

// redraw draws the bar, at most ten times a second.
func (p *progress) redraw() {
	if !p.active {
		return
	}
	now, last := time.Now().UnixNano(), p.last.Load()
	if now-last < int64(100*time.Millisecond) || !p.last.CompareAndSwap(last, now) {
		return
	}
	p.draw()
}

func (p *progress) draw() {
	const width = 40
	frac := float64(p.read.Load()) / float64(p.total)
	frac = min(max(frac, 0), 1)
	done := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d cases", strings.Repeat("=", done), strings.Repeat(" ", width-done), 100*frac, p.cases.Load())
}

// finish draws the full bar and ends the line.
func (p *progress) finish() {
	if !p.active {
		return
	}
	p.read.Store(p.total)
	p.draw()
	fmt.Fprintln(p.w)
}
