// Package worker runs tables: it consumes the input stream, applies the
// rules of package rooms, publishes what follows, asks the app back end for
// questions, schedules timers through the input stream and snapshots each
// table to JetStream KV.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/rooms"
	"github.com/wordwalls/wordwalls/schemas"
)

// Backend gives a round its questions. In production it is the Django app
// over HTTP; the one-machine default uses the built-in back end.
type Backend interface {
	Questions(ctx context.Context, req schemas.QuestionsRequest) (schemas.Questions, error)
}

// Config configures a Worker. Zero values say what they default to.
type Config struct {
	Conn    *nats.Conn // required
	Backend Backend    // required
	Logger  *slog.Logger

	// Name keys this worker's checkpoint; default "rooms".
	Name string
	// SnapshotAfter is how long a table may go unsaved after a change;
	// default 1 s. Longer saves work, shorter shortens recovery.
	SnapshotAfter time.Duration
	// FetchAttempts is how many times a round's questions are asked for
	// before the round is cancelled; default 5.
	FetchAttempts int
	// FetchTimeout bounds one ask; default 10 s.
	FetchTimeout time.Duration
	// Shards is how many goroutines apply inputs, each owning a share of
	// the input partitions; default the number of CPUs, at most
	// bus.Partitions.
	Shards int
}

// Worker is the single writer of the tables whose inputs it consumes.
type Worker struct {
	cfg Config
	log *slog.Logger
	js  jetstream.JetStream

	tables  jetstream.KeyValue
	workers jetstream.KeyValue
}

// New checks the configuration and opens the buckets the worker needs.
// bus.Setup must have run.
func New(ctx context.Context, cfg Config) (*Worker, error) {
	if cfg.Conn == nil || cfg.Backend == nil {
		return nil, errors.New("worker needs a nats connection and a back end")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Name == "" {
		cfg.Name = "rooms"
	}
	if cfg.SnapshotAfter <= 0 {
		cfg.SnapshotAfter = time.Second
	}
	if cfg.FetchAttempts <= 0 {
		cfg.FetchAttempts = 5
	}
	if cfg.FetchTimeout <= 0 {
		cfg.FetchTimeout = 10 * time.Second
	}
	if cfg.Shards <= 0 {
		cfg.Shards = runtime.GOMAXPROCS(0)
	}
	cfg.Shards = min(cfg.Shards, bus.Partitions)
	w := &Worker{cfg: cfg, log: cfg.Logger.With(slog.String(logWorker, cfg.Name))}
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	w.js = js
	if w.tables, err = js.KeyValue(ctx, bus.TableBucket); err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", bus.TableBucket, err)
	}
	if w.workers, err = js.KeyValue(ctx, bus.WorkerBucket); err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", bus.WorkerBucket, err)
	}
	return w, nil
}

// Log keys.
const (
	logWorker  = "worker"
	logTable   = "table"
	logSubject = "subject"
	logSeq     = "seq"
	logErr     = "err"
	logRound   = "round"
)

// Run consumes inputs until ctx ends, then saves every table and its
// checkpoint. Each shard runs on its own; after a failed publish a shard
// starts again from its checkpoint.
func (w *Worker) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range w.cfg.Shards {
		var parts []int
		for p := i; p < bus.Partitions; p += w.cfg.Shards {
			parts = append(parts, p)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.runShard(ctx, parts)
		}()
	}
	wg.Wait()
	return nil
}

func (w *Worker) runShard(ctx context.Context, parts []int) {
	log := w.log.With(slog.Any("partitions", parts))
	for {
		err := w.runOnce(ctx, log, parts)
		if ctx.Err() != nil {
			return
		}
		log.Warn("restarting from checkpoint", slog.Any(logErr, err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

type input struct {
	msg  jetstream.Msg
	meta *jetstream.MsgMetadata
}

// session is one pass of one shard over the input stream from its
// checkpoint; it lives in one goroutine, with its own JetStream context so
// that waiting for its publishes does not wait for other shards'.
type session struct {
	w      *Worker
	log    *slog.Logger
	js     jetstream.JetStream
	parts  []int
	failed atomic.Bool // a publish failed: start again from the checkpoint

	tables   map[string]*table
	dirty    []*table // in the order they became dirty
	lastSeen uint64   // last input sequence handled
	// pending is the checkpoint to write once the snapshots saved with it
	// are acknowledged.
	pending uint64
	saved   uint64
}

type table struct {
	*rooms.Table
	inputSeq     uint64 // last input applied
	published    uint64 // highest event sequence known to be in the stream
	firstUnsaved uint64 // first input applied since the last snapshot; 0 if clean
	dirtySince   time.Time
	savedFixed   uint64 // version of the fixed part last saved
}

func (w *Worker) checkpointKey(part int) string {
	return "checkpoint." + w.cfg.Name + "." + strconv.Itoa(part)
}

// loadCheckpoint returns where a shard resumes: the lowest checkpoint of
// its partitions, so that changing the number of shards loses nothing.
func (w *Worker) loadCheckpoint(ctx context.Context, parts []int) (uint64, error) {
	var from uint64
	for i, p := range parts {
		var seq uint64
		e, err := w.workers.Get(ctx, w.checkpointKey(p))
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return 0, fmt.Errorf("read checkpoint: %w", err)
		default:
			if seq, err = strconv.ParseUint(string(e.Value()), 10, 64); err != nil {
				return 0, fmt.Errorf("parse checkpoint %q: %w", e.Value(), err)
			}
		}
		if i == 0 || seq < from {
			from = seq
		}
	}
	return from, nil
}

func (s *session) writeCheckpoint(ctx context.Context, seq uint64) error {
	value := []byte(strconv.FormatUint(seq, 10))
	for _, p := range s.parts {
		if _, err := s.w.workers.Put(ctx, s.w.checkpointKey(p), value); err != nil {
			return fmt.Errorf("write checkpoint: %w", err)
		}
	}
	return nil
}

func (w *Worker) runOnce(ctx context.Context, log *slog.Logger, parts []int) error {
	s := &session{w: w, log: log, parts: parts, tables: map[string]*table{}}
	js, err := jetstream.New(w.cfg.Conn,
		jetstream.WithPublishAsyncMaxPending(4096),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, err error) {
			log.Error("publish failed", slog.String(logSubject, m.Subject), slog.Any(logErr, err))
			s.failed.Store(true)
		}))
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	s.js = js
	from, err := w.loadCheckpoint(ctx, parts)
	if err != nil {
		return err
	}
	s.saved, s.pending, s.lastSeen = from, from, from

	var filters []string
	for _, p := range parts {
		filters = append(filters, bus.InputFilter(p))
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: filters}
	if from > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = from + 1
	}
	cons, err := js.OrderedConsumer(ctx, bus.InputStream, cfg)
	if err != nil {
		return fmt.Errorf("input consumer: %w", err)
	}
	iter, err := cons.Messages(jetstream.PullMaxMessages(512))
	if err != nil {
		return fmt.Errorf("input messages: %w", err)
	}
	defer iter.Stop()

	inputs := make(chan input, 512)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(inputs)
		for {
			m, err := iter.Next()
			if err != nil {
				return
			}
			meta, err := m.Metadata()
			if err != nil {
				log.Error("input without metadata", slog.String(logSubject, m.Subject()), slog.Any(logErr, err))
				continue
			}
			select {
			case inputs <- input{msg: m, meta: meta}:
			case <-stop:
				return
			}
		}
	}()

	log.Info("consuming inputs", slog.Uint64("from", from+1))
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.flush(context.Background(), true)
		case in, ok := <-inputs:
			if !ok {
				return errors.New("input consumer stopped")
			}
			s.handle(ctx, in)
			if s.failed.Load() {
				return errors.New("a publish or a snapshot read failed")
			}
		case <-tick.C:
			if s.failed.Load() {
				return errors.New("a publish failed")
			}
			if err := s.flush(ctx, false); err != nil {
				return err
			}
		}
	}
}

// handle applies one input to its table and publishes what follows.
func (s *session) handle(ctx context.Context, in input) {
	seq := in.meta.Sequence.Stream
	s.lastSeen = seq
	name, err := bus.TableOfInput(in.msg.Subject())
	if err != nil {
		s.log.Warn("skipping input", slog.Uint64(logSeq, seq), slog.Any(logErr, err))
		return
	}
	t, err := s.table(ctx, name)
	if err != nil {
		// The snapshot cannot be read: stop so nothing is applied to a
		// wrong state; Run starts again from the checkpoint.
		s.log.Error("load table", slog.String(logTable, name), slog.Any(logErr, err))
		s.failed.Store(true)
		return
	}
	if seq <= t.inputSeq {
		return
	}
	var msg schemas.Input
	if err := json.Unmarshal(in.msg.Data(), &msg); err != nil || msg.Table != name {
		s.log.Warn("skipping malformed input", slog.String(logTable, name), slog.Uint64(logSeq, seq), slog.Any(logErr, err))
		t.inputSeq = seq
		s.markDirty(t, seq)
		return
	}

	res := t.Apply(msg, in.meta.Timestamp.UnixMilli())
	t.inputSeq = seq
	s.markDirty(t, seq)
	s.publish(ctx, t, res)
}

func (s *session) markDirty(t *table, seq uint64) {
	if t.firstUnsaved == 0 {
		t.firstUnsaved = seq
		t.dirtySince = time.Now()
		s.dirty = append(s.dirty, t)
	}
}

// table returns a table's state, from memory or from its snapshot.
func (s *session) table(ctx context.Context, name string) (*table, error) {
	if t, ok := s.tables[name]; ok {
		return t, nil
	}
	w := s.w
	t := &table{Table: rooms.New(name)}
	snap, found, err := LoadTable(ctx, w.tables, name)
	if err != nil {
		return nil, err
	}
	if found {
		t.Table, t.inputSeq, t.savedFixed = snap.Table, snap.InputSeq, snap.Table.FixedVersion
	}
	if t.published, err = w.lastPublished(ctx, name); err != nil {
		return nil, err
	}
	s.tables[name] = t

	// Effects of the last inputs before a crash may be missing: ask again.
	// Timers and questions are idempotent under the rules.
	s.resume(ctx, t)
	return t, nil
}

// lastPublished reads the sequence of the newest event of a table in the
// event stream, so that inputs re-applied after a crash do not publish
// their events twice.
func (w *Worker) lastPublished(ctx context.Context, name string) (uint64, error) {
	st, err := w.js.Stream(ctx, bus.EventStream)
	if err != nil {
		return 0, fmt.Errorf("event stream: %w", err)
	}
	m, err := st.GetLastMsgForSubject(ctx, bus.EventSubject(name))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("last event of %s: %w", name, err)
	}
	seq, err := strconv.ParseUint(m.Header.Get(bus.HeaderSeq), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("last event of %s: bad %s header: %w", name, bus.HeaderSeq, err)
	}
	return seq, nil
}

func (s *session) resume(ctx context.Context, t *table) {
	switch t.Phase {
	case schemas.PhaseCountdown:
		s.schedule(t, rooms.Timer{Name: schemas.TimerGo, Round: t.Round, At: t.StartsAt})
		if t.Questions == nil {
			s.fetch(ctx, t.ID, rooms.Fetch{Round: t.Round, Count: t.Settings.QuestionsPerRound})
		}
	case schemas.PhaseRunning:
		s.schedule(t, rooms.Timer{Name: schemas.TimerDeadline, Round: t.Round, At: t.Deadline})
	}
}

// publish sends everything a Result asks for. Events go out with their
// sequence as message id, so a re-applied input cannot store one twice.
func (s *session) publish(ctx context.Context, t *table, res rooms.Result) {
	for _, ev := range res.Events {
		if ev.Seq <= t.published {
			continue
		}
		data, err := json.Marshal(ev)
		if err != nil {
			s.log.Error("encode event", slog.String(logTable, t.ID), slog.Any(logErr, err))
			continue
		}
		m := nats.NewMsg(bus.EventSubject(t.ID))
		m.Data = data
		m.Header.Set(bus.HeaderSeq, strconv.FormatUint(ev.Seq, 10))
		s.async(m, jetstream.WithMsgID(bus.EventMsgID(t.ID, ev.Seq)))
		t.published = ev.Seq
	}
	if res.Reply != nil {
		data, err := json.Marshal(res.Reply.Event)
		if err == nil {
			m := nats.NewMsg(bus.ReplySubject(t.ID))
			m.Data = data
			m.Header.Set(bus.HeaderConn, res.Reply.To)
			s.async(m)
		}
	}
	for _, tm := range res.Timers {
		s.schedule(t, tm)
	}
	if res.Results != nil {
		data, err := json.Marshal(res.Results)
		if err == nil {
			m := nats.NewMsg(bus.ResultSubject(t.ID))
			m.Data = data
			s.async(m, jetstream.WithMsgID(t.ID+":res:"+strconv.Itoa(res.Results.Round)))
		}
	}
	if res.Fetch != nil {
		s.fetch(ctx, t.ID, *res.Fetch)
	}
}

func (s *session) async(m *nats.Msg, opts ...jetstream.PublishOpt) {
	if _, err := s.js.PublishMsgAsync(m, opts...); err != nil {
		s.log.Error("publish", slog.String(logSubject, m.Subject), slog.Any(logErr, err))
		s.failed.Store(true)
	}
}

// schedule asks the server to put a timer on the table's input subject when
// it is due. The schedule lives in the input stream, so the timer fires even
// if no worker runs at that moment.
func (s *session) schedule(t *table, tm rooms.Timer) {
	in := schemas.Input{Type: schemas.InTimer, Table: t.ID, Round: tm.Round, Timer: tm.Name, At: tm.At}
	data, err := json.Marshal(in)
	if err != nil {
		return
	}
	m := nats.NewMsg(bus.ScheduleSubject(t.ID, tm.Round, tm.Name))
	m.Data = data
	s.async(m,
		jetstream.WithScheduleAt(time.UnixMilli(tm.At)),
		jetstream.WithScheduleTarget(bus.InputSubject(t.ID)),
		jetstream.WithMsgID(t.ID+":t:"+strconv.Itoa(tm.Round)+":"+tm.Name))
}

// fetch asks the back end for a round's questions in the background and
// puts the answer on the input stream, so that replay sees the same
// questions the players saw.
func (s *session) fetch(ctx context.Context, name string, f rooms.Fetch) {
	w := s.w
	go func() {
		req := schemas.QuestionsRequest{Table: name, Round: f.Round, Count: f.Count}
		in := schemas.Input{Type: schemas.InNoQuestions, Table: name, Round: f.Round}
		id := name + ":q:" + strconv.Itoa(f.Round)
		for attempt := 1; attempt <= w.cfg.FetchAttempts; attempt++ {
			actx, cancel := context.WithTimeout(ctx, w.cfg.FetchTimeout)
			qs, err := w.cfg.Backend.Questions(actx, req)
			cancel()
			if err == nil {
				in = schemas.Input{Type: schemas.InQuestions, Table: name, Round: f.Round, Questions: qs.Questions}
				break
			}
			in.Error = err.Error()
			s.log.Warn("fetch questions", slog.String(logTable, name), slog.Int(logRound, f.Round),
				slog.Int("attempt", attempt), slog.Any(logErr, err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		data, err := json.Marshal(in)
		if err != nil {
			return
		}
		if in.Type == schemas.InNoQuestions {
			id = name + ":nq:" + strconv.Itoa(f.Round)
		}
		if _, err := s.js.Publish(ctx, bus.InputSubject(name), data, jetstream.WithMsgID(id)); err != nil {
			s.log.Error("publish questions", slog.String(logTable, name), slog.Any(logErr, err))
		}
	}()
}

// saveBudget bounds the time one flush spends saving tables.
const saveBudget = 5 * time.Millisecond

// save publishes a table's snapshot, and its fixed part first if that
// changed: one stream keeps the order, so a snapshot never lands without
// the fixed part it names.
func (s *session) save(t *table) error {
	if t.FixedVersion != t.savedFixed {
		data, err := json.Marshal(t.Fixed())
		if err != nil {
			return fmt.Errorf("encode questions of %s: %w", t.ID, err)
		}
		if _, err := s.js.PublishAsync(fixedSubject(t.ID), data); err != nil {
			return fmt.Errorf("save questions of %s: %w", t.ID, err)
		}
		t.savedFixed = t.FixedVersion
	}
	data, err := json.Marshal(rooms.Snapshot{InputSeq: t.inputSeq, Table: t.Table})
	if err != nil {
		return fmt.Errorf("encode snapshot of %s: %w", t.ID, err)
	}
	if _, err := s.js.PublishAsync(tableSubject(t.ID), data); err != nil {
		return fmt.Errorf("save snapshot of %s: %w", t.ID, err)
	}
	t.firstUnsaved = 0
	return nil
}

// flush saves tables that have been dirty long enough (all of them when
// final) and moves the checkpoint past inputs every table has saved.
func (s *session) flush(ctx context.Context, final bool) error {
	w := s.w
	select {
	case <-s.js.PublishAsyncComplete():
	case <-time.After(10 * time.Second):
		return errors.New("publishes not acknowledged in 10 s")
	}
	if s.failed.Load() {
		return errors.New("a publish failed")
	}

	// Everything published before now is stored, the snapshots saved at
	// the last flush included: their checkpoint can be written.
	if s.pending > s.saved {
		if err := s.writeCheckpoint(ctx, s.pending); err != nil {
			return err
		}
		s.saved = s.pending
	}

	// Save the tables that have waited long enough, oldest first, within a
	// time budget so that the loop never stalls for long; the rest wait for
	// the next tick.
	now := time.Now()
	budget := now.Add(saveBudget)
	n := 0
	for _, t := range s.dirty {
		if !final && (now.Sub(t.dirtySince) < w.cfg.SnapshotAfter || time.Now().After(budget)) {
			break
		}
		if err := s.save(t); err != nil {
			return err
		}
		n++
	}
	s.dirty = append(s.dirty[:0], s.dirty[n:]...)

	// The dirty list is in the order tables became dirty, so its head holds
	// the oldest input not yet saved.
	s.pending = s.lastSeen
	if len(s.dirty) > 0 {
		s.pending = s.dirty[0].firstUnsaved - 1
	}
	if final {
		<-s.js.PublishAsyncComplete()
		if err := s.writeCheckpoint(ctx, s.pending); err != nil {
			return err
		}
	}
	return nil
}
