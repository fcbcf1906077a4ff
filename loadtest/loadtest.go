// Package loadtest drives simulated players against a running Wordwalls
// game over real WebSockets and measures what they see: connections,
// accepted guesses, event deliveries, guess-to-broadcast latency, lost or
// doubled events and the bridge's memory per connection.
//
// It creates its tables through the app back end, so it needs the back
// end's bearer secret: with it the load test asks for each round's
// questions, as the rooms worker does, and its players guess real words.
package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wordwalls/wordwalls/schemas"
)

// Config describes one load test. Zero values say what they default to.
type Config struct {
	// API is the app back end's base URL, e.g. http://127.0.0.1:8080;
	// required.
	API string
	// WS is the bridge's base URL; default: the API's host and port with
	// ws:// (wss:// for https). Its /healthz gives the bridge's memory.
	WS string
	// Secret is the back end's bearer secret, to fetch each round's
	// answers; required.
	Secret string
	// Origin is sent as the Origin header of every WebSocket; empty sends
	// none, as a program's client does.
	Origin string

	Players   int           // simulated players in all; default 100
	Tables    int           // players are spread evenly over them; default 10
	Rate      float64       // accepted guesses per second per table; default 4
	Duration  time.Duration // how long the guessing lasts; default 30 s
	TimeLimit int           // a round's time limit in seconds; default 300
	Questions int           // questions per round, 10 to 200; default 200
	Length    int           // word length; default 7
	Lexicon   string        // default ENABLE

	// Ramp spreads the connections over this long; zero opens them as
	// fast as DialConcurrency allows.
	Ramp time.Duration
	// DialConcurrency caps WebSocket handshakes in flight; default 64.
	DialConcurrency int
	// Idle also measures the bridge's memory with everyone connected,
	// IdleWait after the last connection and before play starts.
	Idle     bool
	IdleWait time.Duration // default 2 s
	// WrongEvery makes every n-th guess a word that is not on the wall;
	// default 10. Negative sends none.
	WrongEvery int
	// Settle is how long clients get at the end to reach their table's
	// last event; default 5 s.
	Settle time.Duration

	Logger *slog.Logger // progress, a few lines per phase; default slog.Default()
	Clock  Clock        // paces the guesses; default the real clock
	HTTP   *http.Client // for the back end and /healthz; default one with a 30 s timeout
}

// Defaults.
const (
	DefaultPlayers   = 100
	DefaultTables    = 10
	DefaultRate      = 4.0
	DefaultDuration  = 30 * time.Second
	DefaultTimeLimit = 300
	DefaultQuestions = 200
	DefaultLength    = 7
	DefaultLexicon   = "ENABLE"
)

// rateLimit is the bridge's command rate per connection; a schedule that
// comes near it gets refusals.
const rateLimit = 10

func (c Config) withDefaults() (Config, error) {
	c.Players = cmp.Or(c.Players, DefaultPlayers)
	c.Tables = cmp.Or(c.Tables, DefaultTables)
	c.Rate = cmp.Or(c.Rate, DefaultRate)
	c.Duration = cmp.Or(c.Duration, DefaultDuration)
	c.TimeLimit = cmp.Or(c.TimeLimit, DefaultTimeLimit)
	c.Questions = cmp.Or(c.Questions, DefaultQuestions)
	c.Length = cmp.Or(c.Length, DefaultLength)
	c.Lexicon = cmp.Or(c.Lexicon, DefaultLexicon)
	c.DialConcurrency = cmp.Or(c.DialConcurrency, 64)
	c.IdleWait = cmp.Or(c.IdleWait, 2*time.Second)
	c.WrongEvery = cmp.Or(c.WrongEvery, 10)
	c.Settle = cmp.Or(c.Settle, 5*time.Second)
	if c.WrongEvery < 0 {
		c.WrongEvery = 0
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second},
		}
	}

	switch {
	case c.API == "":
		return c, errors.New("the back end's URL is required")
	case c.Secret == "":
		return c, errors.New("the back end's secret is required: without it the players cannot learn the answers")
	case c.Tables < 1 || c.Players < c.Tables:
		return c, errors.New("need at least one table and one player per table")
	case c.Rate < 0 || c.Duration < 0 || c.Ramp < 0:
		return c, errors.New("rate, duration and ramp must not be negative")
	case c.Questions < schemas.MinQuestionsPerRound || c.Questions > schemas.MaxQuestionsPerRound:
		return c, fmt.Errorf("questions must be from %d to %d",
			schemas.MinQuestionsPerRound, schemas.MaxQuestionsPerRound)
	case c.TimeLimit < schemas.MinTimeLimit || c.TimeLimit > schemas.MaxTimeLimit:
		return c, fmt.Errorf("time limit must be from %d to %d seconds", schemas.MinTimeLimit, schemas.MaxTimeLimit)
	}
	c.API = strings.TrimSuffix(c.API, "/")
	if c.WS == "" {
		ws, err := WSURL(c.API)
		if err != nil {
			return c, err
		}
		c.WS = ws
	}
	c.WS = strings.TrimSuffix(c.WS, "/")
	return c, nil
}

// WSURL turns an http(s) base URL into the ws(s) one for the same host.
func WSURL(api string) (string, error) {
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("back end URL %q: want http://host:port", api)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("back end URL %q: want http or https", api)
	}
	return u.Scheme + "://" + u.Host, nil
}

// healthURL is the bridge's /healthz for its ws(s) base URL.
func healthURL(ws string) (string, error) {
	u, err := url.Parse(ws)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bridge URL %q: want ws://host:port", ws)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("bridge URL %q: want ws or wss", ws)
	}
	return u.Scheme + "://" + u.Host + "/healthz?gc=1", nil
}

// run is one load test under way.
type run struct {
	cfg  Config
	api  *api
	log  *slog.Logger
	base time.Time // the run clock's zero

	tables  []*table
	players []*player

	measuring atomic.Bool
	openOnce  sync.Once
	opened    chan struct{}
	window    [2]int64         // run clock when measuring started and stopped
	cpu       [2]time.Duration // this process's CPU time at the same moments

	latency *Histogram // guess sent → solved received by another player
	ack     *Histogram // guess sent → its ack
	lag     *Histogram // how late guesses went out against their schedule
	connect *Histogram // dial → first snapshot or table event

	accepted   atomic.Int64
	sentRight  atomic.Int64
	sentWrong  atomic.Int64
	sendErrors atomic.Int64
	stray      atomic.Int64 // solved events that match no guess of ours
	skipped    atomic.Int64
	rounds     atomic.Int64

	mu         sync.Mutex
	replies    map[string]int
	refusals   map[string]int
	closeCodes map[int]int
	problems   map[string]int
	notes      []string
	failed     int // connections that never caught up
}

func newRun(cfg Config) (*run, error) {
	health, err := healthURL(cfg.WS)
	if err != nil {
		return nil, err
	}
	return &run{
		cfg:        cfg,
		api:        &api{base: cfg.API, health: health, secret: cfg.Secret, http: cfg.HTTP},
		log:        cfg.Logger,
		base:       time.Now(),
		opened:     make(chan struct{}),
		latency:    NewHistogram(),
		ack:        NewHistogram(),
		lag:        NewHistogram(),
		connect:    NewHistogram(),
		replies:    map[string]int{},
		refusals:   map[string]int{},
		closeCodes: map[int]int{},
		problems:   map[string]int{},
	}, nil
}

// now is the run clock: monotonic nanoseconds since the run began.
func (r *run) now() int64 { return int64(time.Since(r.base)) }

func (r *run) count(m *map[string]int, key string) {
	r.mu.Lock()
	(*m)[key]++
	r.mu.Unlock()
}

// maxProblems caps how many different problems are kept; the rest are
// counted under one line.
const maxProblems = 20

func (r *run) problem(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.problems[msg]; !ok && len(r.problems) >= maxProblems {
		msg = "other problems"
	}
	r.problems[msg]++
}

func (r *run) note(msg string) {
	r.mu.Lock()
	r.notes = append(r.notes, msg)
	r.mu.Unlock()
}

func (r *run) dropped(code int) {
	r.mu.Lock()
	r.closeCodes[code]++
	r.mu.Unlock()
}

// openWindow starts measuring, once, when the first round begins.
func (r *run) openWindow() {
	r.openOnce.Do(func() {
		r.window[0], r.cpu[0] = r.now(), cpuTime()
		r.measuring.Store(true)
		close(r.opened)
	})
}

// Run runs a load test and reports what it measured. It returns an error
// only when the test could not be run at all; what went wrong during the
// run is in the report's Problems.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	// Every phase has its own time limit; this bounds them all.
	ctx, cancel := context.WithTimeout(ctx, cfg.Ramp+cfg.Duration+cfg.IdleWait+5*time.Minute)
	defer cancel()
	rep := &Report{Config: summarize(cfg)}

	before, err := r.api.healthz(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.api.checkSecret(ctx); err != nil {
		return nil, err
	}
	rep.Memory.Before = before.RSSBytes
	rep.Memory.ConnectionsBefore = before.Connections

	if err := r.createTables(ctx); err != nil {
		return nil, err
	}
	r.connectAll(ctx)
	defer r.closeAll()

	if cfg.Idle {
		r.log.Info("measuring idle memory", slog.Duration("after", cfg.IdleWait))
		if sleep(ctx, cfg.IdleWait) {
			if h, err := r.api.healthz(ctx); err == nil {
				rep.Memory.Idle, rep.Memory.ConnectionsIdle = h.RSSBytes, h.Connections
			} else {
				r.problem(err.Error())
			}
		}
	}

	r.play(ctx)
	r.finish(ctx)
	r.settle(ctx, rep)
	if h, err := r.api.healthz(ctx); err == nil {
		rep.Memory.End, rep.Memory.ConnectionsEnd = h.RSSBytes, h.Connections
	} else {
		r.problem(err.Error())
	}
	r.closeAll()
	r.fill(rep)
	return rep, nil
}

// sleep waits d unless ctx ends first, and reports whether it waited.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// createTables creates the tables and a join token for every player.
func (r *run) createTables(ctx context.Context) error {
	cfg := r.cfg
	r.log.Info("creating tables", slog.Int("tables", cfg.Tables), slog.Int("players", cfg.Players))
	all := make([]*table, cfg.Tables)
	for i := range all {
		all[i] = newTable(r, i+1)
	}
	var firstErr error
	var errOnce sync.Once
	forEach(ctx, len(all), 16, func(i int) {
		t := all[i]
		if err := r.createTable(ctx, t, seatCount(cfg.Players, cfg.Tables, i)); err != nil {
			errOnce.Do(func() { firstErr = err })
			r.problem(fmt.Sprintf("table not created: %v", err))
			t.players = nil
		}
	})
	for _, t := range all {
		if len(t.players) > 0 {
			r.tables = append(r.tables, t)
			r.players = append(r.players, t.players...)
		}
	}
	if len(r.tables) == 0 {
		return fmt.Errorf("no table could be created: %w", firstErr)
	}
	return nil
}

// seatCount is how many of players sit at table i of tables.
func seatCount(players, tables, i int) int {
	n := players / tables
	if i < players%tables {
		n++
	}
	return n
}

func (r *run) createTable(ctx context.Context, t *table, seats int) error {
	cfg := r.cfg
	hostName := fmt.Sprintf("p%d-1", t.n)
	resp, err := r.api.createTable(ctx, createTableRequest{
		Name:              fmt.Sprintf("load test %d", t.n),
		Lexicon:           cfg.Lexicon,
		Length:            cfg.Length,
		ProbMin:           1,
		QuestionsPerRound: cfg.Questions,
		TimeLimit:         cfg.TimeLimit,
		Player:            hostName,
	})
	if err != nil {
		return err
	}
	t.id = resp.Table
	t.players = []*player{newPlayer(t, resp.UserID, resp.Token, true)}
	for i := 2; i <= seats; i++ {
		name := fmt.Sprintf("p%d-%d", t.n, i)
		tok, err := r.api.token(ctx, t.id, name)
		if err != nil {
			return err
		}
		t.players = append(t.players, newPlayer(t, tok.UserID, tok.Token, false))
	}
	return nil
}

// forEach calls fn for 0..n-1 with at most par calls at once, and stops
// starting new ones when ctx ends.
func forEach(ctx context.Context, n, par int, fn func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, par)
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// connectAll opens every player's connection, the hosts first, spread
// over the ramp.
func (r *run) connectAll(ctx context.Context) {
	cfg := r.cfg
	order := make([]*player, 0, len(r.players))
	for seat := 0; len(order) < len(r.players); seat++ {
		for _, t := range r.tables {
			if seat < len(t.players) {
				order = append(order, t.players[seat])
			}
		}
	}
	r.log.Info("connecting", slog.Int("players", len(order)),
		slog.String("bridge", cfg.WS), slog.Duration("ramp", cfg.Ramp))

	var header http.Header
	if cfg.Origin != "" {
		header = http.Header{"Origin": []string{cfg.Origin}}
	}
	start := time.Now()
	var established atomic.Int64
	forEach(ctx, len(order), cfg.DialConcurrency, func(i int) {
		if cfg.Ramp > 0 {
			at := start.Add(cfg.Ramp * time.Duration(i) / time.Duration(len(order)))
			if !sleep(ctx, time.Until(at)) {
				return
			}
		}
		p := order[i]
		dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		t0 := time.Now()
		if err := p.dial(dctx, cfg.WS, header); err != nil {
			r.mu.Lock()
			r.failed++
			r.mu.Unlock()
			r.problem("connection failed: " + err.Error())
			p.dead.Store(true)
			return
		}
		r.connect.Record(time.Since(t0))
		if n := established.Add(1); n%1000 == 0 && int(n) < len(order) {
			r.log.Info("connected", slog.Int64("players", n))
		}
	})
	for _, t := range r.tables {
		for _, p := range t.players {
			if p.conn != nil && !p.dead.Load() {
				t.live = append(t.live, p)
			}
		}
	}
	r.log.Info("connected", slog.Int64("players", established.Load()),
		slog.Duration("took", time.Since(start).Round(time.Millisecond)))
	if perPlayer := cfg.Rate * 1.2 / float64(max(cfg.Players/cfg.Tables, 1)); perPlayer > rateLimit*0.8 {
		r.note(fmt.Sprintf("each player sends about %.1f guesses a second, near the bridge's limit of %d",
			perPlayer, rateLimit))
	}
}

// play runs every table until the duration has passed from the first
// round's start.
func (r *run) play(ctx context.Context) {
	cfg := r.cfg
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for _, t := range r.tables {
		if t.host().dead.Load() {
			r.problem("a table's host is not connected; the table sits out")
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.play(pctx)
		}()
	}
	allOut := make(chan struct{})
	go func() { wg.Wait(); close(allOut) }()
	r.log.Info("playing", slog.Duration("for", cfg.Duration), slog.Float64("rate_per_table", cfg.Rate))

	select {
	case <-r.opened:
		select {
		case <-time.After(cfg.Duration):
		case <-allOut:
		case <-ctx.Done():
		}
	case <-allOut:
		r.problem("no round started")
	case <-ctx.Done():
	}
	r.window[1], r.cpu[1] = r.now(), cpuTime()
	r.measuring.Store(false)
	stop()
	wg.Wait()
}

// finish ends every table's round and waits for each host's closing chat
// line.
func (r *run) finish(ctx context.Context) {
	r.log.Info("finishing")
	forEach(ctx, len(r.tables), 64, func(i int) { r.tables[i].finish(ctx) })
}

// settle gives every client a moment to reach its table's last event,
// then counts those that did not and the faults their connections saw.
func (r *run) settle(ctx context.Context, rep *Report) {
	lasts := make([]uint64, len(r.tables))
	behind := func() (clients int, events uint64) {
		for i, t := range r.tables {
			last := t.last
			for _, p := range t.live {
				last = max(last, p.conn.Last())
			}
			lasts[i] = last
			for _, p := range t.live {
				if l := p.conn.Last(); l < last {
					clients++
					events += last - l
				}
			}
		}
		return clients, events
	}
	deadline := time.Now().Add(r.cfg.Settle)
	for {
		clients, events := behind()
		if clients == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			rep.Events.ClientsBehind, rep.Events.EventsBehind = clients, events
			break
		}
		sleep(ctx, 50*time.Millisecond)
	}
	for i, t := range r.tables {
		if t.last == 0 {
			rep.Events.TablesUnconfirmed++
		}
		for _, p := range t.live {
			dups, gaps := p.conn.Faults()
			rep.Events.Duplicated += dups
			rep.Events.Lost += gaps
			if p.conn.Last() == lasts[i] {
				rep.Events.ClientsAtLast++
			}
		}
	}
}

// closeAll closes every connection and waits for the readers to stop.
func (r *run) closeAll() {
	var open []*player
	for _, p := range r.players {
		if p.conn != nil && !p.closing.Swap(true) {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		return
	}
	r.log.Info("closing", slog.Int("connections", len(open)))
	forEach(context.Background(), len(open), 64, func(i int) {
		p := open[i]
		p.conn.WS.SetWriteDeadline(time.Now().Add(time.Second))
		p.conn.Close()
		wait(context.Background(), p.done, 5*time.Second)
	})
}

// fill copies the counters into the report.
func (r *run) fill(rep *Report) {
	elapsed := time.Duration(r.window[1] - r.window[0])
	if r.window[0] == 0 {
		elapsed = 0
	}
	rep.Elapsed = Seconds(elapsed)

	var established int
	var deliveries int64
	for _, p := range r.players {
		deliveries += p.deliveries.Load()
		if p.conn != nil {
			select {
			case <-p.ready:
				established++
			default:
			}
		}
	}
	rep.Connections = Connections{
		Attempted:   len(r.players),
		Established: established,
		Failed:      r.failed,
		Connect:     summary(r.connect),
	}
	r.mu.Lock()
	for code, n := range r.closeCodes {
		rep.Connections.Dropped += n
		if rep.Connections.CloseCodes == nil {
			rep.Connections.CloseCodes = map[string]int{}
		}
		rep.Connections.CloseCodes[strconv.Itoa(code)] = n
	}
	rep.Guesses = Guesses{
		Right:      r.sentRight.Load(),
		Wrong:      r.sentWrong.Load(),
		SendErrors: r.sendErrors.Load(),
		Replies:    copyMap(r.replies),
		Refused:    copyMap(r.refusals),
		Skipped:    r.skipped.Load(),
	}
	problems := copyMap(r.problems)
	rep.Notes = append(rep.Notes, r.notes...)
	r.mu.Unlock()

	if elapsed > 0 && r.cpu[0] > 0 {
		rep.GeneratorCPU = round((r.cpu[1]-r.cpu[0]).Seconds()/elapsed.Seconds(), 2)
	}
	rep.Rounds = r.rounds.Load()
	rep.Tables = len(r.tables)
	rep.Accepted = rate(r.accepted.Load(), elapsed)
	rep.Deliveries = rate(deliveries, elapsed)
	rep.Latency = summary(r.latency)
	rep.AckLatency = summary(r.ack)
	rep.SendLag = summary(r.lag)
	rep.Events.Stray = r.stray.Load()
	rep.TargetAccepted = r.cfg.Rate * float64(len(r.tables))
	rep.Memory.perConnection(established)
	rep.judge(problems)
}

func copyMap(m map[string]int) map[string]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
