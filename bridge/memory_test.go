package bridge

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wordwalls/wordwalls/bus/bustest"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/schemas"
)

// BenchmarkIdleConnection measures what one idle connection costs the
// bridge in heap and goroutine stacks, with a real NATS server behind it.
// Run with -benchtime=1000x: b.N is the number of connections held open.
func BenchmarkIdleConnection(b *testing.B) {
	nc, _ := bustest.Start(b)
	ctx := context.Background()
	secret := []byte("bench-secret-0123456789")
	br, err := New(ctx, Config{Conn: nc, Secret: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(br.Handler())
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	const tables = 100
	tokens := make([]string, tables)
	for i := range tokens {
		tokens[i], _ = jointoken.Sign(secret, schemas.JoinClaims{
			UserID: "u" + string(rune('a'+i%26)), Name: "P", Table: "t" + strconv.Itoa(i), Role: "player", Exp: time.Now().Add(time.Hour).Unix(),
		})
	}
	measure := func() (heap, stack uint64) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse, m.StackInuse
	}
	heap0, stack0 := measure()
	b.ResetTimer()
	conns := make([]*websocket.Conn, 0, b.N)
	for i := range b.N {
		ws, _, err := websocket.DefaultDialer.Dial(url+"/ws/t"+strconv.Itoa(i%tables)+"?token="+tokens[i%tables], nil)
		if err != nil {
			b.Fatal(err)
		}
		ws.ReadMessage() // welcome
		conns = append(conns, ws)
	}
	for br.Conns() < b.N {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	b.StopTimer()
	// The client ends live in this process too: the figures count both.
	heap1, stack1 := measure()
	b.ReportMetric(float64(heap1-heap0)/float64(b.N), "heap-B/conn")
	b.ReportMetric(float64(stack1-stack0)/float64(b.N), "stack-B/conn")
	for _, c := range conns {
		c.Close()
	}
}
