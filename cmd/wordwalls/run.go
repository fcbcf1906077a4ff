package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/peterbourgon/ff/v3/ffcli"
	"golang.org/x/sync/errgroup"

	"github.com/wordwalls/wordwalls/backend"
	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/bridge"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/rooms/worker"
	"github.com/wordwalls/wordwalls/schemas"
	"github.com/wordwalls/wordwalls/webhook"
	"github.com/wordwalls/wordwalls/webui"
)

func runCommand() *ffcli.Command {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var (
		lf        logFlags
		addr      = fs.String("addr", "127.0.0.1:8080", "address to serve the game (API, WebSockets, /healthz) on")
		natsAddr  = fs.String("nats-addr", "127.0.0.1:4222", "address the embedded NATS server listens on, for replay and other tools; empty: in-process only")
		dataDir   = fs.String("data-dir", "data", "folder for JetStream storage and the generated secret")
		secret    = fs.String("secret", "", "join-token secret; empty: generated once and kept in the data folder")
		lexicons  = fs.String("lexicons", "", "folder whose NAME.txt files become lexicon NAME, besides the built-in ENABLE")
		origins   = fs.String("origins", "", "comma-separated browser origins allowed to connect; * for any; empty: same host only")
		publicURL = fs.String("public-url", "", "base URL players reach the game at; default http://ADDR")
		debugAddr = fs.String("debug-addr", "", "address to serve Go profiles (/debug/pprof/) on; empty: off")
		snapEvery = fs.Duration("snapshot-after", time.Second, "how long a changed table may go unsaved; longer saves work, shorter shortens recovery")
	)
	lf.register(fs)
	return newCommand("run", "[flags]", "run the whole game in one process with embedded NATS", fs,
		func(ctx context.Context, _ []string) error {
			log, err := lf.logger()
			if err != nil {
				return err
			}
			return runAll(ctx, log, allConfig{
				addr: *addr, natsAddr: *natsAddr, dataDir: *dataDir, secret: *secret,
				lexicons: *lexicons, origins: splitList(*origins), publicURL: *publicURL, debugAddr: *debugAddr, snapshotAfter: *snapEvery,
			})
		})
}

type allConfig struct {
	addr, natsAddr, dataDir, secret, lexicons, publicURL, debugAddr string
	origins                                                         []string
	ready                                                           func(httpAddr, natsURL string) // called once serving; for tests
	snapshotAfter                                                   time.Duration
	noWorker                                                        bool // rooms run elsewhere; for tests
	replayEvents                                                    int  // bridge.Config.ReplayEvents
}

// runAll wires the embedded NATS server, the built-in back end, a rooms
// worker, the webhook worker and a bridge into one process.
func runAll(ctx context.Context, log *slog.Logger, cfg allConfig) error {
	if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	key, err := loadSecret(cfg.dataDir, cfg.secret)
	if err != nil {
		return err
	}

	scfg := bus.ServerConfig{DataDir: filepath.Join(cfg.dataDir, "nats"), Port: -1}
	if cfg.natsAddr != "" {
		host, port, err := splitHostPort(cfg.natsAddr)
		if err != nil {
			return usageError{fmt.Sprintf("--nats-addr %q: %v", cfg.natsAddr, err)}
		}
		scfg.Host, scfg.Port = host, port
	}
	ns, err := bus.StartServer(scfg)
	if err != nil {
		return err
	}
	defer ns.Shutdown()
	nc, err := bus.Connect(ns.ClientURL(), "wordwalls", nats.InProcessServer(ns))
	if err != nil {
		return err
	}
	defer nc.Close()
	if err := bus.Setup(ctx, nc, bus.Retention{}, 1); err != nil {
		return fmt.Errorf("set up streams: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}

	tables, err := js.KeyValue(ctx, bus.TableBucket)
	if err != nil {
		return fmt.Errorf("kv bucket %s: %w", bus.TableBucket, err)
	}
	lexs, err := loadLexicons(cfg.lexicons)
	if err != nil {
		return err
	}
	store, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bus.BackendBucket, Description: "built-in back end tables", History: 1})
	if err != nil {
		return fmt.Errorf("kv bucket %s: %w", bus.BackendBucket, err)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	httpAddr := ln.Addr().String()
	if cfg.publicURL == "" {
		cfg.publicURL = "http://" + httpAddr
	}
	be, err := backend.New(ctx, backend.Config{
		Lexicons:  lexs,
		Secret:    key,
		Store:     store,
		PublicURL: strings.TrimSuffix(cfg.publicURL, "/"),
		Logger:    log,
		Open: func(ctx context.Context, in schemas.Input) error {
			return openTable(ctx, js, in)
		},
		Live: func(ctx context.Context, table string) (backend.Live, bool, error) {
			return liveTable(ctx, tables, table)
		},
	})
	if err != nil {
		return err
	}
	w, err := worker.New(ctx, worker.Config{Conn: nc, Backend: be, Logger: log, SnapshotAfter: cfg.snapshotAfter})
	if err != nil {
		return err
	}
	br, err := bridge.New(ctx, bridge.Config{
		Conn: nc, Secret: key, AllowedOrigins: cfg.origins, Logger: log, ReplayEvents: cfg.replayEvents,
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/api/", be.Handler())
	mux.Handle("/ws/", br.Handler())
	mux.Handle("/healthz", br.Handler())
	mux.Handle("/", webui.Handler(webui.App))

	g, gctx := errgroup.WithContext(ctx)
	if cfg.debugAddr != "" {
		dln, err := net.Listen("tcp", cfg.debugAddr)
		if err != nil {
			return fmt.Errorf("listen for profiles: %w", err)
		}
		g.Go(func() error { return serveHTTP(gctx, log, dln, debugHandler(), nil) })
	}
	if !cfg.noWorker {
		g.Go(func() error { return w.Run(gctx) })
	}
	g.Go(func() error {
		return webhook.Run(gctx, webhook.Config{Conn: nc, URL: "http://" + httpAddr + "/api/results", Secret: key, Logger: log})
	})
	g.Go(func() error { return serveHTTP(gctx, log, ln, mux, br.Shutdown) })

	natsURL := "in-process only"
	if cfg.natsAddr != "" {
		natsURL = ns.ClientURL()
	}
	log.Info("wordwalls is running", slog.String("url", cfg.publicURL), slog.String("nats", natsURL), slog.String("data", cfg.dataDir))
	if webui.App != nil {
		fmt.Fprintf(os.Stderr, "\n  wordwalls is running: open %s in a browser to play  (NATS: %s)\n\n", cfg.publicURL, natsURL)
	} else {
		fmt.Fprintf(os.Stderr, "\n  wordwalls is running at %s, without the table page (make build adds it)  (NATS: %s)\n\n",
			cfg.publicURL, natsURL)
	}
	if cfg.ready != nil {
		cfg.ready(httpAddr, ns.ClientURL())
	}
	err = g.Wait()
	log.Info("stopped")
	return err
}

// openTable puts a table's open input on the bus; the id makes a retried
// open take effect once.
func openTable(ctx context.Context, js jetstream.JetStream, in schemas.Input) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = js.Publish(ctx, bus.InputSubject(in.Table), data, jetstream.WithMsgID(in.Table+":open"))
	return err
}

func loadLexicons(dir string) (map[string]*lexicon.Lexicon, error) {
	enable, err := lexicon.LoadBuiltin()
	if err != nil {
		return nil, fmt.Errorf("load ENABLE: %w", err)
	}
	lexs := map[string]*lexicon.Lexicon{enable.Name(): enable}
	if dir == "" {
		return lexs, nil
	}
	more, err := lexicon.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load lexicons from %s: %w", dir, err)
	}
	for name, l := range more {
		lexs[name] = l
	}
	return lexs, nil
}

// loadSecret returns the given secret, or the one kept in the data folder,
// creating it on first use.
func loadSecret(dir, given string) ([]byte, error) {
	if given != "" {
		return secretBytes(given)
	}
	path := filepath.Join(dir, "secret")
	data, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(data))) >= 16 {
		return []byte(strings.TrimSpace(string(data))), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	s := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	return []byte(s), nil
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	var port int
	if _, err := fmt.Sscanf(p, "%d", &port); err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	return host, port, nil
}

// liveTable reads who is at a table, and its phase, from the table's
// latest snapshot; the round's questions, saved apart, are not read.
func liveTable(ctx context.Context, kv jetstream.KeyValue, table string) (backend.Live, bool, error) {
	snap, found, err := worker.LoadState(ctx, kv, table)
	if err != nil || !found {
		return backend.Live{}, false, err
	}
	v := snap.Table.View()
	live := backend.Live{Players: []string{}, Phase: v.Phase, Round: v.Round, Settings: v.Settings}
	for _, p := range v.Players {
		if p.Present && p.Role != schemas.RoleSpectator {
			live.Players = append(live.Players, p.Name)
		}
	}
	return live, true, nil
}
