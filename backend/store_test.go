package backend

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/bus/bustest"
	"github.com/wordwalls/wordwalls/schemas"
)

func newBucket(t *testing.T, js jetstream.JetStream) jetstream.KeyValue {
	t.Helper()
	kv, err := js.CreateKeyValue(context.Background(), jetstream.KeyValueConfig{Bucket: "ww_backend", History: 1})
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

// newStoredServer returns a server over the test lexicon that keeps its
// tables in kv.
func newStoredServer(t *testing.T, kv jetstream.KeyValue) *Server {
	t.Helper()
	o := &opens{}
	s, err := New(context.Background(), Config{
		Lexicons: map[string]*lexicon.Lexicon{"TEST": testLexicon},
		Secret:   testSecret,
		Logger:   quiet,
		Open:     o.open,
		Store:    kv,
		Now:      func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPersistence(t *testing.T) {
	_, js := bustest.Start(t)
	kv := newBucket(t, js)
	before := newStoredServer(t, kv)
	public := createTable(t, before, CreateTableRequest{Name: "stored", ProbMax: 30, QuestionsPerRound: 10, Public: true}).Table
	private := createTable(t, before, CreateTableRequest{Name: "hidden"}).Table
	r1 := questions(t, before, public, 1, 10)
	r2 := questions(t, before, public, 2, 10)
	res1 := result(public, 1, alphagramsOf(r1), r1[3].Alphagram)
	record(t, before, res1)

	after := newStoredServer(t, kv)

	t.Run("same_tables", func(t *testing.T) {
		if diff := cmp.Diff(before.PublicTables(), after.PublicTables()); diff != "" {
			t.Errorf("public tables (-before +after):\n%s", diff)
		}
		want, _ := before.Summary(private)
		got, ok := after.Summary(private)
		if !ok {
			t.Fatal("private table lost")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("private table (-before +after):\n%s", diff)
		}
	})

	t.Run("played_round_same_questions", func(t *testing.T) {
		if diff := cmp.Diff(r2, questions(t, after, public, 2, 10)); diff != "" {
			t.Errorf("round 2 (-before +after):\n%s", diff)
		}
	})

	t.Run("results_kept", func(t *testing.T) {
		if diff := cmp.Diff([]schemas.RoundResult{res1}, after.Results(public)); diff != "" {
			t.Errorf("results (-before +after):\n%s", diff)
		}
		record(t, after, res1)
		if n := len(after.Results(public)); n != 1 {
			t.Errorf("%d results after recording round 1 again, want 1", n)
		}
	})

	t.Run("walk_goes_on", func(t *testing.T) {
		if diff := cmp.Diff(ranked(t, 21, 30), alphagramsOf(questions(t, after, public, 3, 10))); diff != "" {
			t.Errorf("round 3 (-want +got):\n%s", diff)
		}
		want := []string{r1[3].Alphagram}
		if diff := cmp.Diff(want, alphagramsOf(questions(t, after, public, 4, 10))); diff != "" {
			t.Errorf("round 4 serves the missed (-want +got):\n%s", diff)
		}
	})

	t.Run("stored_as_one_value", func(t *testing.T) {
		e, err := kv.Get(context.Background(), public)
		if err != nil {
			t.Fatal(err)
		}
		var stored table
		if err := json.Unmarshal(e.Value(), &stored); err != nil {
			t.Fatal(err)
		}
		if stored.Summary.Name != "stored" || len(stored.Rounds) != 4 || len(stored.Results) != 1 {
			t.Errorf("stored table has name %q, %d rounds, %d results; want stored, 4, 1",
				stored.Summary.Name, len(stored.Rounds), len(stored.Results))
		}
	})
}

// TestSharedStore has two servers over one bucket: a write from a stale
// copy must not undo the other's.
func TestSharedStore(t *testing.T) {
	_, js := bustest.Start(t)
	kv := newBucket(t, js)
	a := newStoredServer(t, kv)
	tab := createTable(t, a, CreateTableRequest{QuestionsPerRound: 10}).Table
	b := newStoredServer(t, kv)

	first := questions(t, a, tab, 1, 10)
	t.Run("stale_copy_sees_round", func(t *testing.T) {
		if diff := cmp.Diff(first, questions(t, b, tab, 1, 10)); diff != "" {
			t.Errorf("round 1 from the other server (-first +other):\n%s", diff)
		}
	})

	t.Run("walk_shared", func(t *testing.T) {
		if diff := cmp.Diff(ranked(t, 11, 20), alphagramsOf(questions(t, b, tab, 2, 10))); diff != "" {
			t.Errorf("round 2 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(ranked(t, 21, 30), alphagramsOf(questions(t, a, tab, 3, 10))); diff != "" {
			t.Errorf("round 3 (-want +got):\n%s", diff)
		}
	})

	t.Run("table_created_elsewhere", func(t *testing.T) {
		later := createTable(t, b, CreateTableRequest{QuestionsPerRound: 10}).Table
		if diff := cmp.Diff(ranked(t, 1, 10), alphagramsOf(questions(t, a, later, 1, 10))); diff != "" {
			t.Errorf("round 1 (-want +got):\n%s", diff)
		}
	})
}

func TestOpenPublishes(t *testing.T) {
	_, js := bustest.Start(t)
	s, err := New(context.Background(), Config{
		Lexicons: map[string]*lexicon.Lexicon{"TEST": testLexicon},
		Secret:   testSecret,
		Logger:   quiet,
		Open: func(ctx context.Context, in schemas.Input) error {
			data, err := json.Marshal(in)
			if err != nil {
				return err
			}
			_, err = js.Publish(ctx, bus.InputSubject(in.Table), data, jetstream.WithMsgID(in.Table+":open"))
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	created := createTable(t, s, CreateTableRequest{Name: "bus", ProbMax: 30, QuestionsPerRound: 20, TimeLimit: 120})

	stream, err := js.Stream(context.Background(), bus.InputStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stream.GetLastMsgForSubject(context.Background(), bus.InputSubject(created.Table))
	if err != nil {
		t.Fatal(err)
	}
	var got schemas.Input
	if err := json.Unmarshal(msg.Data, &got); err != nil {
		t.Fatal(err)
	}
	want := schemas.Input{
		Type:     schemas.InOpen,
		Table:    created.Table,
		Info:     &schemas.TableInfo{Name: "bus", Lexicon: "TEST", Length: 4, ProbMin: 1, ProbMax: 30},
		Creator:  created.UserID,
		Settings: &schemas.Settings{QuestionsPerRound: 20, TimeLimit: 120},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("open input (-want +got):\n%s", diff)
	}
	if err := schemas.Validate("input", msg.Data); err != nil {
		t.Errorf("open input breaks its schema: %v", err)
	}
}

// TestStoredTableStaysSmall records results until the table would outgrow
// one value: the oldest give way, and a late copy of one is ignored.
func TestStoredTableStaysSmall(t *testing.T) {
	s, _ := newTestServer(t)
	tab := createTable(t, s, CreateTableRequest{QuestionsPerRound: 10}).Table
	alphagrams := ranked(t, 1, 10)

	big := func(round int) schemas.RoundResult {
		res := result(tab, round, alphagrams)
		for i := range res.Questions {
			q := &res.Questions[i]
			q.Solved = nil
			for j := 0; j < 300; j++ {
				w := schemas.SolvedWord{Word: strings.Repeat("A", 15), UserID: "g000000000001", AtMS: int64(j)}
				q.Solved = append(q.Solved, w)
			}
		}
		return res
	}
	const rounds = 8
	for round := 1; round <= rounds; round++ {
		record(t, s, big(round))
	}

	kept := s.Results(tab)
	if len(kept) == 0 || len(kept) == rounds {
		t.Fatalf("%d of %d results kept, want some but not all", len(kept), rounds)
	}
	if got := kept[len(kept)-1].Round; got != rounds {
		t.Errorf("latest kept round %d, want %d", got, rounds)
	}
	data, err := json.Marshal(s.tables[tab])
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxValueBytes {
		t.Errorf("table is %d bytes, over %d", len(data), maxValueBytes)
	}

	record(t, s, big(1))
	if diff := cmp.Diff(kept, s.Results(tab)); diff != "" {
		t.Errorf("a dropped round recorded again (-before +after):\n%s", diff)
	}
}
