// Package rooms holds a table's rules: a deterministic function of the
// table's state and one input. It reads no clock and does no I/O; time comes
// from the input's stream timestamp, and everything the rules want done
// outside (events to publish, timers to schedule, questions to fetch) comes
// back in a Result.
package rooms

import (
	"fmt"
	"sort"

	"github.com/wordwalls/wordwalls/schemas"
)

// Defaults and limits for table settings.
const (
	DefaultQuestions = 50
	DefaultTimeLimit = 300 // seconds
	MinQuestions     = 10
	MaxQuestions     = 200
	MinTimeLimit     = 10
	MaxTimeLimit     = 3600

	// CountdownMS is how long a countdown lasts before the wall shows.
	CountdownMS = 3000
	// ChatKept is how many chat lines a table view carries.
	ChatKept = 20
	// recentKept is how many command ids the table remembers per table to
	// make resends idempotent beyond the stream's de-duplication window.
	recentKept = 256
)

// Reply codes the rules answer a sender with.
const (
	CodeWrong         = "wrong"
	CodeAlreadySolved = "already_solved"
	CodeTooLate       = "too_late"
	CodeNotRunning    = "not_running"
	CodeNotHost       = "not_host"
	CodeSpectator     = "spectator"
	CodeBadSettings   = "bad_settings"
	CodeBusy          = "busy"
	CodeNoTable       = "no_table"
	CodeBadRequest    = "bad_request"
)

// Round-over and cancel reasons.
const (
	ReasonTime        = "time"
	ReasonGiveUp      = "give_up"
	ReasonCleared     = "cleared"
	ReasonNoQuestions = "no_questions"
)

// Player is a user known to the table.
type Player struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Conns    []string `json:"conns,omitempty"`
	Order    uint64   `json:"order"` // when they last arrived; lowest is longest present
	Score    int      `json:"score"`
	LastWord string   `json:"last_word,omitempty"`
}

// Present reports whether the player has at least one open connection.
func (p *Player) Present() bool { return len(p.Conns) > 0 }

// Fixed is the part of a table that changes only between rounds and is
// large: the round's questions with every answer and hook, and the last
// round's revealed answers. It is saved apart from the rest of the table,
// once per change, so that frequent snapshots stay small.
type Fixed struct {
	Version   uint64             `json:"version"`
	Questions []schemas.Question `json:"questions,omitempty"`
	Last      []schemas.Answer   `json:"last,omitempty"`
}

// Table is one table's whole state. Its zero value is a table that has not
// been opened.
type Table struct {
	ID       string            `json:"id"`
	Open     bool              `json:"open"`
	Info     schemas.TableInfo `json:"info"`
	Settings schemas.Settings  `json:"settings"`
	Creator  string            `json:"creator"`
	Host     string            `json:"host,omitempty"`
	Seq      uint64            `json:"seq"` // last event's sequence number
	Arrivals uint64            `json:"arrivals"`
	Players  []*Player         `json:"players"`

	Phase     string            `json:"phase"`
	Round     int               `json:"round"`
	StartsAt  int64             `json:"starts_at,omitempty"`
	StartedAt int64             `json:"started_at,omitempty"`
	Deadline  int64             `json:"deadline,omitempty"`
	Solves    [][]schemas.Solve `json:"solves,omitempty"` // per question, in order found
	Unsolved  int               `json:"unsolved"`
	// LastReason is why the last finished round ended, as its round_over
	// said.
	LastReason string `json:"last_reason,omitempty"`

	// FixedVersion counts changes to Questions and Last, which are saved
	// apart (see Fixed).
	FixedVersion uint64             `json:"fixed_version"`
	Questions    []schemas.Question `json:"-"` // the round's, answers included
	Last         []schemas.Answer   `json:"-"` // answers of the last finished round

	Chat   []schemas.Event `json:"chat,omitempty"`
	Recent []string        `json:"recent,omitempty"` // user:command ids, oldest first

	answers map[string]int // word → question index, rebuilt on demand
	now     int64          // the input's time, while Apply runs
}

// Fixed returns the part of the table saved apart.
func (t *Table) Fixed() Fixed {
	return Fixed{Version: t.FixedVersion, Questions: t.Questions, Last: t.Last}
}

// SetFixed restores the part saved apart; its version must be the one the
// table was saved with.
func (t *Table) SetFixed(f Fixed) error {
	if f.Version != t.FixedVersion {
		return fmt.Errorf("table %s: fixed part version %d, want %d", t.ID, f.Version, t.FixedVersion)
	}
	t.Questions, t.Last, t.answers = f.Questions, f.Last, nil
	return nil
}

// setRound replaces the round's questions and the last answers.
func (t *Table) setRound(qs []schemas.Question, last []schemas.Answer) {
	t.Questions, t.Last, t.answers = qs, last, nil
	t.Solves, t.Unsolved = nil, 0
	if qs != nil {
		t.Solves = make([][]schemas.Solve, len(qs))
		for _, q := range qs {
			t.Unsolved += len(q.Words)
		}
	}
	t.FixedVersion++
}

// New returns an unopened table with the given id.
func New(id string) *Table {
	return &Table{ID: id, Phase: schemas.PhaseIdle}
}

// Timer asks for an input of type timer at a time.
type Timer struct {
	Name  string
	Round int
	At    int64 // ms since the Unix epoch
}

// Reply is an answer to one connection.
type Reply struct {
	To    string // connection id
	Event schemas.Event
}

// Fetch asks for a round's questions from the app back end.
type Fetch struct {
	Round int
	Count int
}

// Result is everything that follows from applying one input.
type Result struct {
	Events  []schemas.Event      // table events, numbered
	Reply   *Reply               // an answer to the sender alone
	Timers  []Timer              // to deliver later as inputs
	Fetch   *Fetch               // questions to ask for
	Results *schemas.RoundResult // a finished round
}

// Apply applies one input at time now (ms since the Unix epoch, from the
// input's stream timestamp) and returns what follows from it.
func (t *Table) Apply(in schemas.Input, now int64) Result {
	var r Result
	t.now = now
	if t.Phase == "" {
		t.Phase = schemas.PhaseIdle
	}

	// A running round whose deadline has passed ends before anything else
	// happens, so late inputs see a finished round even if the timer is late.
	if t.Phase == schemas.PhaseRunning && now >= t.Deadline && in.Type != schemas.InTimer {
		t.endRound(&r, ReasonTime, t.Deadline)
	}

	switch in.Type {
	case schemas.InOpen:
		t.open(&r, in)
	case schemas.InJoin:
		t.join(&r, in)
	case schemas.InLeave:
		t.leave(&r, in)
	case schemas.InCommand:
		t.command(&r, in, now)
	case schemas.InQuestions:
		t.questions(&r, in, now)
	case schemas.InNoQuestions:
		if in.Round == t.Round && t.Phase == schemas.PhaseCountdown {
			t.cancel(&r, ReasonNoQuestions)
		}
	case schemas.InTimer:
		t.timer(&r, in, now)
	}
	return r
}

// emit numbers a table event and adds it to the result.
func (t *Table) emit(r *Result, ev schemas.Event) schemas.Event {
	t.Seq++
	ev.Seq = t.Seq
	ev.TS = t.now
	r.Events = append(r.Events, ev)
	return ev
}

func (t *Table) reply(r *Result, from *schemas.Sender, cmd *schemas.Command, code, msg string) {
	if from == nil {
		return
	}
	ev := schemas.Event{Type: schemas.EvReply, Code: code, Message: msg}
	if cmd != nil {
		ev.Re = cmd.ID
	}
	r.Reply = &Reply{To: from.Conn, Event: ev}
}

func (t *Table) open(r *Result, in schemas.Input) {
	if t.Open || in.Info == nil {
		return
	}
	t.Open = true
	t.Info = *in.Info
	t.Creator = in.Creator
	t.Settings = schemas.Settings{QuestionsPerRound: DefaultQuestions, TimeLimit: DefaultTimeLimit}
	if in.Settings != nil && ValidSettings(*in.Settings) {
		t.Settings = *in.Settings
	}
	info, settings := t.Info, t.Settings
	t.emit(r, schemas.Event{Type: schemas.EvOpened, Info: &info, Settings: &settings})
}

// ValidSettings reports whether settings are within the table limits.
func ValidSettings(s schemas.Settings) bool {
	return s.QuestionsPerRound >= MinQuestions && s.QuestionsPerRound <= MaxQuestions &&
		s.TimeLimit >= MinTimeLimit && s.TimeLimit <= MaxTimeLimit
}

func (t *Table) player(id string) *Player {
	for _, p := range t.Players {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (t *Table) join(r *Result, in schemas.Input) {
	from := in.From
	if from == nil {
		return
	}
	if !t.Open {
		t.reply(r, from, nil, CodeNoTable, "this table is not open")
		return
	}

	p := t.player(from.UserID)
	if p == nil {
		p = &Player{ID: from.UserID}
		t.Players = append(t.Players, p)
	}
	arrived := !p.Present()
	for _, c := range p.Conns {
		if c == from.Conn {
			return // the same connection announced twice
		}
	}
	p.Conns = append(p.Conns, from.Conn)
	if arrived || p.Name != from.Name || p.Role != from.Role {
		if arrived {
			t.Arrivals++
			p.Order = t.Arrivals
		}
		p.Name, p.Role = from.Name, from.Role
		view := p.view()
		t.emit(r, schemas.Event{Type: schemas.EvJoined, Player: &view})
	}

	creator := p.ID == t.Creator || p.Role == schemas.RoleHost
	if t.Host != p.ID && (creator || (t.Host == "" && p.Role != schemas.RoleSpectator)) {
		t.Host = p.ID
		t.emit(r, schemas.Event{Type: schemas.EvHost, UserID: p.ID})
	}
}

func (t *Table) leave(r *Result, in schemas.Input) {
	if in.From == nil {
		return
	}
	p := t.player(in.From.UserID)
	if p == nil {
		return
	}
	i := indexOf(p.Conns, in.From.Conn)
	if i < 0 {
		return
	}
	p.Conns = append(p.Conns[:i], p.Conns[i+1:]...)
	if p.Present() {
		return
	}
	t.emit(r, schemas.Event{Type: schemas.EvLeft, UserID: p.ID})
	if t.Host == p.ID {
		t.Host = t.nextHost()
		t.emit(r, schemas.Event{Type: schemas.EvHost, UserID: t.Host})
	}
}

// nextHost is the longest-present player who is not a spectator.
func (t *Table) nextHost() string {
	var best *Player
	for _, p := range t.Players {
		if !p.Present() || p.Role == schemas.RoleSpectator {
			continue
		}
		if best == nil || p.Order < best.Order {
			best = p
		}
	}
	if best == nil {
		return ""
	}
	return best.ID
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// seen records a command id and reports whether it was already applied.
func (t *Table) seen(from *schemas.Sender, cmd *schemas.Command) bool {
	key := from.UserID + ":" + cmd.ID
	if indexOf(t.Recent, key) >= 0 {
		return true
	}
	if len(t.Recent) >= recentKept {
		t.Recent = append(t.Recent[:0], t.Recent[1:]...)
	}
	t.Recent = append(t.Recent, key)
	return false
}

func (t *Table) command(r *Result, in schemas.Input, now int64) {
	from, cmd := in.From, in.Command
	if from == nil || cmd == nil {
		return
	}
	if !t.Open {
		t.reply(r, from, cmd, CodeNoTable, "this table is not open")
		return
	}
	if t.seen(from, cmd) {
		return
	}

	switch cmd.Type {
	case schemas.CmdGuess:
		t.guess(r, from, cmd, now)
	case schemas.CmdStart:
		t.start(r, from, cmd, now)
	case schemas.CmdGiveUp:
		t.giveUp(r, from, cmd, now)
	case schemas.CmdChat:
		t.chat(r, from, cmd)
	case schemas.CmdSettings:
		t.settings(r, from, cmd)
	default:
		t.reply(r, from, cmd, CodeBadRequest, "unknown command")
	}
}

func (t *Table) isHost(r *Result, from *schemas.Sender, cmd *schemas.Command) bool {
	if from.Role == schemas.RoleSpectator {
		t.reply(r, from, cmd, CodeSpectator, "spectators cannot do that")
		return false
	}
	if t.Host != from.UserID {
		t.reply(r, from, cmd, CodeNotHost, "only the host can do that")
		return false
	}
	return true
}

func (t *Table) chat(r *Result, from *schemas.Sender, cmd *schemas.Command) {
	text := trimChat(cmd.Text)
	if text == "" {
		t.reply(r, from, cmd, CodeBadRequest, "empty chat line")
		return
	}
	ev := t.emit(r, schemas.Event{Type: schemas.EvChat, UserID: from.UserID, Text: text})
	t.Chat = append(t.Chat, ev)
	if len(t.Chat) > ChatKept {
		t.Chat = append(t.Chat[:0], t.Chat[len(t.Chat)-ChatKept:]...)
	}
}

func (t *Table) settings(r *Result, from *schemas.Sender, cmd *schemas.Command) {
	if !t.isHost(r, from, cmd) {
		return
	}
	if t.Phase != schemas.PhaseIdle {
		t.reply(r, from, cmd, CodeBusy, "settings change between rounds")
		return
	}
	if cmd.Settings == nil || !ValidSettings(*cmd.Settings) {
		t.reply(r, from, cmd, CodeBadSettings, "questions per round must be 10-200 and the time limit 10-3600 s")
		return
	}
	t.Settings = *cmd.Settings
	s := t.Settings
	t.emit(r, schemas.Event{Type: schemas.EvSettings, Settings: &s})
}

func (t *Table) start(r *Result, from *schemas.Sender, cmd *schemas.Command, now int64) {
	if !t.isHost(r, from, cmd) {
		return
	}
	if t.Phase != schemas.PhaseIdle {
		t.reply(r, from, cmd, CodeBusy, "a round is already under way")
		return
	}
	t.Round++
	t.Phase = schemas.PhaseCountdown
	t.StartsAt = ceilSecond(now + CountdownMS)
	t.StartedAt, t.Deadline = 0, 0
	if t.Questions != nil {
		t.setRound(nil, t.Last)
	}
	t.emit(r, schemas.Event{Type: schemas.EvCountdown, Round: t.Round, StartsAt: t.StartsAt})
	r.Timers = append(r.Timers, Timer{Name: schemas.TimerGo, Round: t.Round, At: t.StartsAt})
	r.Fetch = &Fetch{Round: t.Round, Count: t.Settings.QuestionsPerRound}
}

// ceilSecond rounds a time up to a whole second: timers fire on seconds.
func ceilSecond(ms int64) int64 {
	return (ms + 999) / 1000 * 1000
}

func (t *Table) questions(r *Result, in schemas.Input, now int64) {
	if in.Round != t.Round || t.Phase != schemas.PhaseCountdown || t.Questions != nil {
		return
	}
	qs := make([]schemas.Question, 0, len(in.Questions))
	for _, q := range in.Questions {
		if len(q.Words) == 0 || len(qs) == t.Settings.QuestionsPerRound {
			continue
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		t.cancel(r, ReasonNoQuestions)
		return
	}
	t.setRound(qs, t.Last)
	if now >= t.StartsAt {
		t.begin(r, now)
	}
}

func (t *Table) timer(r *Result, in schemas.Input, now int64) {
	if in.Round != t.Round {
		return
	}
	switch in.Timer {
	case schemas.TimerGo:
		if t.Phase != schemas.PhaseCountdown {
			return
		}
		if t.Questions == nil {
			// The questions have not come: ask again; the fetch gives up
			// with a no_questions input if the back end stays away.
			r.Fetch = &Fetch{Round: t.Round, Count: t.Settings.QuestionsPerRound}
			return
		}
		t.begin(r, max(now, t.StartsAt))
	case schemas.TimerDeadline:
		if t.Phase == schemas.PhaseRunning {
			t.endRound(r, ReasonTime, t.Deadline)
		}
	}
}

func (t *Table) begin(r *Result, at int64) {
	t.Phase = schemas.PhaseRunning
	t.StartedAt = at
	t.Deadline = ceilSecond(at + int64(t.Settings.TimeLimit)*1000)
	for _, p := range t.Players {
		p.Score, p.LastWord = 0, ""
	}
	wall := make([]schemas.Tile, len(t.Questions))
	for i, q := range t.Questions {
		wall[i] = schemas.Tile{Index: i, Alphagram: q.Alphagram, Answers: len(q.Words)}
	}
	t.emit(r, schemas.Event{Type: schemas.EvRoundStarted, Round: t.Round, Deadline: t.Deadline, Wall: wall})
	r.Timers = append(r.Timers, Timer{Name: schemas.TimerDeadline, Round: t.Round, At: t.Deadline})
}

func (t *Table) cancel(r *Result, reason string) {
	t.Phase = schemas.PhaseIdle
	if t.Questions != nil {
		t.setRound(nil, t.Last)
	}
	t.emit(r, schemas.Event{Type: schemas.EvCancelled, Round: t.Round, Reason: reason})
}

func (t *Table) giveUp(r *Result, from *schemas.Sender, cmd *schemas.Command, now int64) {
	if !t.isHost(r, from, cmd) {
		return
	}
	switch t.Phase {
	case schemas.PhaseRunning:
		t.endRound(r, ReasonGiveUp, now)
	case schemas.PhaseCountdown:
		t.cancel(r, ReasonGiveUp)
	default:
		t.reply(r, from, cmd, CodeNotRunning, "no round is under way")
	}
}

// answerIndex maps every answer of the round to its question.
func (t *Table) answerIndex() map[string]int {
	if t.answers == nil {
		t.answers = make(map[string]int, t.Unsolved)
		for i, q := range t.Questions {
			for _, w := range q.Words {
				t.answers[w.Word] = i
			}
		}
	}
	return t.answers
}

func (t *Table) guess(r *Result, from *schemas.Sender, cmd *schemas.Command, now int64) {
	if from.Role == schemas.RoleSpectator {
		t.reply(r, from, cmd, CodeSpectator, "spectators cannot guess")
		return
	}
	if t.Phase != schemas.PhaseRunning {
		if t.Round > 0 && t.Phase == schemas.PhaseIdle && t.Deadline > 0 && now >= t.Deadline {
			t.reply(r, from, cmd, CodeTooLate, "the round is over")
			return
		}
		t.reply(r, from, cmd, CodeNotRunning, "no round is under way")
		return
	}

	word := Fold(cmd.Word)
	i, ok := t.answerIndex()[word]
	if !ok {
		t.reply(r, from, cmd, CodeWrong, "not a word on the wall")
		return
	}
	for _, s := range t.Solves[i] {
		if s.Word == word {
			t.reply(r, from, cmd, CodeAlreadySolved, "already solved")
			return
		}
	}

	s := schemas.Solve{Index: i, Word: word, UserID: from.UserID, AtMS: now - t.StartedAt}
	t.Solves[i] = append(t.Solves[i], s)
	t.Unsolved--
	score := schemas.Score{UserID: from.UserID}
	if p := t.player(from.UserID); p != nil {
		p.Score++
		p.LastWord = word
		score.Score = p.Score
	}
	t.emit(r, schemas.Event{Type: schemas.EvSolved, Re: cmd.ID, Round: t.Round, Solve: &s, Scores: []schemas.Score{score}})
	if t.Unsolved == 0 {
		t.endRound(r, ReasonCleared, now)
	}
}

// endRound reveals every answer, publishes the round's result and returns
// the table to idle; at is when the round ended.
func (t *Table) endRound(r *Result, reason string, at int64) {
	answers := make([]schemas.Answer, len(t.Questions))
	res := &schemas.RoundResult{
		Table:     t.ID,
		Round:     t.Round,
		StartedAt: t.StartedAt,
		EndedAt:   at,
		Reason:    reason,
		Questions: make([]schemas.QuestionResult, len(t.Questions)),
	}
	for i, q := range t.Questions {
		answers[i] = schemas.Answer{
			Index:       i,
			Alphagram:   q.Alphagram,
			Probability: q.Probability,
			Words:       q.Words,
			Solves:      nonNil(t.Solves[i]),
		}
		qr := schemas.QuestionResult{Alphagram: q.Alphagram, Solved: []schemas.SolvedWord{}, Missed: []string{}}
		solved := make(map[string]bool, len(t.Solves[i]))
		for _, s := range t.Solves[i] {
			solved[s.Word] = true
			qr.Solved = append(qr.Solved, schemas.SolvedWord{Word: s.Word, UserID: s.UserID, AtMS: s.AtMS})
		}
		for _, w := range q.Words {
			if !solved[w.Word] {
				qr.Missed = append(qr.Missed, w.Word)
			}
		}
		res.Questions[i] = qr
	}
	res.Scores = t.scores()

	t.Phase = schemas.PhaseIdle
	t.LastReason = reason
	t.setRound(nil, answers)
	t.emit(r, schemas.Event{Type: schemas.EvRoundOver, Round: t.Round, Reason: reason, Answers: answers, Scores: res.Scores})
	r.Results = res
}

func (t *Table) scores() []schemas.Score {
	scores := []schemas.Score{}
	for _, p := range t.Players {
		if p.Role == schemas.RoleSpectator && p.Score == 0 {
			continue
		}
		scores = append(scores, schemas.Score{UserID: p.ID, Score: p.Score})
	}
	sort.SliceStable(scores, func(i, j int) bool { return scores[i].Score > scores[j].Score })
	return scores
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
