package webhook

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/backend"
	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/bus/bustest"
	"github.com/wordwalls/wordwalls/schemas"
)

var testSecret = []byte("0123456789abcdef-test-secret")

var quiet = slog.New(slog.DiscardHandler)

// waitFor is how long a test waits for something the webhook should do.
const waitFor = 15 * time.Second

// post is one request the fake back end received.
type post struct {
	Key, Auth, ContentType, Body string
	Status                       int
}

// fakeBackend answers 500 to its first fail POSTs and 200 after.
type fakeBackend struct {
	*httptest.Server
	mu    sync.Mutex
	fail  int
	posts []post
}

func newFakeBackend(t *testing.T, fail int) *fakeBackend {
	t.Helper()
	f := &fakeBackend{fail: fail}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		p := post{Key: r.Header.Get("Idempotency-Key"), Auth: r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"), Body: string(body), Status: http.StatusOK}
		if f.fail > 0 {
			f.fail--
			p.Status = http.StatusInternalServerError
		}
		f.posts = append(f.posts, p)
		w.WriteHeader(p.Status)
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBackend) received() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.posts...)
}

// accepted lists the keys of the POSTs answered with 200, in order.
func (f *fakeBackend) accepted() []string {
	var keys []string
	for _, p := range f.received() {
		if p.Status == http.StatusOK {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// startRun runs the webhook until the returned stop is called or the test
// ends; stop waits for Run to return and fails the test on its error.
func startRun(t *testing.T, nc *nats.Conn, url string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Conn: nc, URL: url, Secret: testSecret, Logger: quiet,
			MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Timeout: 5 * time.Second,
		})
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// eventually fails the test unless cond holds within waitFor.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settled waits until the consumer has nothing pending or unacknowledged.
func settled(t *testing.T, js jetstream.JetStream) *jetstream.ConsumerInfo {
	t.Helper()
	var info *jetstream.ConsumerInfo
	eventually(t, "every result settled", func() bool {
		c, err := js.Consumer(context.Background(), bus.ResultStream, DefaultDurable)
		if err != nil {
			return false
		}
		info, err = c.Info(context.Background())
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	})
	return info
}

func roundResult(table string, round int) schemas.RoundResult {
	return schemas.RoundResult{
		Table: table, Round: round, StartedAt: 1_700_000_000_000, EndedAt: 1_700_000_060_000, Reason: "time",
		Questions: []schemas.QuestionResult{{
			Alphagram: "AEINRST",
			Solved:    []schemas.SolvedWord{{Word: "RETAINS", UserID: "g000000000001", AtMS: 1200}},
			Missed:    []string{"NASTIER", "RETINAS", "RETSINA", "STAINER", "STEARIN"},
		}},
		Scores: []schemas.Score{{UserID: "g000000000001", Score: 1}},
	}
}

// publish puts a body on a table's result subject the way the rooms
// worker does.
func publish(t *testing.T, js jetstream.JetStream, table string, body []byte) {
	t.Helper()
	if _, err := js.Publish(context.Background(), bus.ResultSubject(table), body); err != nil {
		t.Fatal(err)
	}
}

func publishResult(t *testing.T, js jetstream.JetStream, res schemas.RoundResult) []byte {
	t.Helper()
	body, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	publish(t, js, res.Table, body)
	return body
}

func TestRetriesUntilAccepted(t *testing.T) {
	nc, js := bustest.Start(t)
	be := newFakeBackend(t, 2)
	startRun(t, nc, be.URL)

	body := publishResult(t, js, roundResult("tab1", 3))
	eventually(t, "the result accepted", func() bool { return len(be.accepted()) == 1 })
	settled(t, js)

	want := post{Key: "tab1:3", Auth: "Bearer " + string(testSecret), ContentType: "application/json", Body: string(body)}
	var wantPosts []post
	for _, status := range []int{500, 500, 200} {
		p := want
		p.Status = status
		wantPosts = append(wantPosts, p)
	}
	if diff := cmp.Diff(wantPosts, be.received()); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
}

func TestTerminatesWhatIsNoResult(t *testing.T) {
	nc, js := bustest.Start(t)
	be := newFakeBackend(t, 0)
	startRun(t, nc, be.URL)

	publish(t, js, "tab1", []byte("not json"))
	publish(t, js, "tab1", []byte(`{"table":"tab1","round":1}`))
	publishResult(t, js, roundResult("tab1", 1))

	eventually(t, "the real result accepted", func() bool { return len(be.accepted()) == 1 })
	info := settled(t, js)
	if diff := cmp.Diff([]string{"tab1:1"}, be.accepted()); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	if n := len(be.received()); n != 1 {
		t.Errorf("%d POSTs, want 1: bodies that are no result are never sent", n)
	}
	if info.NumRedelivered != 0 {
		t.Errorf("%d messages redelivered, want none", info.NumRedelivered)
	}
}

func TestRestartSendsNothingTwice(t *testing.T) {
	nc, js := bustest.Start(t)
	be := newFakeBackend(t, 0)

	stop := startRun(t, nc, be.URL)
	publishResult(t, js, roundResult("tab1", 1))
	publishResult(t, js, roundResult("tab2", 1))
	eventually(t, "the first results accepted", func() bool { return len(be.accepted()) == 2 })
	settled(t, js)
	stop()

	startRun(t, nc, be.URL)
	publishResult(t, js, roundResult("tab1", 2))
	eventually(t, "the next result accepted", func() bool { return len(be.accepted()) == 3 })
	settled(t, js)

	if diff := cmp.Diff([]string{"tab1:1", "tab2:1", "tab1:2"}, be.accepted()); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	if n := len(be.received()); n != 3 {
		t.Errorf("%d POSTs, want 3", n)
	}
}

// TestDeliversToBuiltinBackend runs the webhook against the real back end
// handler.
func TestDeliversToBuiltinBackend(t *testing.T) {
	nc, js := bustest.Start(t)
	lex := lexicon.New("TEST", strings.Fields("RETAINS NASTIER RETINAS RETSINA STAINER STEARIN ANESTRI"))
	s, err := backend.New(context.Background(), backend.Config{
		Lexicons: map[string]*lexicon.Lexicon{"TEST": lex},
		Secret:   testSecret,
		Open:     func(context.Context, schemas.Input) error { return nil },
		Logger:   quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := s.CreateTable(context.Background(), backend.CreateTableRequest{Lexicon: "TEST", Length: 7, Player: "Alice"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	startRun(t, nc, srv.URL+"/api/results")

	res := roundResult(tab.Table, 1)
	publishResult(t, js, res)
	publishResult(t, js, res) // the worker publishing it again after a restart
	eventually(t, "the result recorded", func() bool { return len(s.Results(tab.Table)) == 1 })
	settled(t, js)
	if diff := cmp.Diff([]schemas.RoundResult{res}, s.Results(tab.Table)); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
}

func TestRunRefuses(t *testing.T) {
	nc, _ := bustest.Start(t)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no_conn", Config{URL: "http://x", Secret: testSecret}, "nats connection"},
		{"no_url", Config{Conn: nc, Secret: testSecret}, "results URL"},
		{"no_secret", Config{Conn: nc, URL: "http://x"}, "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error about the %s", err, tt.want)
			}
		})
	}

	t.Run("no_stream", func(t *testing.T) {
		ns, err := bus.StartServer(bus.ServerConfig{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		defer ns.Shutdown()
		bare, err := bus.Connect(ns.ClientURL(), "test")
		if err != nil {
			t.Fatal(err)
		}
		defer bare.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = Run(ctx, Config{Conn: bare, URL: "http://x", Secret: testSecret, Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), bus.ResultStream) {
			t.Errorf("got %v, want an error naming %s", err, bus.ResultStream)
		}
	})
}

func TestBackoff(t *testing.T) {
	const lo, hi = 500 * time.Millisecond, 30 * time.Second
	tests := []struct {
		attempt uint64
		want    time.Duration
	}{
		{0, lo},
		{1, lo},
		{2, time.Second},
		{3, 2 * time.Second},
		{6, 16 * time.Second},
		{7, hi},
		{1 << 40, hi},
	}
	for _, tt := range tests {
		if got := backoff(lo, hi, tt.attempt); got != tt.want {
			t.Errorf("attempt %d: backoff %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestLogLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLogLimiter(5*time.Second, func() time.Time { return now })
	type step struct {
		name    string
		advance time.Duration
		key     string
		ok      bool
		skipped int
	}
	steps := []step{
		{"first", 0, "tab1", true, 0},
		{"too_soon", time.Second, "tab1", false, 0},
		{"again_too_soon", time.Second, "tab1", false, 0},
		{"other_table", 0, "tab2", true, 0},
		{"after_the_period", 3 * time.Second, "tab1", true, 2},
		{"count_reset", 5 * time.Second, "tab1", true, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			now = now.Add(st.advance)
			ok, skipped := l.allow(st.key)
			if ok != st.ok || skipped != st.skipped {
				t.Errorf("allow(%s) = %v, %d; want %v, %d", st.key, ok, skipped, st.ok, st.skipped)
			}
		})
	}
}

func TestConsumerDeletedIsRecreated(t *testing.T) {
	nc, js := bustest.Start(t)
	be := newFakeBackend(t, 0)
	startRun(t, nc, be.URL)

	publishResult(t, js, roundResult("tab1", 1))
	eventually(t, "the first result accepted", func() bool { return len(be.accepted()) == 1 })
	settled(t, js)
	if err := js.DeleteConsumer(context.Background(), bus.ResultStream, DefaultDurable); err != nil {
		t.Fatal(err)
	}

	publishResult(t, js, roundResult("tab1", 2))
	eventually(t, "the result after the deletion accepted", func() bool {
		return slices.Contains(be.accepted(), "tab1:2")
	})
}
