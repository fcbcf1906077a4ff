package backend

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/schemas"
)

var testSecret = []byte("0123456789abcdef-test-secret")

// quiet drops the servers' logs; the tests check what they return.
var quiet = slog.New(slog.DiscardHandler)

// testNow is the fixed clock of every test server.
var testNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// testLexicon has 4- and 5-letter words and none of 6 letters.
var testLexicon = lexicon.New("TEST", strings.Fields(`
	ABLE ACID AGED ALSO AREA ARMY AWAY BABY BACK BALL BAND BANK BASE BATH
	BEAR BEAT ABET BETA BEEN BEER BELL BELT BEST BILL BIRD BLOW BLUE BOAT
	BODY BOMB BOND BONE STOP POTS TOPS SPOT OPTS POST EARL REAL CALM COLD
	ALERT ALTER LATER STONE NOTES ONSET TONES
`))

// opens records the inputs a server's Open was given.
type opens struct {
	mu  sync.Mutex
	ins []schemas.Input
	err error // returned by every Open when set
}

func (o *opens) open(_ context.Context, in schemas.Input) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	o.ins = append(o.ins, in)
	return nil
}

func (o *opens) inputs() []schemas.Input {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]schemas.Input(nil), o.ins...)
}

// newTestServer returns a memory-only server over the test lexicon and the
// record of what it opened.
func newTestServer(t *testing.T) (*Server, *opens) {
	t.Helper()
	o := &opens{}
	s, err := New(context.Background(), Config{
		Lexicons:  map[string]*lexicon.Lexicon{"TEST": testLexicon},
		Secret:    testSecret,
		Logger:    quiet,
		Open:      o.open,
		PublicURL: "http://example.test/",
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

// createTable creates a table of 4-letter words and fails the test if it
// cannot.
func createTable(t *testing.T, s *Server, req CreateTableRequest) CreateTableResponse {
	t.Helper()
	if req.Lexicon == "" {
		req.Lexicon = "TEST"
	}
	if req.Length == 0 {
		req.Length = 4
	}
	if req.Player == "" {
		req.Player = "Alice"
	}
	resp, err := s.CreateTable(context.Background(), req)
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	return resp
}

func alphagramsOf(qs []schemas.Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Alphagram
	}
	return out
}

// ranked returns the test lexicon's 4-letter alphagrams from probability
// lo to hi.
func ranked(t *testing.T, lo, hi int) []string {
	t.Helper()
	qs, err := testLexicon.Questions(4, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	return alphagramsOf(qs)
}

func questions(t *testing.T, s *Server, table string, round, count int) []schemas.Question {
	t.Helper()
	qs, err := s.Questions(context.Background(), schemas.QuestionsRequest{Table: table, Round: round, Count: count})
	if err != nil {
		t.Fatalf("questions for round %d: %v", round, err)
	}
	if qs.Table != table || qs.Round != round {
		t.Fatalf("questions answered for %s round %d, want %s round %d", qs.Table, qs.Round, table, round)
	}
	return qs.Questions
}

func TestCreateTableRefuses(t *testing.T) {
	long := strings.Repeat("x", 61)
	tests := []struct {
		name  string
		req   CreateTableRequest
		field string
	}{
		{"unknown_lexicon", CreateTableRequest{Lexicon: "TWL06", Length: 4, Player: "A"}, "lexicon"},
		{"default_lexicon_not_loaded", CreateTableRequest{Length: 4, Player: "A"}, "lexicon"},
		{"length_missing", CreateTableRequest{Lexicon: "TEST", Player: "A"}, "length"},
		{"length_too_short", CreateTableRequest{Lexicon: "TEST", Length: 1, Player: "A"}, "length"},
		{"length_too_long", CreateTableRequest{Lexicon: "TEST", Length: 16, Player: "A"}, "length"},
		{"length_without_words", CreateTableRequest{Lexicon: "TEST", Length: 6, Player: "A"}, "length"},
		{"prob_min_negative", CreateTableRequest{Lexicon: "TEST", Length: 4, ProbMin: -1, Player: "A"}, "prob_min"},
		{"prob_min_past_end", CreateTableRequest{Lexicon: "TEST", Length: 5, ProbMin: 3, Player: "A"}, "prob_min"},
		{"prob_max_below_min", CreateTableRequest{Lexicon: "TEST", Length: 4, ProbMin: 5, ProbMax: 4, Player: "A"}, "prob_max"},
		{"prob_max_negative", CreateTableRequest{Lexicon: "TEST", Length: 4, ProbMax: -3, Player: "A"}, "prob_max"},
		{"questions_too_few", CreateTableRequest{Lexicon: "TEST", Length: 4, QuestionsPerRound: 9, Player: "A"},
			"questions_per_round"},
		{"questions_too_many", CreateTableRequest{Lexicon: "TEST", Length: 4, QuestionsPerRound: 201, Player: "A"},
			"questions_per_round"},
		{"time_limit_too_short", CreateTableRequest{Lexicon: "TEST", Length: 4, TimeLimit: 9, Player: "A"}, "time_limit"},
		{"time_limit_too_long", CreateTableRequest{Lexicon: "TEST", Length: 4, TimeLimit: 3601, Player: "A"}, "time_limit"},
		{"name_too_long", CreateTableRequest{Name: long, Lexicon: "TEST", Length: 4, Player: "A"}, "name"},
		{"name_with_newline", CreateTableRequest{Name: "Friday\nsevens", Lexicon: "TEST", Length: 4, Player: "A"}, "name"},
		{"player_missing", CreateTableRequest{Lexicon: "TEST", Length: 4}, "player"},
		{"player_blank", CreateTableRequest{Lexicon: "TEST", Length: 4, Player: " \t "}, "player"},
		{"player_too_long", CreateTableRequest{Lexicon: "TEST", Length: 4, Player: strings.Repeat("é", 41)}, "player"},
		{"player_control", CreateTableRequest{Lexicon: "TEST", Length: 4, Player: "Al\x07ice"}, "player"},
		{"player_bad_utf8", CreateTableRequest{Lexicon: "TEST", Length: 4, Player: "Al\xffice"}, "player"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := newTestServer(t)
			_, err := s.CreateTable(context.Background(), tt.req)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("got error %v, want an *InvalidError", err)
			}
			if inv.Field != tt.field {
				t.Errorf("error names field %q (%v), want %q", inv.Field, err, tt.field)
			}
			if n := len(o.inputs()); n != 0 {
				t.Errorf("%d tables opened, want none", n)
			}
			if n := len(s.tables); n != 0 {
				t.Errorf("%d tables kept, want none", n)
			}
		})
	}
}

func TestCreateTable(t *testing.T) {
	count := testLexicon.Count(4)
	tests := []struct {
		name string
		req  CreateTableRequest
		want TableSummary
	}{
		{
			name: "defaults",
			req:  CreateTableRequest{Lexicon: "TEST", Length: 4, Player: "Alice"},
			want: TableSummary{Lexicon: "TEST", Length: 4, ProbMin: 1, ProbMax: count, QuestionsPerRound: 50, TimeLimit: 300},
		},
		{
			name: "everything_set",
			req: CreateTableRequest{Name: "  Friday fours ", Lexicon: "TEST", Length: 4, ProbMin: 3, ProbMax: 12,
				QuestionsPerRound: 10, TimeLimit: 60, Public: true, Player: "Alice"},
			want: TableSummary{Name: "Friday fours", Lexicon: "TEST", Length: 4, ProbMin: 3, ProbMax: 12,
				QuestionsPerRound: 10, TimeLimit: 60, Public: true},
		},
		{
			name: "prob_max_lowered_to_last",
			req:  CreateTableRequest{Lexicon: "TEST", Length: 5, ProbMax: 1000, Player: "Alice"},
			want: TableSummary{Lexicon: "TEST", Length: 5, ProbMin: 1, ProbMax: testLexicon.Count(5),
				QuestionsPerRound: 50, TimeLimit: 300},
		},
		{
			name: "limits",
			req: CreateTableRequest{Name: strings.Repeat("n", 60), Lexicon: "TEST", Length: 4, ProbMin: count, ProbMax: count,
				QuestionsPerRound: 200, TimeLimit: 3600, Player: strings.Repeat("é", 40)},
			want: TableSummary{Name: strings.Repeat("n", 60), Lexicon: "TEST", Length: 4, ProbMin: count, ProbMax: count,
				QuestionsPerRound: 200, TimeLimit: 3600},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := newTestServer(t)
			resp, err := s.CreateTable(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[a-z2-7]{10}$`).MatchString(resp.Table) {
				t.Errorf("table id %q is not 10 lowercase base32 characters", resp.Table)
			}
			if !regexp.MustCompile(`^g[0-9a-f]{12}$`).MatchString(resp.UserID) {
				t.Errorf("user id %q is not g and 12 hex digits", resp.UserID)
			}
			if want := "http://example.test/t/" + resp.Table; resp.JoinURL != want {
				t.Errorf("join url %q, want %q", resp.JoinURL, want)
			}

			want := tt.want
			want.Table, want.CreatedAt = resp.Table, testNow.UnixMilli()
			got, ok := s.Summary(resp.Table)
			if !ok {
				t.Fatal("table not kept")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}

			open := schemas.Input{
				Type:  schemas.InOpen,
				Table: resp.Table,
				Info: &schemas.TableInfo{Name: want.Name, Lexicon: want.Lexicon, Length: want.Length,
					ProbMin: want.ProbMin, ProbMax: want.ProbMax},
				Creator: resp.UserID,
				Settings: &schemas.Settings{QuestionsPerRound: want.QuestionsPerRound, TimeLimit: want.TimeLimit,
					Public: want.Public},
			}
			if diff := cmp.Diff([]schemas.Input{open}, o.inputs()); diff != "" {
				t.Errorf("opened (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateTableOpenFails(t *testing.T) {
	s, o := newTestServer(t)
	o.err = errors.New("nats: no responders")
	_, err := s.CreateTable(context.Background(), CreateTableRequest{Lexicon: "TEST", Length: 4, Public: true, Player: "Alice"})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if got := s.PublicTables(); len(got) != 0 {
		t.Errorf("tables after a failed open: %v", got)
	}
}

func TestTokens(t *testing.T) {
	s, _ := newTestServer(t)
	created := createTable(t, s, CreateTableRequest{Player: "  Alice  "})
	other := createTable(t, s, CreateTableRequest{Player: "Olga"})
	exp := testNow.Add(DefaultTokenTTL).Unix()

	verify := func(t *testing.T, tok string) schemas.JoinClaims {
		t.Helper()
		c, err := jointoken.Verify(testSecret, tok, testNow)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		return c
	}

	t.Run("creator_is_host", func(t *testing.T) {
		want := schemas.JoinClaims{UserID: created.UserID, Name: "Alice", Table: created.Table, Role: schemas.RoleHost, Exp: exp}
		if diff := cmp.Diff(want, verify(t, created.Token)); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
	})

	for _, tt := range []struct{ name, role, want string }{
		{"player", schemas.RolePlayer, schemas.RolePlayer},
		{"spectator", schemas.RoleSpectator, schemas.RoleSpectator},
		{"default_player", "", schemas.RolePlayer},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.Token(created.Table, "Bob", tt.role)
			if err != nil {
				t.Fatal(err)
			}
			want := schemas.JoinClaims{UserID: resp.UserID, Name: "Bob", Table: created.Table, Role: tt.want, Exp: exp}
			if diff := cmp.Diff(want, verify(t, resp.Token)); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if resp.UserID == created.UserID {
				t.Error("a new guest got the creator's id")
			}
		})
	}

	t.Run("expires", func(t *testing.T) {
		_, err := jointoken.Verify(testSecret, created.Token, testNow.Add(DefaultTokenTTL))
		if !errors.Is(err, jointoken.ErrExpired) {
			t.Errorf("after the TTL: got %v, want ErrExpired", err)
		}
	})

	t.Run("reissue_same_guest", func(t *testing.T) {
		first, err := s.Token(created.Table, "Bob", "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Rejoin(created.Table, first.UserID, first.Key, "Bobby", schemas.RoleSpectator)
		if err != nil {
			t.Fatal(err)
		}
		want := schemas.JoinClaims{UserID: first.UserID, Name: "Bobby", Table: created.Table, Role: schemas.RoleSpectator, Exp: exp}
		if diff := cmp.Diff(want, verify(t, again.Token)); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		if again.Key != first.Key {
			t.Errorf("key changed from %q to %q", first.Key, again.Key)
		}
	})

	t.Run("creator_rejoins_as_host", func(t *testing.T) {
		again, err := s.Rejoin(created.Table, created.UserID, created.Key, "Alice", "")
		if err != nil {
			t.Fatal(err)
		}
		want := schemas.JoinClaims{UserID: created.UserID, Name: "Alice", Table: created.Table, Role: schemas.RoleHost, Exp: exp}
		if diff := cmp.Diff(want, verify(t, again.Token)); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
	})

	t.Run("wrong_key", func(t *testing.T) {
		bob, err := s.Token(created.Table, "Bob", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ name, user, key string }{
			{"no_key", bob.UserID, ""},
			{"creator_without_key", created.UserID, ""},
			{"someone_elses_key", created.UserID, bob.Key},
			{"key_from_another_table", other.UserID, other.Key},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := s.Rejoin(created.Table, tt.user, tt.key, "Mallory", ""); !errors.Is(err, ErrWrongKey) {
					t.Errorf("got %v, want ErrWrongKey", err)
				}
			})
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct{ name, table, user, player, role, field string }{
			{"host_role", created.Table, "", "Bob", schemas.RoleHost, "role"},
			{"unknown_role", created.Table, "", "Bob", "admin", "role"},
			{"empty_name", created.Table, "", "", "", "name"},
			{"bad_user_id", created.Table, "g 1", "Bob", "", "user_id"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.token(tt.table, tt.user, "", tt.player, tt.role)
				var inv *InvalidError
				if !errors.As(err, &inv) || inv.Field != tt.field {
					t.Errorf("got %v, want an invalid %s", err, tt.field)
				}
			})
		}
		t.Run("unknown_table", func(t *testing.T) {
			if _, err := s.Token("nosuchtable", "Bob", ""); !errors.Is(err, ErrNoTable) {
				t.Errorf("got %v, want ErrNoTable", err)
			}
		})
	})
}

func TestQuestionsWalkTheRange(t *testing.T) {
	s, _ := newTestServer(t)
	tab := createTable(t, s, CreateTableRequest{ProbMin: 3, ProbMax: 27, QuestionsPerRound: 10}).Table

	round1 := questions(t, s, tab, 1, 10)
	round2 := questions(t, s, tab, 2, 10)
	t.Run("rounds_advance", func(t *testing.T) {
		if diff := cmp.Diff(ranked(t, 3, 12), alphagramsOf(round1)); diff != "" {
			t.Errorf("round 1 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(ranked(t, 13, 22), alphagramsOf(round2)); diff != "" {
			t.Errorf("round 2 (-want +got):\n%s", diff)
		}
	})

	t.Run("questions_carry_answers", func(t *testing.T) {
		want, err := testLexicon.Questions(4, 3, 12)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, round1); diff != "" {
			t.Errorf("round 1 (-want +got):\n%s", diff)
		}
	})

	t.Run("same_round_same_questions", func(t *testing.T) {
		if diff := cmp.Diff(round1, questions(t, s, tab, 1, 10)); diff != "" {
			t.Errorf("round 1 asked again (-first +again):\n%s", diff)
		}
		// A changed count does not change a round already given.
		if diff := cmp.Diff(round2, questions(t, s, tab, 2, 50)); diff != "" {
			t.Errorf("round 2 asked again (-first +again):\n%s", diff)
		}
	})

	t.Run("last_round_is_short", func(t *testing.T) {
		if diff := cmp.Diff(ranked(t, 23, 27), alphagramsOf(questions(t, s, tab, 3, 10))); diff != "" {
			t.Errorf("round 3 (-want +got):\n%s", diff)
		}
	})

	t.Run("range_starts_again", func(t *testing.T) {
		if diff := cmp.Diff(ranked(t, 3, 12), alphagramsOf(questions(t, s, tab, 4, 10))); diff != "" {
			t.Errorf("round 4 (-want +got):\n%s", diff)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			req     schemas.QuestionsRequest
			invalid bool // an *InvalidError rather than ErrNoTable
		}{
			{"unknown_table", schemas.QuestionsRequest{Table: "nosuchtable", Round: 1, Count: 10}, false},
			{"bad_table_id", schemas.QuestionsRequest{Table: "a.b", Round: 1, Count: 10}, true},
			{"round_zero", schemas.QuestionsRequest{Table: tab, Round: 0, Count: 10}, true},
			{"count_zero", schemas.QuestionsRequest{Table: tab, Round: 5, Count: 0}, true},
			{"count_too_big", schemas.QuestionsRequest{Table: tab, Round: 5, Count: 201}, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Questions(context.Background(), tt.req)
				var inv *InvalidError
				switch {
				case tt.invalid && !errors.As(err, &inv):
					t.Errorf("got %v, want an *InvalidError", err)
				case !tt.invalid && !errors.Is(err, ErrNoTable):
					t.Errorf("got %v, want ErrNoTable", err)
				}
			})
		}
	})
}

// result makes a round result in which the alphagrams in missed had a
// word missed and the others were cleared.
func result(table string, round int, alphagrams []string, missed ...string) schemas.RoundResult {
	res := schemas.RoundResult{
		Table: table, Round: round, StartedAt: 1000, EndedAt: 2000, Reason: "time",
		Scores: []schemas.Score{{UserID: "g000000000001", Score: 3}},
	}
	for _, a := range alphagrams {
		q := schemas.QuestionResult{Alphagram: a, Solved: []schemas.SolvedWord{}, Missed: []string{}}
		if slices.Contains(missed, a) {
			q.Missed = []string{a}
		} else {
			q.Solved = []schemas.SolvedWord{{Word: a, UserID: "g000000000001", AtMS: 500}}
		}
		res.Questions = append(res.Questions, q)
	}
	return res
}

func record(t *testing.T, s *Server, res schemas.RoundResult) {
	t.Helper()
	if err := s.Record(context.Background(), res); err != nil {
		t.Fatalf("record round %d: %v", res.Round, err)
	}
}

func TestMissedComeBack(t *testing.T) {
	s, _ := newTestServer(t)
	tab := createTable(t, s, CreateTableRequest{ProbMax: 20, QuestionsPerRound: 10}).Table
	r1 := alphagramsOf(questions(t, s, tab, 1, 10))
	r2 := alphagramsOf(questions(t, s, tab, 2, 10))
	a, b, c := r1[2], r1[7], r2[4]

	record(t, s, result(tab, 1, r1, a, b))
	record(t, s, result(tab, 2, r2, c))

	steps := []struct {
		name   string
		round  int
		count  int
		want   []string
		missed []string // in the round's result
	}{
		{"missed_served_oldest_first", 3, 2, []string{a, b}, []string{b}},
		{"missed_again_comes_back", 4, 2, []string{c, b}, nil},
		{"range_again_when_none_left", 5, 10, ranked(t, 1, 10), nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got := alphagramsOf(questions(t, s, tab, st.round, st.count))
			if diff := cmp.Diff(st.want, got); diff != "" {
				t.Fatalf("round %d (-want +got):\n%s", st.round, diff)
			}
			record(t, s, result(tab, st.round, got, st.missed...))
		})
	}
}

func TestRecordIsIdempotent(t *testing.T) {
	s, _ := newTestServer(t)
	tab := createTable(t, s, CreateTableRequest{ProbMax: 10, QuestionsPerRound: 10}).Table
	r1 := alphagramsOf(questions(t, s, tab, 1, 10))
	r2 := alphagramsOf(questions(t, s, tab, 2, 10))

	first := result(tab, 1, r1, r1[0])
	record(t, s, result(tab, 2, r2))
	record(t, s, first)
	record(t, s, result(tab, 1, r1, r1[1])) // the same round, told differently
	record(t, s, first)

	want := []schemas.RoundResult{first, result(tab, 2, r2)}
	if diff := cmp.Diff(want, s.Results(tab)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{r1[0]}, alphagramsOf(questions(t, s, tab, 3, 10))); diff != "" {
		t.Errorf("round 3 serves the missed alphagrams once (-want +got):\n%s", diff)
	}

	t.Run("unknown_table", func(t *testing.T) {
		if err := s.Record(context.Background(), result("nosuchtable", 1, r1)); !errors.Is(err, ErrNoTable) {
			t.Errorf("got %v, want ErrNoTable", err)
		}
	})
}
