package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wordwalls/wordwalls/loadtest"
)

// TestLoadTestPlays runs a small load test against the real game: the
// simulated players join, race for real answers over WebSockets and end
// with every client at its table's last event, nothing lost or doubled.
func TestLoadTestPlays(t *testing.T) {
	g := startGame(t)
	rep, err := loadtest.Run(context.Background(), loadtest.Config{
		API:       g.http,
		Secret:    testSecret,
		Players:   12,
		Tables:    3,
		Rate:      4,
		Duration:  4 * time.Second,
		Questions: 20,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Error(p)
	}
	if rep.Accepted.Count < 20 {
		t.Errorf("%d guesses accepted in 4 s at 3 tables, want at least 20", rep.Accepted.Count)
	}
	if rep.Events.Lost != 0 || rep.Events.Duplicated != 0 || rep.Events.ClientsAtLast != 12 {
		t.Errorf("events: %+v", rep.Events)
	}
}
