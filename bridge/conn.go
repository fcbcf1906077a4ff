package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/schemas"
)

// conn is one client connection. Its reader lives as long as the
// connection; a writer goroutine runs only while messages wait in the
// queue, and pings come from a timer, so an idle connection costs one
// goroutine. Locks are taken in the order mu, qmu, cmu.
type conn struct {
	b       *Bridge
	ws      *websocket.Conn
	id      string
	table   string
	claims  schemas.JoinClaims
	log     *slog.Logger
	pinger  *time.Timer
	done    chan struct{} // closed by kill
	reading chan struct{} // closed when nothing reads the socket any more

	mu      sync.Mutex
	syncing bool    // catching up: live events wait in backlog
	backlog []event // live events that came while catching up
	last    uint64  // newest table event queued

	qmu     sync.Mutex
	queue   [][]byte // messages for the writer; grows only when needed
	writing bool     // a writer goroutine is running

	cmu       sync.Mutex
	closed    bool
	closeCode int
	closeText string
}

func (b *Bridge) newConn(ws *websocket.Conn, table string, claims schemas.JoinClaims) *conn {
	id := b.node + "-" + strconv.FormatUint(b.nextConn.Add(1), 36)
	c := &conn{
		b:       b,
		ws:      ws,
		id:      id,
		table:   table,
		claims:  claims,
		log:     b.log.With(slog.String(logConn, id), slog.String(logTable, table), slog.String(logUser, claims.UserID)),
		reading: make(chan struct{}),
		done:    make(chan struct{}),
		syncing: true,
	}
	c.pinger = time.AfterFunc(time.Hour, c.ping)
	c.pinger.Stop()
	return c
}

// enqueue hands a message to the writer; a client too slow to keep up is
// cut off rather than slowing the table.
func (c *conn) enqueue(data []byte) {
	c.push(data, false)
}

// push queues a message; catching up may exceed the queue's limit, since
// what it sends is bounded by the events a bridge keeps.
func (c *conn) push(data []byte, catchingUp bool) {
	c.qmu.Lock()
	full := !catchingUp && len(c.queue) >= c.b.cfg.SendQueue
	start := false
	if !full {
		c.queue = append(c.queue, data)
		start, c.writing = !c.writing, true
	}
	c.qmu.Unlock()
	if full {
		c.kill(CloseTooSlow, "too slow reading")
		return
	}
	if start {
		go c.write()
	}
}

// deliver queues a live table event, in order and once.
func (c *conn) deliver(seq uint64, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.syncing {
		c.backlog = append(c.backlog, event{seq: seq, data: data})
		return
	}
	if seq > c.last {
		c.last = seq
		c.enqueue(data)
	}
}

// kill closes the connection with a code; the first call wins.
func (c *conn) kill(code int, text string) {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	if c.closed {
		return
	}
	c.closed, c.closeCode, c.closeText = true, code, text
	close(c.done)
	go c.shut(code, text)
}

func (c *conn) sender() *schemas.Sender {
	return &schemas.Sender{UserID: c.claims.UserID, Name: c.claims.Name, Role: c.claims.Role, Conn: c.id}
}

func (c *conn) send(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		c.log.Error("encode message", slog.Any(logErr, err))
		return
	}
	c.enqueue(data)
}

// serve runs the connection until either side closes it.
func (c *conn) serve(ctx context.Context, since uint64) {
	b := c.b
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer close(c.reading)
	c.pinger.Reset(b.cfg.PingInterval)
	defer c.pinger.Stop()

	r, err := b.hub.join(c)
	if err != nil {
		c.log.Error("subscribe", slog.Any(logErr, err))
		c.kill(websocket.CloseInternalServerErr, "bus unavailable")
		c.drain()
		return
	}
	defer b.hub.leave(c, r)

	// Joining runs in a goroutine of its own: encoding a snapshot needs a
	// deep stack, which the reader, living as long as the connection,
	// would otherwise keep.
	joined := make(chan error, 1)
	go func() { joined <- c.join(ctx, r, since) }()
	if err := <-joined; err != nil {
		c.log.Warn("join", slog.Any(logErr, err))
		c.kill(websocket.CloseInternalServerErr, "cannot join the table now")
		c.drain()
		return
	}
	defer func() {
		leave := schemas.Input{Type: schemas.InLeave, Table: c.table, From: c.sender()}
		if err := b.publish(ctx, leave, c.table+":leave:"+c.id); err != nil {
			c.log.Warn("publish leave", slog.Any(logErr, err))
		}
	}()

	c.read(ctx)
}

// join greets the client, sends what it missed and announces it to the
// table.
func (c *conn) join(ctx context.Context, r *room, since uint64) error {
	b := c.b
	me := schemas.Player{ID: c.claims.UserID, Name: c.claims.Name, Role: c.claims.Role, Present: true}
	c.send(schemas.Event{Type: schemas.EvWelcome, TS: b.cfg.Now().UnixMilli(), Me: &me})
	if err := c.catchUp(ctx, r, since); err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	in := schemas.Input{Type: schemas.InJoin, Table: c.table, From: c.sender()}
	if err := b.publish(ctx, in, c.table+":join:"+c.id); err != nil {
		return fmt.Errorf("publish join: %w", err)
	}
	return nil
}

// catchUp sends what the client missed: the events after since if they can
// all be had, else a snapshot and the events after it. Live events that
// arrive meanwhile wait and follow in order.
func (c *conn) catchUp(ctx context.Context, r *room, since uint64) error {
	var evs []event
	ok := false
	if since > 0 {
		if evs, ok = c.events(ctx, r, since); !ok {
			evs = nil
		}
	}
	if !ok {
		view, found, err := c.b.view(ctx, c.table)
		if err != nil {
			return err
		}
		if found {
			c.send(schemas.Event{Type: schemas.EvSnapshot, Table: &view})
			c.mu.Lock()
			c.last = max(c.last, view.Seq)
			c.mu.Unlock()
		}
		// Without a snapshot, a young table's whole history will do.
		if evs, ok = c.events(ctx, r, view.Seq); !ok {
			return fmt.Errorf("events after %d are gone", view.Seq)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range append(evs, c.backlog...) {
		if e.seq > c.last {
			c.last = e.seq
			c.push(e.data, true)
		}
	}
	c.backlog, c.syncing = nil, false
	return nil
}

// events returns every event after seq, from the room's recent events or
// else from the stream; false if some of them are gone.
func (c *conn) events(ctx context.Context, r *room, seq uint64) ([]event, bool) {
	if evs, ok := r.since(seq); ok {
		return evs, true
	}
	r.reading.Lock()
	defer r.reading.Unlock()
	if evs, ok := r.since(seq); ok {
		return evs, true
	}
	all, err := c.b.history(ctx, c.table)
	if err != nil {
		c.log.Warn("read history", slog.Any(logErr, err))
		return nil, false
	}
	r.fill(all)
	if len(all) == 0 {
		return nil, seq == 0
	}
	if all[0].seq > seq+1 {
		return nil, false
	}
	i := 0
	for i < len(all) && all[i].seq <= seq {
		i++
	}
	return all[i:], true
}

// read handles client frames until the connection ends.
func (c *conn) read(ctx context.Context) {
	b := c.b
	c.ws.SetReadLimit(int64(b.cfg.MaxFrame))
	c.ws.SetReadDeadline(time.Now().Add(b.cfg.PongWait))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(b.cfg.PongWait))
	})
	limit := rate.NewLimiter(rate.Limit(b.cfg.CommandRate), b.cfg.CommandBurst)
	refusals := 0
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.kill(websocket.CloseMessageTooBig, "frame too big")
			}
			c.log.Debug("read ended", slog.Any(logErr, err))
			c.kill(websocket.CloseNormalClosure, "")
			return
		}
		select {
		case <-c.done:
			continue // closing: read on until the client's close frame
		default:
		}
		c.ws.SetReadDeadline(time.Now().Add(b.cfg.PongWait))
		if kind != websocket.TextMessage {
			c.refuse("", ErrBadRequest, "send commands as JSON text frames")
			continue
		}
		if !limit.Allow() {
			refusals++
			if refusals >= b.cfg.MaxRefusals {
				c.kill(CloseFlood, "too many commands")
				continue
			}
			c.refuse(commandID(data), ErrRateLimited, "too many commands; resend later")
			continue
		}
		refusals = 0
		c.command(ctx, data)
	}
}

// command publishes one client command and acknowledges it once durable.
func (c *conn) command(ctx context.Context, data []byte) {
	cmd, err := schemas.DecodeCommand(data)
	if err != nil {
		c.refuse(commandID(data), ErrBadRequest, err.Error())
		return
	}
	in := schemas.Input{Type: schemas.InCommand, Table: c.table, From: c.sender(), Command: &cmd}
	if err := c.b.publish(ctx, in, bus.InputMsgID(c.table, c.claims.UserID, cmd.ID)); err != nil {
		c.log.Warn("publish command", slog.Any(logErr, err))
		c.refuse(cmd.ID, ErrUnavailable, "the table is unreachable; resend with the same id")
		return
	}
	c.send(schemas.Event{Type: schemas.EvAck, Re: cmd.ID})
}

func (c *conn) refuse(id, code, msg string) {
	c.send(schemas.Event{Type: schemas.EvError, Re: id, Code: code, Message: msg})
}

// commandID digs the id out of a frame DecodeCommand refused, so that the
// error can name the command it answers.
func commandID(data []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &v) != nil || !schemas.ValidCommandID(v.ID) {
		return ""
	}
	return v.ID
}

// write sends what is queued, in as few wake-ups as it can, and ends when
// the queue is empty.
func (c *conn) write() {
	for {
		c.qmu.Lock()
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 {
			c.writing = false
		}
		c.qmu.Unlock()
		if len(batch) == 0 {
			return
		}
		c.ws.SetWriteDeadline(time.Now().Add(c.b.cfg.WriteTimeout))
		for _, data := range batch {
			if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
				// Leave writing set: nothing more is written.
				c.kill(websocket.CloseAbnormalClosure, "write: "+err.Error())
				return
			}
		}
	}
}

// ping checks that the client is still there; its pong moves the read
// deadline on.
func (c *conn) ping() {
	select {
	case <-c.done:
		return
	default:
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.b.cfg.WriteTimeout)); err != nil {
		c.kill(websocket.CloseAbnormalClosure, "ping: "+err.Error())
		return
	}
	c.pinger.Reset(c.b.cfg.PingInterval)
}

// shut ends a killed connection: the close frame, a moment for the
// client to answer it, then the socket.
func (c *conn) shut(code int, text string) {
	defer c.ws.Close()
	if code == websocket.CloseAbnormalClosure {
		c.log.Debug("dropped", slog.String("reason", text))
		return
	}
	// Closing the socket with the client's frames unread would reset the
	// connection and lose the close code.
	msg := websocket.FormatCloseMessage(code, text)
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.ws.SetReadDeadline(time.Now().Add(closeGrace))
	select {
	case <-c.reading:
	case <-time.After(closeGrace):
	}
	if code != websocket.CloseNormalClosure {
		c.log.Debug("closed", slog.Int(logCode, code), slog.String("reason", text))
	}
}

// closeGrace is how long a closing connection waits for the client's
// close frame.
const closeGrace = 2 * time.Second

// drain waits for the writer after a kill during set-up.
func (c *conn) drain() {
	<-c.done
	c.ws.SetReadDeadline(time.Now().Add(time.Second))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return
		}
	}
}
