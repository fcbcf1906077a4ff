// Package backend is the built-in app back end: it creates tables, signs
// join tokens, walks each table through its word list round by round and
// records round results. It does in Go what the Django app does in
// production, so the whole game runs on one machine.
package backend

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/backend/wordlists"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/rooms"
	"github.com/wordwalls/wordwalls/schemas"
)

// Config configures a Server. Zero values say what they default to.
type Config struct {
	// Lexicons are the word lists tables may study, by name; at least one.
	Lexicons map[string]*lexicon.Lexicon
	// Secret signs join tokens and is the bearer secret of /api/questions
	// and /api/results; at least jointoken.MinSecretLen bytes.
	Secret []byte
	// Open puts a new table's open input on the bus; required. A table
	// whose Open fails is not created.
	Open func(ctx context.Context, in schemas.Input) error
	// Store keeps every table as one JSON value under its id. Nil keeps
	// tables in memory only, so they are gone after a restart.
	Store jetstream.KeyValue
	// TokenTTL is how long a join token is accepted; default 12 h.
	TokenTTL time.Duration
	// PublicURL is the base of join links, e.g. "http://localhost:8080";
	// empty gives links relative to the site's root.
	PublicURL string
	Logger    *slog.Logger
	// Now is the clock for creation times and token expiry; default
	// time.Now.
	Now func() time.Time
	// Live tells who sits at a table and what it is doing, for the table
	// lists; found is false for a table with no saved state yet. Nil lists
	// tables without it.
	Live func(ctx context.Context, table string) (live Live, found bool, err error)
}

// Live is what a table is doing now, as of its last saved state (about a
// second old at most).
type Live struct {
	Players []string `json:"players"` // present players' names, spectators not included
	Phase   string   `json:"phase"`   // idle, countdown or running
	Round   int      `json:"round"`   // the current or last round; 0 before the first
	// Settings are the table's settings now; the host may have changed
	// them since the table was created. They replace the summary's.
	Settings schemas.Settings `json:"-"`
}

// Defaults and limits for new tables.
const (
	DefaultLexicon  = wordlists.ENABLEName
	DefaultTokenTTL = 12 * time.Hour
	MaxNameLen      = 60 // characters in a table's name
	MaxPlayerLen    = 40 // characters in a display name
)

// Errors the Server's methods return; the HTTP API answers them with 404,
// 503, 410 and 403. Validation errors are *InvalidError, answered with 400.
var (
	ErrNoTable     = errors.New("no such table")
	ErrUnavailable = errors.New("the game server is unavailable")
	ErrForgotten   = errors.New("round is too old to repeat")
	ErrWrongKey    = errors.New("user_id and key do not match")
)

// InvalidError says which field of a request is wrong and why. Its message
// quotes none of the request's values.
type InvalidError struct {
	Field  string // JSON name, e.g. "prob_min"
	Reason string
}

func (e *InvalidError) Error() string {
	return e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Server is the built-in back end. It is safe for concurrent use.
type Server struct {
	cfg Config
	log *slog.Logger

	// mu guards tables and orders every write to the Store.
	mu     sync.Mutex
	tables map[string]*table
}

// Log keys.
const (
	logTable = "table"
	logRound = "round"
	logErr   = "err"
)

// New checks the configuration and loads every table kept in the Store.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if len(cfg.Lexicons) == 0 {
		return nil, errors.New("back end needs at least one lexicon")
	}
	if len(cfg.Secret) < jointoken.MinSecretLen {
		return nil, fmt.Errorf("back end needs a secret of at least %d bytes", jointoken.MinSecretLen)
	}
	if cfg.Open == nil {
		return nil, errors.New("back end needs an Open function")
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")

	s := &Server{cfg: cfg, log: cfg.Logger, tables: make(map[string]*table)}
	if cfg.Store != nil {
		if err := s.load(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// TableSummary is what anyone with a table's id may know about it.
type TableSummary struct {
	Table             string `json:"table"`
	Name              string `json:"name"`
	Lexicon           string `json:"lexicon"`
	Length            int    `json:"length"`
	ProbMin           int    `json:"prob_min"`
	ProbMax           int    `json:"prob_max"`
	QuestionsPerRound int    `json:"questions_per_round"`
	TimeLimit         int    `json:"time_limit"` // seconds
	Public            bool   `json:"public"`
	CreatedAt         int64  `json:"created_at"` // ms since the Unix epoch
	Live              *Live  `json:"live,omitempty"`
}

// CreateTableRequest asks for a new table. Zero values take the defaults:
// lexicon ENABLE, probabilities from 1 to the last alphagram, 50 questions
// per round, 300 seconds.
type CreateTableRequest struct {
	Name              string `json:"name"`
	Lexicon           string `json:"lexicon"`
	Length            int    `json:"length"`
	ProbMin           int    `json:"prob_min"`
	ProbMax           int    `json:"prob_max"`
	QuestionsPerRound int    `json:"questions_per_round"`
	TimeLimit         int    `json:"time_limit"`
	Public            bool   `json:"public"`
	Player            string `json:"player"` // the creator's display name
}

// CreateTableResponse gives the creator the new table and a host token.
// Key lets the creator ask for fresh host tokens later.
type CreateTableResponse struct {
	Table   string `json:"table"`
	UserID  string `json:"user_id"`
	Token   string `json:"token"`
	JoinURL string `json:"join_url"`
	Key     string `json:"key"`
}

// TokenResponse is a join token and the user it was issued to. Key is the
// user's seat key: with it, and only with it, the same user id gets a new
// token after this one expires or the page reloads.
type TokenResponse struct {
	UserID string `json:"user_id"`
	Token  string `json:"token"`
	Key    string `json:"key"`
}

// CreateTable checks req, opens the table on the bus and keeps it. The
// creator's token has the host role.
func (s *Server) CreateTable(ctx context.Context, req CreateTableRequest) (CreateTableResponse, error) {
	sum, err := s.summarize(req)
	if err != nil {
		return CreateTableResponse{}, err
	}
	player, err := displayName("player", req.Player)
	if err != nil {
		return CreateTableResponse{}, err
	}
	sum.Table = s.newTableID()
	sum.CreatedAt = s.cfg.Now().UnixMilli()
	t := &table{Summary: sum, Creator: newUserID(), Next: sum.ProbMin}

	tok, err := s.sign(sum.Table, t.Creator, player, schemas.RoleHost)
	if err != nil {
		return CreateTableResponse{}, err
	}

	// Open first: a table the rooms worker never heard of must not be
	// handed out, while an opened one nobody has a token for is harmless.
	in := schemas.Input{
		Type:  schemas.InOpen,
		Table: sum.Table,
		Info: &schemas.TableInfo{
			Name:    sum.Name,
			Lexicon: sum.Lexicon,
			Length:  sum.Length,
			ProbMin: sum.ProbMin,
			ProbMax: sum.ProbMax,
		},
		Creator: t.Creator,
		Settings: &schemas.Settings{
			QuestionsPerRound: sum.QuestionsPerRound,
			TimeLimit:         sum.TimeLimit,
			Public:            sum.Public,
		},
	}
	if err := s.cfg.Open(ctx, in); err != nil {
		s.log.Warn("open table", slog.String(logTable, sum.Table), slog.Any(logErr, err))
		return CreateTableResponse{}, fmt.Errorf("%w: open table: %w", ErrUnavailable, err)
	}

	if err := s.insert(ctx, t); err != nil {
		return CreateTableResponse{}, err
	}
	s.log.Info("table created", slog.String(logTable, sum.Table), slog.String("lexicon", sum.Lexicon),
		slog.Int("length", sum.Length), slog.Bool("public", sum.Public))
	return CreateTableResponse{
		Table:   sum.Table,
		UserID:  t.Creator,
		Token:   tok,
		JoinURL: s.cfg.PublicURL + "/t/" + sum.Table,
		Key:     s.seatKey(sum.Table, t.Creator),
	}, nil
}

// summarize checks a create request and fills in its defaults.
func (s *Server) summarize(req CreateTableRequest) (TableSummary, error) {
	name := strings.TrimSpace(req.Name)
	switch {
	case !utf8.ValidString(name) || hasControl(name):
		return TableSummary{}, invalid("name", "must be printable text")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return TableSummary{}, invalid("name", "must be at most %d characters", MaxNameLen)
	}

	sum := TableSummary{
		Name:              name,
		Lexicon:           cmp.Or(req.Lexicon, DefaultLexicon),
		Length:            req.Length,
		ProbMin:           cmp.Or(req.ProbMin, 1),
		QuestionsPerRound: cmp.Or(req.QuestionsPerRound, rooms.DefaultQuestions),
		TimeLimit:         cmp.Or(req.TimeLimit, rooms.DefaultTimeLimit),
		Public:            req.Public,
	}
	lex, ok := s.cfg.Lexicons[sum.Lexicon]
	if !ok {
		return TableSummary{}, invalid("lexicon", "unknown lexicon; GET /api/lexicons lists them")
	}
	if sum.Length < lexicon.MinLength || sum.Length > lexicon.MaxLength {
		return TableSummary{}, invalid("length", "must be from %d to %d",
			lexicon.MinLength, lexicon.MaxLength)
	}
	count := lex.Count(sum.Length)
	if count == 0 {
		return TableSummary{}, invalid("length", "the lexicon has no words of this length")
	}
	sum.ProbMax = min(cmp.Or(req.ProbMax, count), count)
	switch {
	case sum.ProbMin < 1:
		return TableSummary{}, invalid("prob_min", "must be at least 1")
	case sum.ProbMin > count:
		return TableSummary{}, invalid("prob_min",
			"must be at most %d, the number of alphagrams of this length", count)
	case req.ProbMax != 0 && req.ProbMax < sum.ProbMin:
		return TableSummary{}, invalid("prob_max", "must not be below prob_min")
	}
	if n := sum.QuestionsPerRound; n < schemas.MinQuestionsPerRound || n > schemas.MaxQuestionsPerRound {
		return TableSummary{}, invalid("questions_per_round", "must be from %d to %d",
			schemas.MinQuestionsPerRound, schemas.MaxQuestionsPerRound)
	}
	if sum.TimeLimit < schemas.MinTimeLimit || sum.TimeLimit > schemas.MaxTimeLimit {
		return TableSummary{}, invalid("time_limit", "must be from %d to %d seconds",
			schemas.MinTimeLimit, schemas.MaxTimeLimit)
	}
	return sum, nil
}

// displayName trims a user's display name and checks it.
func displayName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", invalid(field, "must not be empty")
	case !utf8.ValidString(name) || hasControl(name):
		return "", invalid(field, "must be printable text")
	case utf8.RuneCountInString(name) > MaxPlayerLen:
		return "", invalid(field, "must be at most %d characters", MaxPlayerLen)
	}
	return name, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// Token issues a join token for a new user at an existing table. The role
// is player or spectator; empty means player.
func (s *Server) Token(table, name, role string) (TokenResponse, error) {
	return s.token(table, "", "", name, role)
}

// Rejoin issues a new join token for a user who already has a seat at the
// table, proven by the key that came with their first token. The creator
// gets the host role back; anyone else gets role (empty means player).
func (s *Server) Rejoin(table, userID, key, name, role string) (TokenResponse, error) {
	if userID == "" {
		return TokenResponse{}, invalid("user_id", "must not be empty")
	}
	return s.token(table, userID, key, name, role)
}

// token issues a join token for userID, or for a new user when userID is
// empty.
func (s *Server) token(table, userID, key, name, role string) (TokenResponse, error) {
	name, err := displayName("name", name)
	if err != nil {
		return TokenResponse{}, err
	}
	role = cmp.Or(role, schemas.RolePlayer)
	if role != schemas.RolePlayer && role != schemas.RoleSpectator {
		return TokenResponse{}, invalid("role", "must be %s or %s", schemas.RolePlayer, schemas.RoleSpectator)
	}
	if userID != "" && !bus.ValidID(userID) {
		return TokenResponse{}, invalid("user_id", "must be 1 to 64 characters from A-Z a-z 0-9 _ -")
	}

	s.mu.Lock()
	t, ok := s.tables[table]
	s.mu.Unlock()
	if !ok {
		return TokenResponse{}, ErrNoTable
	}
	switch {
	case userID == "":
		userID = newUserID()
	case !hmac.Equal([]byte(key), []byte(s.seatKey(table, userID))):
		return TokenResponse{}, ErrWrongKey
	case userID == t.Creator:
		role = schemas.RoleHost
	}
	tok, err := s.sign(table, userID, name, role)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{UserID: userID, Token: tok, Key: s.seatKey(table, userID)}, nil
}

// seatKey is the secret that proves a user owns their id at a table: an
// HMAC of both under the back end's secret, so nothing needs storing.
func (s *Server) seatKey(table, userID string) string {
	mac := hmac.New(sha256.New, s.cfg.Secret)
	mac.Write([]byte("seat\x00" + table + "\x00" + userID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (s *Server) sign(table, userID, name, role string) (string, error) {
	exp := s.cfg.Now().Add(s.cfg.TokenTTL).Unix()
	claims := schemas.JoinClaims{UserID: userID, Name: name, Table: table, Role: role, Exp: exp}
	tok, err := jointoken.Sign(s.cfg.Secret, claims)
	if err != nil {
		return "", fmt.Errorf("sign join token: %w", err)
	}
	return tok, nil
}

// Summary returns one table's summary.
func (s *Server) Summary(table string) (TableSummary, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tables[table]
	if !ok {
		return TableSummary{}, false
	}
	return t.Summary, true
}

// PublicTables returns the summaries of public tables, newest first, as
// they were created.
func (s *Server) PublicTables() []TableSummary {
	return s.tablesWhere(func(t *TableSummary) bool { return t.Public })
}

// tablesWhere returns the summaries that keep accepts, newest first.
func (s *Server) tablesWhere(keep func(*TableSummary) bool) []TableSummary {
	s.mu.Lock()
	list := make([]TableSummary, 0, len(s.tables))
	for _, t := range s.tables {
		if keep(&t.Summary) {
			list = append(list, t.Summary)
		}
	}
	s.mu.Unlock()

	slices.SortFunc(list, func(a, b TableSummary) int {
		return cmp.Or(cmp.Compare(b.CreatedAt, a.CreatedAt), strings.Compare(a.Table, b.Table))
	})
	return list
}

// maxLiveRead is how many of the newest tables a listing reads the live
// state of. Older tables are listed, or not, by their settings at
// creation.
const maxLiveRead = 300

// ListTables returns up to n public tables, newest first, with what each
// is doing. Whether a table is public, and its round settings, come from
// the table itself when Config.Live can tell, so a host's change at the
// table shows here.
func (s *Server) ListTables(ctx context.Context, n int) []TableSummary {
	all := s.tablesWhere(func(*TableSummary) bool { return true })
	var list []TableSummary
	for i, t := range all {
		if len(list) == n {
			break
		}
		if i < maxLiveRead {
			s.withLive(ctx, &t)
		}
		if t.Public {
			list = append(list, t)
		}
	}
	return list
}

// withLive fills in what a table is doing, when Config.Live can tell; a
// table it cannot read keeps its summary as it was created.
func (s *Server) withLive(ctx context.Context, t *TableSummary) {
	if s.cfg.Live == nil {
		return
	}
	live, found, err := s.cfg.Live(ctx, t.Table)
	if err != nil {
		s.log.Warn("read live table", slog.String(logTable, t.Table), slog.Any(logErr, err))
		return
	}
	if !found {
		return
	}
	t.Live = &live
	t.QuestionsPerRound = live.Settings.QuestionsPerRound
	t.TimeLimit = live.Settings.TimeLimit
	t.Public = live.Settings.Public
}

// Results returns a table's recorded round results in round order; nil for
// an unknown table. Old results give way when a stored table grows past
// maxValueBytes.
func (s *Server) Results(table string) []schemas.RoundResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tables[table]
	if !ok {
		return nil
	}
	return slices.Clone(t.Results)
}

// Questions gives a round its questions: the next stretch of the table's
// probability range, or once the range is used up, alphagrams that had
// missed words. A round asked for again gets the same questions.
func (s *Server) Questions(ctx context.Context, req schemas.QuestionsRequest) (schemas.Questions, error) {
	switch {
	case !bus.ValidID(req.Table):
		return schemas.Questions{}, invalid("table", "must be a table id")
	case req.Round < 1:
		return schemas.Questions{}, invalid("round", "must be at least 1")
	case req.Count < 1 || req.Count > schemas.MaxQuestionsPerRound:
		return schemas.Questions{}, invalid("count", "must be from 1 to %d", schemas.MaxQuestionsPerRound)
	}

	var (
		lex        *lexicon.Lexicon
		alphagrams []string
		fresh      bool
	)
	err := s.update(ctx, req.Table, func(t *table) error {
		lex = s.cfg.Lexicons[t.Summary.Lexicon]
		if lex == nil {
			return fmt.Errorf("lexicon %s is not loaded", t.Summary.Lexicon)
		}
		if got, ok := t.Rounds[req.Round]; ok {
			alphagrams, fresh = got, false
			return errUnchanged
		}
		if req.Round <= t.Forgot {
			return fmt.Errorf("round %d: %w", req.Round, ErrForgotten)
		}
		var err error
		if alphagrams, err = t.nextRound(lex, req.Count); err != nil {
			return err
		}
		t.remember(req.Round, alphagrams)
		fresh = true
		return nil
	})
	if err != nil {
		return schemas.Questions{}, err
	}

	out := schemas.Questions{Table: req.Table, Round: req.Round}
	out.Questions = make([]schemas.Question, 0, len(alphagrams))
	for _, a := range alphagrams {
		if q, ok := lex.Question(a); ok {
			out.Questions = append(out.Questions, q)
		}
	}
	if fresh {
		s.log.Debug("questions assigned", slog.String(logTable, req.Table), slog.Int(logRound, req.Round),
			slog.Int("count", len(out.Questions)))
	}
	return out, nil
}

// Record keeps a round's result and queues the alphagrams with missed
// words for later rounds. Recording a round again changes nothing.
func (s *Server) Record(ctx context.Context, res schemas.RoundResult) error {
	switch {
	case !bus.ValidID(res.Table):
		return invalid("table", "must be a table id")
	case res.Round < 1:
		return invalid("round", "must be at least 1")
	}
	err := s.update(ctx, res.Table, func(t *table) error {
		if !t.record(res) {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.Debug("result recorded", slog.String(logTable, res.Table), slog.Int(logRound, res.Round))
	return nil
}

// newTableID returns 10 random lowercase base32 characters that no table
// has yet.
func (s *Server) newTableID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		b := make([]byte, 10)
		rand.Read(b)
		for i := range b {
			b[i] = alphabet[b[i]&31]
		}
		if _, taken := s.tables[string(b)]; !taken {
			return string(b)
		}
	}
}

// newUserID returns "g" and 12 random hex digits: a guest's id.
func newUserID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "g" + hex.EncodeToString(b)
}
