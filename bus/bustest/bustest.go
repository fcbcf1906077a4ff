// Package bustest starts an embedded NATS server with the bus's streams
// and buckets set up, for the tests of packages that use them.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
)

// Start runs a server with JetStream in a temporary folder, sets the bus
// up on it and returns a connection; both end with the test.
func Start(tb testing.TB) (*nats.Conn, jetstream.JetStream) {
	tb.Helper()
	ns, err := bus.StartServer(bus.ServerConfig{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(ns.Shutdown)
	nc, err := bus.Connect(ns.ClientURL(), "test")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bus.Setup(ctx, nc, bus.Retention{}, 1); err != nil {
		tb.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	return nc, js
}
