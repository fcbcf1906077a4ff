package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// maxValueBytes bounds one stored table, well under the server's largest
// message; the oldest results give way past it.
const maxValueBytes = 1 << 20

// errUnchanged tells update that its function left the table as it was.
var errUnchanged = errors.New("unchanged")

// saveAttempts is how many times update tries a write that lost a race
// with another process sharing the Store.
const saveAttempts = 3

// load reads every table kept in the Store.
func (s *Server) load(ctx context.Context) error {
	w, err := s.cfg.Store.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("load tables: %w", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("load tables: %w", ctx.Err())
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("load tables: watcher stopped")
			}
			if e == nil {
				return nil // every stored table has been read
			}
			t, err := decodeTable(e)
			if err != nil {
				return err
			}
			s.tables[e.Key()] = t
		}
	}
}

func decodeTable(e jetstream.KeyValueEntry) (*table, error) {
	var t table
	if err := json.Unmarshal(e.Value(), &t); err != nil {
		return nil, fmt.Errorf("decode stored table %s: %w", e.Key(), err)
	}
	t.rev = e.Revision()
	return &t, nil
}

// lookup finds a table in memory or, failing that, in the Store, where
// another process may have put it. s.mu must be held.
func (s *Server) lookup(ctx context.Context, id string) (*table, error) {
	if t, ok := s.tables[id]; ok {
		return t, nil
	}
	if s.cfg.Store == nil {
		return nil, ErrNoTable
	}
	e, err := s.cfg.Store.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, ErrNoTable
	}
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", id, err)
	}
	t, err := decodeTable(e)
	if err != nil {
		return nil, err
	}
	s.tables[id] = t
	return t, nil
}

// insert keeps a new table.
func (s *Server) insert(ctx context.Context, t *table) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.save(ctx, t); err != nil {
		return err
	}
	s.tables[t.Summary.Table] = t
	return nil
}

// update applies fn to a copy of a table and keeps the copy once it is
// stored. When fn fails, or returns errUnchanged, the table stays as it
// was. A write that finds the table changed in the Store since it was read
// starts again from the stored table.
func (s *Server) update(ctx context.Context, id string, fn func(*table) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for attempt := 1; ; attempt++ {
		cur, err := s.lookup(ctx, id)
		if err != nil {
			return err
		}
		next := cur.clone()
		if err := fn(next); errors.Is(err, errUnchanged) {
			return nil
		} else if err != nil {
			return err
		}

		err = s.save(ctx, next)
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) && attempt < saveAttempts {
			delete(s.tables, id)
			continue
		}
		if err != nil {
			return err
		}
		s.tables[id] = next
		return nil
	}
}

// save writes t to the Store at the revision it was read at, letting go of
// old results if it has grown too big. Without a Store it only trims.
func (s *Server) save(ctx context.Context, t *table) error {
	id := t.Summary.Table
	data, err := json.Marshal(t)
	for err == nil && len(data) > maxValueBytes && len(t.Results) > 0 {
		t.dropOldResults()
		data, err = json.Marshal(t)
	}
	if err != nil {
		return fmt.Errorf("encode table %s: %w", id, err)
	}
	if s.cfg.Store == nil {
		return nil
	}

	var rev uint64
	if t.rev == 0 {
		rev, err = s.cfg.Store.Create(ctx, id, data)
		if errors.Is(err, jetstream.ErrKeyExists) {
			err = fmt.Errorf("%w: %w", err, jetstream.ErrKeyRevisionMismatch)
		}
	} else {
		rev, err = s.cfg.Store.Update(ctx, id, data, t.rev)
	}
	if err != nil {
		return fmt.Errorf("store table %s: %w", id, err)
	}
	t.rev = rev
	return nil
}
