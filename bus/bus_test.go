package bus

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// start runs an embedded server with streams set up and returns a
// connection to it.
func start(t *testing.T) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	ns, err := StartServer(ServerConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	nc, err := Connect(ns.ClientURL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := Setup(context.Background(), nc, Retention{}, 1); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

func TestSetupIsIdempotent(t *testing.T) {
	nc, js := start(t)
	ctx := context.Background()
	if _, err := js.Publish(ctx, InputSubject("t1"), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := Setup(ctx, nc, Retention{Events: time.Hour}, 1); err != nil {
		t.Fatalf("second setup: %v", err)
	}
	s, err := js.Stream(ctx, InputStream)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.CachedInfo().State.Msgs; n != 1 {
		t.Errorf("input stream holds %d messages after a second setup, want 1", n)
	}
	ev, err := js.Stream(ctx, EventStream)
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.CachedInfo().Config.MaxAge; got != time.Hour {
		t.Errorf("event retention = %v after update, want 1h", got)
	}
}

// TestScheduledTimerFires checks the mechanism the rooms worker relies on
// for timers: a schedule stored in the input stream is delivered to the
// table's input subject by the server itself.
func TestScheduledTimerFires(t *testing.T) {
	_, js := start(t)
	ctx := context.Background()
	at := time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second)
	_, err := js.Publish(ctx, ScheduleSubject("t1", 1, "deadline"), []byte(`timer`),
		jetstream.WithScheduleAt(at), jetstream.WithScheduleTarget(InputSubject("t1")))
	if err != nil {
		t.Fatalf("publish schedule: %v", err)
	}
	cons, err := js.OrderedConsumer(ctx, InputStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{AllInputs}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatalf("timer never fired: %v", err)
	}
	meta, _ := m.Metadata()
	if string(m.Data()) != "timer" || m.Subject() != InputSubject("t1") {
		t.Errorf("got %q on %s", m.Data(), m.Subject())
	}
	if meta.Timestamp.Before(at) {
		t.Errorf("fired at %v, before it was due at %v", meta.Timestamp, at)
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct {
		name  string
		table string
		valid bool
	}{
		{"plain", "abc123", true},
		{"dash_underscore", "a-b_c", true},
		{"dot", "a.b", false},
		{"wildcard", "a*", false},
		{"space", "a b", false},
		{"empty", "", false},
		{"too_long", string(make([]byte, 65)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.table); got != tt.valid {
				t.Fatalf("ValidID(%q) = %v, want %v", tt.table, got, tt.valid)
			}
			if !tt.valid {
				return
			}
			got, err := TableOfInput(InputSubject(tt.table))
			if err != nil || got != tt.table {
				t.Errorf("TableOfInput(InputSubject) = %q, %v", got, err)
			}
		})
	}
}
