package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wordwalls/wordwalls/client"
	"github.com/wordwalls/wordwalls/schemas"
)

// binary is the wordwalls command built once for tests that run it as a
// separate process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wordwalls-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "wordwalls")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build wordwalls:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const testSecret = "test-secret-0123456789abcdef"

// game is the whole game running in the test process, wired as `run` does.
type game struct {
	http, ws, nats string
	dataDir        string
}

type gameOption func(*allConfig)

func withoutWorker() gameOption     { return func(c *allConfig) { c.noWorker = true } }
func replayEvents(n int) gameOption { return func(c *allConfig) { c.replayEvents = n } }

func startGame(t *testing.T, opts ...gameOption) *game {
	t.Helper()
	g := &game{dataDir: t.TempDir()}
	ready := make(chan struct{})
	cfg := allConfig{
		addr: "127.0.0.1:0", natsAddr: "127.0.0.1:0", dataDir: g.dataDir, secret: testSecret,
		ready: func(httpAddr, natsURL string) {
			g.http, g.ws, g.nats = "http://"+httpAddr, "ws://"+httpAddr, natsURL
			close(ready)
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	go func() { done <- runAll(ctx, log, cfg) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("game did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("game did not start in 30 s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("game stopped with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("game did not stop in 20 s")
		}
	})
	return g
}

// api calls the built-in back end and decodes its JSON answer.
func (g *game) api(t *testing.T, method, path string, body, out any, bearer bool) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, g.http+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer {
		req.Header.Set("Authorization", "Bearer "+testSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

type created struct {
	Table  string `json:"table"`
	UserID string `json:"user_id"`
	Token  string `json:"token"`
}

// newTable creates a table and returns it with the host's token.
func (g *game) newTable(t *testing.T, timeLimit int) created {
	t.Helper()
	var c created
	req := map[string]any{
		"lexicon": "ENABLE", "length": 7, "prob_min": 1, "prob_max": 40,
		"questions_per_round": 10, "time_limit": timeLimit, "player": "Alice",
	}
	if code := g.api(t, "POST", "/api/tables", req, &c, false); code != http.StatusCreated {
		t.Fatalf("create table: status %d", code)
	}
	return c
}

// token issues a guest token for a table.
func (g *game) token(t *testing.T, table, name, role string) created {
	t.Helper()
	var c created
	if code := g.api(t, "POST", "/api/tables/"+table+"/tokens", map[string]string{"name": name, "role": role}, &c, false); code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("token: status %d", code)
	}
	c.Table = table
	return c
}

// answers asks the back end for a round's questions, as the rooms worker
// did; the same round always gets the same questions.
func (g *game) answers(t *testing.T, table string, round int) []schemas.Question {
	t.Helper()
	var qs schemas.Questions
	req := schemas.QuestionsRequest{Table: table, Round: round, Count: 10}
	if code := g.api(t, "POST", "/api/questions", req, &qs, true); code != http.StatusOK {
		t.Fatalf("questions: status %d", code)
	}
	return qs.Questions
}

// player is one test client with everything it received.
type player struct {
	t    *testing.T
	name string
	conn *client.Conn
	user string

	mu     sync.Mutex
	frames []string        // every frame, in order
	events []schemas.Event // every decoded message, in order
	closed chan struct{}   // closed when reading stops
	err    error           // why reading stopped
	notify chan struct{}   // poked on every message
}

func (g *game) connect(t *testing.T, c created, name string, since uint64) *player {
	t.Helper()
	conn, resp, err := client.Dial(context.Background(), g.ws, c.Table, c.Token, since, nil)
	if err != nil {
		t.Fatalf("%s: %v (response %v)", name, err, resp)
	}
	p := &player{t: t, name: name, conn: conn, user: c.UserID, closed: make(chan struct{}), notify: make(chan struct{}, 1)}
	go p.read()
	t.Cleanup(func() { conn.Close() })
	return p
}

func (p *player) read() {
	defer close(p.closed)
	for {
		ev, data, err := p.conn.Read()
		if err != nil {
			p.mu.Lock()
			p.err = err
			p.mu.Unlock()
			p.poke()
			return
		}
		if err := schemas.Validate("event", data); err != nil {
			p.t.Errorf("%s received a message that breaks event.json: %s: %v", p.name, data, err)
		}
		p.mu.Lock()
		p.frames = append(p.frames, string(data))
		p.events = append(p.events, ev)
		p.mu.Unlock()
		p.poke()
	}
}

func (p *player) poke() {
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

// waitFor waits until some received message after index from satisfies
// match and returns it with its index.
func (p *player) waitFor(from int, what string, match func(schemas.Event) bool) (schemas.Event, int) {
	p.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		for i := from; i < len(p.events); i++ {
			if match(p.events[i]) {
				ev := p.events[i]
				p.mu.Unlock()
				return ev, i
			}
		}
		err := p.err
		p.mu.Unlock()
		if err != nil {
			p.t.Fatalf("%s: waiting for %s: connection ended: %v", p.name, what, err)
		}
		select {
		case <-p.notify:
		case <-deadline:
			p.t.Fatalf("%s: no %s in 20 s; got %v", p.name, what, p.types())
		}
	}
}

func (p *player) types() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, e := range p.events {
		out = append(out, fmt.Sprintf("%s#%d", e.Type, e.Seq))
	}
	return out
}

func (p *player) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

func (p *player) all() ([]schemas.Event, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]schemas.Event(nil), p.events...), append([]string(nil), p.frames...)
}

func isType(typ string) func(schemas.Event) bool {
	return func(e schemas.Event) bool { return e.Type == typ }
}

func reAck(id string) func(schemas.Event) bool {
	return func(e schemas.Event) bool { return e.Type == schemas.EvAck && e.Re == id }
}

// send sends a command and waits for its ack.
func (p *player) send(cmd schemas.Command) string {
	p.t.Helper()
	from := p.count()
	id, err := p.conn.Send(cmd)
	if err != nil {
		p.t.Fatalf("%s: send: %v", p.name, err)
	}
	p.waitFor(from, "ack of "+id, reAck(id))
	return id
}

// startRound has the host start a round and waits for the wall on every
// player; it returns the round_started event.
func startRound(t *testing.T, host *player, others ...*player) schemas.Event {
	t.Helper()
	marks := make([]int, len(others))
	for i, o := range others {
		marks[i] = o.count()
	}
	from := host.count()
	host.send(schemas.Command{Type: schemas.CmdStart})
	ev, _ := host.waitFor(from, "round_started", isType(schemas.EvRoundStarted))
	for i, o := range others {
		o.waitFor(marks[i], "round_started", isType(schemas.EvRoundStarted))
	}
	return ev
}

func words(qs []schemas.Question) []string {
	var out []string
	for _, q := range qs {
		for _, w := range q.Words {
			out = append(out, w.Word)
		}
	}
	return out
}

func solvedWord(w string) func(schemas.Event) bool {
	return func(e schemas.Event) bool {
		return e.Type == schemas.EvSolved && e.Solve != nil && e.Solve.Word == w
	}
}

func containsAny(s string, words []string) string {
	for _, w := range words {
		if strings.Contains(s, `"`+w+`"`) {
			return w
		}
	}
	return ""
}
