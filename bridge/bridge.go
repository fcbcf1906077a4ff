// Package bridge is the WebSocket edge: it lets browsers in with a join
// token, publishes their commands to the table's input subject and fans the
// table's events back out. It holds no game rules, so any bridge node can
// serve any player.
package bridge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/rooms/worker"
	"github.com/wordwalls/wordwalls/schemas"
)

// Close codes the bridge ends a connection with, besides the standard ones
// (1001 going away, 1009 frame too big, 1011 internal error).
const (
	CloseBadToken   = 4001 // do not retry
	CloseExpired    = 4002 // get a new token, then connect
	CloseWrongTable = 4003 // do not retry
	CloseTooSlow    = 4008 // reconnect with since
	CloseFlood      = 4029 // reconnect after a pause
)

// Error codes in error messages.
const (
	ErrBadRequest  = "bad_request"
	ErrRateLimited = "rate_limited"
	ErrUnavailable = "unavailable"
)

// Config configures a Bridge. Zero values say what they default to.
type Config struct {
	Conn   *nats.Conn // required
	Secret []byte     // required: the join-token HMAC secret
	Logger *slog.Logger

	// AllowedOrigins lists the browser origins (scheme://host[:port]) that
	// may connect; "*" allows any. Empty allows only the bridge's own host.
	// Requests without an Origin header (non-browser clients) are allowed.
	AllowedOrigins []string

	MaxFrame     int           // largest client frame in bytes; default 4096
	CommandRate  float64       // commands per second per connection; default 10
	CommandBurst int           // default 20
	MaxRefusals  int           // rate-limit refusals in a row before closing; default 50
	SendQueue    int           // messages queued for a client before it is cut off; default 256
	WriteTimeout time.Duration // default 10 s
	PingInterval time.Duration // default 20 s
	PongWait     time.Duration // silence before a connection is closed; default 60 s
	ReplayEvents int           // recent events kept per table for resumes; default 1024

	// Now is the clock for token expiry; default time.Now.
	Now func() time.Time
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	setDefault(&c.MaxFrame, 4096)
	setDefault(&c.CommandRate, 10)
	setDefault(&c.CommandBurst, 20)
	setDefault(&c.MaxRefusals, 50)
	setDefault(&c.SendQueue, 256)
	setDefault(&c.WriteTimeout, 10*time.Second)
	setDefault(&c.PingInterval, 20*time.Second)
	setDefault(&c.PongWait, 60*time.Second)
	setDefault(&c.ReplayEvents, 1024)
	if c.Now == nil {
		c.Now = time.Now
	}
}

func setDefault[T int | float64 | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Bridge serves WebSocket connections for any table.
type Bridge struct {
	cfg      Config
	log      *slog.Logger
	js       jetstream.JetStream
	kv       jetstream.KeyValue
	hub      *hub
	upgrader websocket.Upgrader
	node     string
	nextConn atomic.Uint64

	mu       sync.Mutex
	conns    map[*conn]struct{}
	draining bool
	wg       sync.WaitGroup

	gcMu   sync.Mutex
	lastGC time.Time
}

// Log keys.
const (
	logConn  = "conn"
	logTable = "table"
	logUser  = "user"
	logErr   = "err"
	logCode  = "code"
)

// New returns a Bridge; bus.Setup must have run.
func New(ctx context.Context, cfg Config) (*Bridge, error) {
	if cfg.Conn == nil {
		return nil, errors.New("bridge needs a nats connection")
	}
	if len(cfg.Secret) < jointoken.MinSecretLen {
		return nil, fmt.Errorf("bridge needs a join-token secret of at least %d bytes", jointoken.MinSecretLen)
	}
	cfg.setDefaults()
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	kv, err := js.KeyValue(ctx, bus.TableBucket)
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", bus.TableBucket, err)
	}
	node := make([]byte, 4)
	rand.Read(node)
	b := &Bridge{
		cfg:   cfg,
		log:   cfg.Logger,
		js:    js,
		kv:    kv,
		hub:   &hub{nc: cfg.Conn, limit: cfg.ReplayEvents, rooms: map[string]*room{}},
		node:  hex.EncodeToString(node),
		conns: map[*conn]struct{}{},
	}
	b.upgrader = websocket.Upgrader{
		ReadBufferSize:  512,
		WriteBufferSize: 1024,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     b.checkOrigin,
	}
	return b, nil
}

// Handler serves /ws/{table} and /healthz.
func (b *Bridge) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/{table}", b.serveWS)
	mux.HandleFunc("GET /healthz", b.serveHealth)
	return mux
}

// Conns is how many connections are open.
func (b *Bridge) Conns() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// serveHealth reports the bus connection, the open connections and the
// process's resident memory; with ?gc=1 it first collects garbage and
// returns freed memory to the system, so that memory figures compare live
// memory rather than garbage awaiting collection.
func (b *Bridge) serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") == "1" {
		b.collect()
	}
	w.Header().Set("Content-Type", "application/json")
	if !b.cfg.Conn.IsConnected() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"nats disconnected"}`+"\n")
		return
	}
	fmt.Fprintf(w, `{"status":"ok","connections":%d,"rss_bytes":%d}`+"\n", b.Conns(), residentBytes())
}

// collect frees memory for a measurement, at most once a second:
// a full collection stops the process briefly, and /healthz is public.
func (b *Bridge) collect() {
	b.gcMu.Lock()
	defer b.gcMu.Unlock()
	if time.Since(b.lastGC) < time.Second {
		return
	}
	debug.FreeOSMemory()
	b.lastGC = time.Now()
}

func (b *Bridge) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(b.cfg.AllowedOrigins) == 0 {
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
	for _, o := range b.cfg.AllowedOrigins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}

func (b *Bridge) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := b.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	table := r.PathValue("table")
	claims, code, reason := b.admit(table, r.URL.Query().Get("token"))
	if code != 0 {
		deadline := time.Now().Add(time.Second)
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
		ws.Close()
		return
	}
	var since uint64
	if s := r.URL.Query().Get("since"); s != "" {
		since, _ = strconv.ParseUint(s, 10, 64)
	}

	c := b.newConn(ws, table, claims)
	b.mu.Lock()
	if b.draining {
		b.mu.Unlock()
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bridge shutting down"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	b.conns[c] = struct{}{}
	b.wg.Add(1)
	b.mu.Unlock()

	// The connection lives on in a goroutine of its own, so that the HTTP
	// server's per-request buffers and state are released now rather than
	// held for the life of the socket.
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.conns, c)
			b.mu.Unlock()
			b.wg.Done()
		}()
		c.serve(context.WithoutCancel(r.Context()), since)
	}()
}

// admit checks a join token for a table and returns a close code if it
// must be refused.
func (b *Bridge) admit(table, token string) (schemas.JoinClaims, int, string) {
	claims, err := jointoken.Verify(b.cfg.Secret, token, b.cfg.Now())
	switch {
	case errors.Is(err, jointoken.ErrExpired):
		return claims, CloseExpired, "token expired"
	case err != nil:
		return claims, CloseBadToken, "invalid token"
	case claims.Table != table:
		return claims, CloseWrongTable, "token is for another table"
	}
	return claims, 0, ""
}

// Shutdown closes every connection with 1001 and waits for them to finish
// or for ctx to end.
func (b *Bridge) Shutdown(ctx context.Context) {
	b.mu.Lock()
	b.draining = true
	for c := range b.conns {
		c.kill(websocket.CloseGoingAway, "bridge shutting down")
	}
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// publish puts an input on the table's input subject and waits until it is
// stored. A resend with the same message id is stored once.
func (b *Bridge) publish(ctx context.Context, in schemas.Input, msgID string) error {
	data, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode input: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := b.js.Publish(ctx, bus.InputSubject(in.Table), data, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("publish input: %w", err)
	}
	return nil
}

// view reads a table's snapshot and returns what clients may see of it;
// false if the table has none yet.
func (b *Bridge) view(ctx context.Context, table string) (schemas.TableView, bool, error) {
	snap, found, err := worker.LoadTable(ctx, b.kv, table)
	if err != nil || !found || !snap.Table.Open {
		return schemas.TableView{}, false, err
	}
	return snap.Table.View(), true, nil
}

// history reads every event the stream still holds for a table.
func (b *Bridge) history(ctx context.Context, table string) ([]event, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cons, err := b.js.OrderedConsumer(ctx, bus.EventStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{bus.EventSubject(table)},
	})
	if err != nil {
		return nil, fmt.Errorf("event consumer: %w", err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		b.js.DeleteConsumer(dctx, bus.EventStream, cons.CachedInfo().Name)
	}()
	if cons.CachedInfo().NumPending == 0 {
		return nil, nil
	}
	var evs []event
	for {
		batch, err := cons.Fetch(512, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			seq, err := strconv.ParseUint(m.Headers().Get(bus.HeaderSeq), 10, 64)
			if err == nil && (len(evs) == 0 || seq > evs[len(evs)-1].seq) {
				evs = append(evs, event{seq: seq, data: m.Data()})
			}
			if meta, err := m.Metadata(); err == nil && meta.NumPending == 0 {
				return evs, nil
			}
		}
		if err := batch.Error(); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		if n == 0 {
			return evs, nil
		}
	}
}
