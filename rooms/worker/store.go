package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/rooms"
)

// A table is saved under two keys of the table bucket: its id holds the
// state that changes with every input, id.fixed the round's questions and
// last answers, written only when they change.
func fixedKey(table string) string { return table + ".fixed" }

// saveSubjects are the subjects a KV put of a table's two keys goes to.
func tableSubject(table string) string { return "$KV." + bus.TableBucket + "." + table }
func fixedSubject(table string) string { return "$KV." + bus.TableBucket + "." + fixedKey(table) }

// LoadTable reads a table's snapshot; found is false if it has none.
func LoadTable(ctx context.Context, kv jetstream.KeyValue, table string) (snap rooms.Snapshot, found bool, err error) {
	snap, found, err = LoadState(ctx, kv, table)
	if err != nil || !found {
		return snap, found, err
	}
	if snap.Table.FixedVersion == 0 {
		return snap, true, nil
	}
	e, err := kv.Get(ctx, fixedKey(table))
	if err != nil {
		return snap, false, fmt.Errorf("read questions of %s: %w", table, err)
	}
	var f rooms.Fixed
	if err := json.Unmarshal(e.Value(), &f); err != nil {
		return snap, false, fmt.Errorf("decode questions of %s: %w", table, err)
	}
	if err := snap.Table.SetFixed(f); err != nil {
		return snap, false, err
	}
	return snap, true, nil
}

// LoadState reads the part of a table's snapshot that changes with every
// input, without the round's questions and last answers: enough to know
// who is at the table and what it is doing, not to run it.
func LoadState(ctx context.Context, kv jetstream.KeyValue, table string) (snap rooms.Snapshot, found bool, err error) {
	e, err := kv.Get(ctx, table)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return snap, false, nil
	}
	if err != nil {
		return snap, false, fmt.Errorf("read snapshot of %s: %w", table, err)
	}
	if err := json.Unmarshal(e.Value(), &snap); err != nil || snap.Table == nil {
		return snap, false, fmt.Errorf("decode snapshot of %s: %v", table, err)
	}
	return snap, true, nil
}
