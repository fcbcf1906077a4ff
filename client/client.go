// Package client speaks the bridge's WebSocket protocol from Go: the load
// test's simulated players and the end-to-end tests use it.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/wordwalls/wordwalls/schemas"
)

// Conn is one connection to a bridge for one table.
type Conn struct {
	WS *websocket.Conn

	mu      sync.Mutex
	last    uint64 // newest table event applied
	dups    int    // table events received twice
	gaps    int    // table events skipped over
	nextCmd uint64
}

// Dial connects to base (ws://host:port) for a table, resuming after since
// when it is not zero.
func Dial(ctx context.Context, base, table, token string, since uint64, header http.Header) (*Conn, *http.Response, error) {
	u := base + "/ws/" + url.PathEscape(table) + "?token=" + url.QueryEscape(token)
	if since > 0 {
		u += "&since=" + strconv.FormatUint(since, 10)
	}
	d := websocket.Dialer{ReadBufferSize: 4096, WriteBufferSize: 1024}
	ws, resp, err := d.DialContext(ctx, u, header)
	if err != nil {
		return nil, resp, fmt.Errorf("dial %s: %w", table, err)
	}
	return &Conn{WS: ws, last: since}, resp, nil
}

// Read returns the next message. Table events at or below the last one
// seen are counted as duplicates and skipped; a jump counts as a gap.
// A snapshot moves the last sequence to its own.
func (c *Conn) Read() (schemas.Event, []byte, error) {
	for {
		_, data, err := c.WS.ReadMessage()
		if err != nil {
			return schemas.Event{}, nil, err
		}
		var ev schemas.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			return ev, data, fmt.Errorf("decode %q: %w", data, err)
		}
		c.mu.Lock()
		switch {
		case ev.Type == schemas.EvSnapshot && ev.Table != nil:
			c.last = ev.Table.Seq
		case ev.Seq > 0 && ev.Seq <= c.last:
			c.dups++
			c.mu.Unlock()
			continue
		case ev.Seq > 0:
			if ev.Seq != c.last+1 {
				c.gaps++
			}
			c.last = ev.Seq
		}
		c.mu.Unlock()
		return ev, data, nil
	}
}

// Last is the newest table event seen.
func (c *Conn) Last() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// Faults returns how many duplicate and skipped table events were seen.
func (c *Conn) Faults() (dups, gaps int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dups, c.gaps
}

// Send writes a command, giving it the next id if it has none, and returns
// the id.
func (c *Conn) Send(cmd schemas.Command) (string, error) {
	c.mu.Lock()
	if cmd.ID == "" {
		c.nextCmd++
		cmd.ID = "c" + strconv.FormatUint(c.nextCmd, 10)
	}
	c.mu.Unlock()
	data, err := json.Marshal(cmd)
	if err != nil {
		return "", err
	}
	return cmd.ID, c.WS.WriteMessage(websocket.TextMessage, data)
}

// Close closes the connection.
func (c *Conn) Close() error {
	c.WS.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	return c.WS.Close()
}

// CloseCode returns the close code of an error from Read, or 0.
func CloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
