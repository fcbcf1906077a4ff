package bus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// TestNATSConf starts a server from the repository's nats.conf (storage
// and ports moved aside) and sets the streams up on it.
func TestNATSConf(t *testing.T) {
	data, err := os.ReadFile("../nats.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		`"./data/nats"`, `"`+filepath.Join(t.TempDir(), "js")+`"`,
		"127.0.0.1:4222", "127.0.0.1:-1",
		"127.0.0.1:8222", "127.0.0.1:-1",
	).Replace(string(data))
	path := filepath.Join(t.TempDir(), "nats.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("nats.conf: %v", err)
	}
	opts.NoSigs = true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("server from nats.conf not ready")
	}
	if !ns.JetStreamEnabled() {
		t.Fatal("nats.conf does not enable JetStream")
	}
	nc, err := Connect(ns.ClientURL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := Setup(context.Background(), nc, Retention{}, 1); err != nil {
		t.Fatalf("setup on nats.conf server: %v", err)
	}
}
