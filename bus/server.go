package bus

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures the embedded NATS server. The zero value listens
// on a random loopback port and keeps JetStream data in a temporary folder
// chosen by the server.
type ServerConfig struct {
	Host    string // default 127.0.0.1
	Port    int    // 0 picks a free port
	DataDir string // JetStream storage
	Name    string // server name; default "wordwalls"
}

// StartServer starts an embedded NATS server with JetStream and waits until
// it takes connections.
func StartServer(cfg ServerConfig) (*server.Server, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if cfg.Name == "" {
		cfg.Name = "wordwalls"
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: cfg.Name,
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.DataDir,
		NoSigs:     true,
		MaxPayload: 2 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(15 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("nats server not ready")
	}
	return ns, nil
}

// Connect opens a NATS connection that keeps reconnecting.
func Connect(url, name string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(8 << 20),
	}, opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats at %s: %w", url, err)
	}
	return nc, nil
}
