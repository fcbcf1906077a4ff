package bridge

import (
	"strconv"
	"sync"

	"github.com/nats-io/nats.go"

	"github.com/wordwalls/wordwalls/bus"
)

// event is one table event as the rooms worker published it.
type event struct {
	seq  uint64
	data []byte
}

// room is what one bridge keeps for one table: its connections, its NATS
// subscription and the most recent events, for resumes.
type room struct {
	id  string
	sub *nats.Subscription

	mu    sync.Mutex
	conns map[*conn]struct{}
	ring  []event // the most recent events in order, up to the bridge's limit
	limit int

	// reading is held while one connection reads the table's history from
	// the stream, so that the others wait and find it in the ring.
	reading sync.Mutex
}

// deliver handles one message from a table's event subjects.
func (r *room) deliver(m *nats.Msg) {
	if m.Subject == bus.ReplySubject(r.id) {
		to := m.Header.Get(bus.HeaderConn)
		r.mu.Lock()
		for c := range r.conns {
			if c.id == to {
				c.enqueue(m.Data)
			}
		}
		r.mu.Unlock()
		return
	}
	seq, err := strconv.ParseUint(m.Header.Get(bus.HeaderSeq), 10, 64)
	if err != nil || seq == 0 {
		return
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.ring); n > 0 && seq <= r.ring[n-1].seq {
		return // a re-published event
	}
	if len(r.ring) == r.limit {
		copy(r.ring, r.ring[1:])
		r.ring = r.ring[:len(r.ring)-1]
	}
	r.ring = append(r.ring, event{seq: seq, data: m.Data})
	for c := range r.conns {
		c.deliver(seq, m.Data)
	}
}

// since returns the events after seq from the ring, if it has all of them.
func (r *room) since(seq uint64) ([]event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.ring)
	if n == 0 || r.ring[0].seq > seq+1 {
		return nil, false
	}
	i := 0
	for i < n && r.ring[i].seq <= seq {
		i++
	}
	return append([]event(nil), r.ring[i:]...), true
}

// fill adds older events read from the stream in front of the ring.
func (r *room) fill(evs []event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(evs) == 0 {
		return
	}
	var merged []event
	if len(r.ring) == 0 {
		merged = evs
	} else {
		first := r.ring[0].seq
		for _, e := range evs {
			if e.seq < first {
				merged = append(merged, e)
			}
		}
		merged = append(merged, r.ring...)
	}
	if len(merged) > r.limit {
		merged = merged[len(merged)-r.limit:]
	}
	r.ring = append([]event(nil), merged...)
}

type hub struct {
	nc    *nats.Conn
	limit int

	mu    sync.Mutex
	rooms map[string]*room
}

// join adds a connection to its table's room, subscribing on first use.
func (h *hub) join(c *conn) (*room, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rooms[c.table]
	if !ok {
		r = &room{id: c.table, conns: map[*conn]struct{}{}, limit: h.limit}
		sub, err := h.nc.Subscribe(bus.TableEvents(c.table), r.deliver)
		if err != nil {
			return nil, err
		}
		sub.SetPendingLimits(-1, 64<<20)
		r.sub = sub
		h.rooms[c.table] = r
	}
	r.mu.Lock()
	r.conns[c] = struct{}{}
	r.mu.Unlock()
	return r, nil
}

// leave removes a connection; the last one out drops the subscription.
func (h *hub) leave(c *conn, r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r.mu.Lock()
	delete(r.conns, c)
	empty := len(r.conns) == 0
	r.mu.Unlock()
	if empty && h.rooms[r.id] == r {
		r.sub.Unsubscribe()
		delete(h.rooms, r.id)
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.rooms {
		r.mu.Lock()
		n += len(r.conns)
		r.mu.Unlock()
	}
	return n
}
