// Package watcher is goleash's example: two goroutines that can never stop, and one that can.
// Run `npx goleash lint ./examples/...` to see them reported.
package watcher

import (
	"context"
	"log"
	"time"
)

type Event struct{ Path string }

type Watcher struct {
	events chan Event
	flush  *time.Ticker
}

func New() *Watcher {
	w := &Watcher{events: make(chan Event), flush: time.NewTicker(time.Second)}
	go w.loop()
	go w.report()
	return w
}

// loop has no way out: the break only leaves the select.
func (w *Watcher) loop() {
	for {
		select {
		case ev := <-w.events:
			if ev.Path == "" {
				break
			}
			log.Println("changed:", ev.Path)
		case <-w.flush.C:
			log.Println("flush")
		}
	}
}

// report ranges over a ticker: Stop never closes C, so the range never ends.
func (w *Watcher) report() {
	for now := range w.flush.C {
		log.Println("tick", now)
	}
}

// Run is the fixed shape: it returns when its context is done.
func (w *Watcher) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-w.events:
			log.Println("changed:", ev.Path)
		}
	}
}
