package bridge

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/wordwalls/wordwalls/schemas"
)

func TestCheckOrigin(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string
		host    string
		origin  string
		want    bool
	}{
		{"no_origin_header", nil, "game.example:8080", "", true},
		{"same_host", nil, "game.example:8080", "http://game.example:8080", true},
		{"other_host", nil, "game.example:8080", "http://evil.example", false},
		{"listed", []string{"https://app.example"}, "bridge.example", "https://app.example", true},
		{"listed_trailing_slash", []string{"https://app.example/"}, "bridge.example", "https://app.example", true},
		{"scheme_differs", []string{"https://app.example"}, "bridge.example", "http://app.example", false},
		{"not_listed", []string{"https://app.example"}, "bridge.example", "https://bridge.example", false},
		{"any", []string{"*"}, "bridge.example", "https://anything.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bridge{cfg: Config{AllowedOrigins: tt.allowed}}
			r := httptest.NewRequest("GET", "http://"+tt.host+"/ws/t1", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if got := b.checkOrigin(r); got != tt.want {
				t.Errorf("checkOrigin = %v, want %v", got, tt.want)
			}
		})
	}
}

func seqs(evs []event) []uint64 {
	var out []uint64
	for _, e := range evs {
		out = append(out, e.seq)
	}
	return out
}

func ring(from, to uint64) []event {
	var evs []event
	for s := from; s <= to; s++ {
		evs = append(evs, event{seq: s})
	}
	return evs
}

func TestRoomSince(t *testing.T) {
	r := &room{limit: 4, ring: ring(5, 8)}
	tests := []struct {
		name  string
		since uint64
		want  []uint64
		ok    bool
	}{
		{"all_kept", 4, []uint64{5, 6, 7, 8}, true},
		{"some", 6, []uint64{7, 8}, true},
		{"up_to_date", 8, nil, true},
		{"too_old", 3, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.since(tt.since)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, seqs(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRoomFill(t *testing.T) {
	r := &room{limit: 6, ring: ring(7, 9)}
	r.fill(ring(1, 8))
	if diff := cmp.Diff([]uint64{4, 5, 6, 7, 8, 9}, seqs(r.ring)); diff != "" {
		t.Errorf("ring after fill (-want +got):\n%s", diff)
	}
}

// TestSlowReaderCutOff checks that a connection whose queue is full is
// closed with 4008 instead of holding the table up, and that catching up
// may exceed the queue's limit.
func TestSlowReaderCutOff(t *testing.T) {
	b := &Bridge{cfg: Config{SendQueue: 3}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	server := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		server <- ws
	}))
	defer srv.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	c := b.newConn(<-server, "t1", schemas.JoinClaims{UserID: "u1"})
	close(c.reading)
	c.writing = true // a writer is stuck on a client that does not read
	for range 5 {
		c.push([]byte(`{}`), true)
	}
	select {
	case <-c.done:
		t.Fatal("catching up closed the connection")
	default:
	}
	c.queue = nil
	for range 3 {
		c.enqueue([]byte(`{}`))
	}
	select {
	case <-c.done:
		t.Fatal("closed before the queue was full")
	default:
	}
	c.enqueue([]byte(`{}`))
	select {
	case <-c.done:
	default:
		t.Fatal("a full queue did not close the connection")
	}
	_, _, err = client.ReadMessage()
	if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != CloseTooSlow {
		t.Errorf("client read %v, want close %d", err, CloseTooSlow)
	}
}
