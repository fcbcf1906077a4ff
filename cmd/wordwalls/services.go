package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wordwalls/wordwalls/backend"
	"github.com/wordwalls/wordwalls/bridge"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/rooms/worker"
	"github.com/wordwalls/wordwalls/webhook"
)

// natsFlags connect to an external NATS server.
type natsFlags struct {
	url string
}

func (n *natsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.url, "nats-url", nats.DefaultURL, "NATS server URL (comma-separated for a cluster)")
}

func (n *natsFlags) connect(ctx context.Context, name string) (*nats.Conn, error) {
	nc, err := bus.Connect(n.url, name)
	if err != nil {
		return nil, err
	}
	if err := bus.Setup(ctx, nc, bus.Retention{}, 1); err != nil {
		nc.Close()
		return nil, fmt.Errorf("set up streams: %w", err)
	}
	return nc, nil
}

func secretBytes(s string) ([]byte, error) {
	if len(s) < jointoken.MinSecretLen {
		return nil, usageError{fmt.Sprintf("--secret must be at least %d characters (set it or WORDWALLS_SECRET)", jointoken.MinSecretLen)}
	}
	return []byte(s), nil
}

// serveHTTP serves h on addr until ctx ends, then shuts down gracefully,
// calling before first (to close WebSockets, which Shutdown does not).
func serveHTTP(ctx context.Context, log *slog.Logger, ln net.Listener, h http.Handler, before func(context.Context)) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if before != nil {
		before(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", slog.Any("err", err))
	}
	return nil
}

func bridgeCommand() *ffcli.Command {
	fs := flag.NewFlagSet("bridge", flag.ContinueOnError)
	var (
		nf      natsFlags
		lf      logFlags
		addr    = fs.String("addr", ":8081", "address to serve WebSockets and /healthz on")
		secret  = fs.String("secret", "", "join-token HMAC secret shared with the app back end")
		origins = fs.String("origins", "", "comma-separated browser origins allowed to connect; * for any; empty: same host only")
	)
	nf.register(fs)
	lf.register(fs)
	return newCommand("bridge", "[flags]", "serve WebSocket clients against an external NATS", fs,
		func(ctx context.Context, _ []string) error {
			log, err := lf.logger()
			if err != nil {
				return err
			}
			key, err := secretBytes(*secret)
			if err != nil {
				return err
			}
			nc, err := nf.connect(ctx, "wordwalls-bridge")
			if err != nil {
				return err
			}
			defer nc.Drain()
			b, err := bridge.New(ctx, bridge.Config{Conn: nc, Secret: key, AllowedOrigins: splitList(*origins), Logger: log})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", *addr)
			if err != nil {
				return fmt.Errorf("listen: %w", err)
			}
			log.Info("bridge listening", slog.String("addr", ln.Addr().String()))
			return serveHTTP(ctx, log, ln, b.Handler(), b.Shutdown)
		})
}

func roomsCommand() *ffcli.Command {
	fs := flag.NewFlagSet("rooms", flag.ContinueOnError)
	var (
		nf         natsFlags
		lf         logFlags
		backendURL = fs.String("backend-url", "http://127.0.0.1:8080", "app back end base URL (POST {url}/api/questions)")
		secret     = fs.String("secret", "", "bearer secret for the app back end")
		name       = fs.String("name", "rooms", "worker name; keys its checkpoint")
	)
	nf.register(fs)
	lf.register(fs)
	return newCommand("rooms", "[flags]", "run tables against an external NATS and app back end", fs,
		func(ctx context.Context, _ []string) error {
			log, err := lf.logger()
			if err != nil {
				return err
			}
			key, err := secretBytes(*secret)
			if err != nil {
				return err
			}
			nc, err := nf.connect(ctx, "wordwalls-rooms")
			if err != nil {
				return err
			}
			defer nc.Drain()
			client := &backend.Client{URL: *backendURL, Secret: key, HTTP: &http.Client{Timeout: 10 * time.Second}}
			w, err := worker.New(ctx, worker.Config{Conn: nc, Backend: client, Logger: log, Name: *name})
			if err != nil {
				return err
			}
			return w.Run(ctx)
		})
}

func webhookCommand() *ffcli.Command {
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	var (
		nf     natsFlags
		lf     logFlags
		url    = fs.String("url", "http://127.0.0.1:8080/api/results", "where to POST each round result")
		secret = fs.String("secret", "", "bearer secret for the app back end")
	)
	nf.register(fs)
	lf.register(fs)
	return newCommand("webhook", "[flags]", "POST round results to the app back end until acknowledged", fs,
		func(ctx context.Context, _ []string) error {
			log, err := lf.logger()
			if err != nil {
				return err
			}
			key, err := secretBytes(*secret)
			if err != nil {
				return err
			}
			nc, err := nf.connect(ctx, "wordwalls-webhook")
			if err != nil {
				return err
			}
			defer nc.Drain()
			return webhook.Run(ctx, webhook.Config{Conn: nc, URL: *url, Secret: key, Logger: log})
		})
}
