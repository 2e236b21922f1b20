package p

import "context"

type W struct{ events chan int }

func (w *W) loop(ctx context.Context) error {
	for {
		select {
		case ev := <-w.events:
			_ = ev
		}
	}
}

func start(w *W) { go w.loop(nil) }
