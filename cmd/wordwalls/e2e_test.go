package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/websocket"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/backend"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/client"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/replay"
	"github.com/wordwalls/wordwalls/rooms"
	"github.com/wordwalls/wordwalls/schemas"
)

// TestFullRound plays a round with two players racing for the same words,
// then checks that exactly one of them got each word, that no answer was
// sent before it was solved or the round ended, that the round's result
// reached the back end, and that replay reproduces the table.
func TestFullRound(t *testing.T) {
	g := startGame(t)
	tb := g.newTable(t, 60)
	alice := g.connect(t, tb, "alice", 0)
	bob := g.connect(t, g.token(t, tb.Table, "Bob", schemas.RolePlayer), "bob", 0)
	bob.waitFor(0, "own join", func(e schemas.Event) bool { return e.Type == schemas.EvJoined && e.Player.ID == bob.user })
	alice.waitFor(0, "host", func(e schemas.Event) bool { return e.Type == schemas.EvHost && e.UserID == alice.user })

	started := startRound(t, alice, bob)
	qs := g.answers(t, tb.Table, 1)
	if len(qs) != len(started.Wall) {
		t.Fatalf("wall has %d tiles, back end gave %d questions", len(started.Wall), len(qs))
	}
	all := words(qs)

	// Both race for the first three words at once.
	race := all[:3]
	for _, w := range race {
		if _, err := alice.conn.Send(schemas.Command{Type: schemas.CmdGuess, Word: strings.ToLower(w)}); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.conn.Send(schemas.Command{Type: schemas.CmdGuess, Word: " " + w + " "}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range race {
		alice.waitFor(0, "solve of "+w, solvedWord(w))
		bob.waitFor(0, "solve of "+w, solvedWord(w))
	}
	bob.send(schemas.Command{Type: schemas.CmdGuess, Word: "QQQQQQQ"})
	bob.waitFor(0, "wrong reply", func(e schemas.Event) bool { return e.Type == schemas.EvReply && e.Code == "wrong" })

	from := alice.count()
	alice.send(schemas.Command{Type: schemas.CmdGiveUp})
	over, _ := alice.waitFor(from, "round_over", isType(schemas.EvRoundOver))
	bob.waitFor(0, "round_over", isType(schemas.EvRoundOver))
	if over.Reason != "give_up" || len(over.Answers) != len(qs) {
		t.Errorf("round_over reason %q with %d answers, want give_up with %d", over.Reason, len(over.Answers), len(qs))
	}

	t.Run("one_winner_per_word", func(t *testing.T) {
		for _, p := range []*player{alice, bob} {
			evs, _ := p.all()
			for _, w := range race {
				n := 0
				for _, e := range evs {
					if solvedWord(w)(e) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%s saw %d solves of %s, want 1", p.name, n, w)
				}
			}
		}
		refused := 0
		for _, p := range []*player{alice, bob} {
			evs, _ := p.all()
			for _, e := range evs {
				if e.Type == schemas.EvReply && e.Code == "already_solved" {
					refused++
				}
			}
		}
		if refused != len(race) {
			t.Errorf("%d already_solved replies, want %d", refused, len(race))
		}
		for _, e := range over.Scores {
			if e.UserID != alice.user && e.UserID != bob.user {
				t.Errorf("score for unknown user %s", e.UserID)
			}
		}
	})

	t.Run("answers_hidden_until_solved", func(t *testing.T) {
		for _, p := range []*player{alice, bob} {
			evs, frames := p.all()
			solved := map[string]bool{}
			for i, e := range evs {
				if e.Type == schemas.EvRoundOver {
					break
				}
				if e.Type == schemas.EvSolved {
					solved[e.Solve.Word] = true
				}
				var hidden []string
				for _, w := range all {
					if !solved[w] {
						hidden = append(hidden, w)
					}
				}
				if w := containsAny(frames[i], hidden); w != "" {
					t.Errorf("%s received unsolved answer %s in %s", p.name, w, frames[i])
				}
			}
		}
	})

	t.Run("result_reaches_back_end", func(t *testing.T) {
		var res struct {
			Results []schemas.RoundResult `json:"results"`
		}
		deadline := time.Now().Add(15 * time.Second)
		for len(res.Results) == 0 && time.Now().Before(deadline) {
			g.api(t, "GET", "/api/tables/"+tb.Table+"/results", nil, &res, false)
			time.Sleep(100 * time.Millisecond)
		}
		if len(res.Results) != 1 {
			t.Fatalf("back end has %d results, want 1", len(res.Results))
		}
		r := res.Results[0]
		solved, missed := 0, 0
		for _, q := range r.Questions {
			solved += len(q.Solved)
			missed += len(q.Missed)
		}
		if r.Round != 1 || r.Reason != "give_up" || solved != len(race) || missed != len(all)-len(race) {
			t.Errorf("result round %d reason %s solved %d missed %d; want 1 give_up %d %d", r.Round, r.Reason, solved, missed, len(race), len(all)-len(race))
		}
	})

	t.Run("replay_reproduces", func(t *testing.T) {
		nc, err := bus.Connect(g.nats, "test-replay")
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		h, err := replay.Load(context.Background(), js, tb.Table)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Events) == 0 || len(h.Inputs) == 0 {
			t.Fatalf("history has %d inputs and %d events", len(h.Inputs), len(h.Events))
		}
		diffs, err := replay.Check(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diffs {
			t.Error(d)
		}

		out, err := exec.Command(binary, "replay", "--nats-url", g.nats, "--table", tb.Table).CombinedOutput()
		if err != nil {
			t.Fatalf("wordwalls replay: %v\n%s", err, out)
		}
		for _, want := range []string{"command from " + bob.user, "round_over", "no difference"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("replay output lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestResendTakesEffectOnce sends the same command id twice: both are
// acknowledged, one chat line results.
func TestResendTakesEffectOnce(t *testing.T) {
	g := startGame(t)
	tb := g.newTable(t, 60)
	alice := g.connect(t, tb, "alice", 0)
	alice.waitFor(0, "host", isType(schemas.EvHost))
	for range 2 {
		alice.send(schemas.Command{Type: schemas.CmdChat, ID: "same-id", Text: "hello once"})
	}
	alice.send(schemas.Command{Type: schemas.CmdChat, ID: "later", Text: "marker"})
	alice.waitFor(0, "marker", func(e schemas.Event) bool { return e.Type == schemas.EvChat && e.Text == "marker" })
	evs, _ := alice.all()
	n := 0
	for _, e := range evs {
		if e.Type == schemas.EvChat && e.Text == "hello once" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("resent chat appeared %d times, want 1", n)
	}
}

// TestReconnect drops a player, lets the table move on and reconnects
// with the last sequence seen: the missed events arrive in order, none
// twice; a gap older than what the bridge and stream keep gets a snapshot.
func TestReconnect(t *testing.T) {
	g := startGame(t, replayEvents(8))
	tb := g.newTable(t, 60)
	alice := g.connect(t, tb, "alice", 0)
	bobTok := g.token(t, tb.Table, "Bob", schemas.RolePlayer)
	bob := g.connect(t, bobTok, "bob", 0)
	bob.waitFor(0, "own join", func(e schemas.Event) bool { return e.Type == schemas.EvJoined && e.Player.ID == bob.user })
	alice.send(schemas.Command{Type: schemas.CmdChat, Text: "before"})
	bob.waitFor(0, "chat", isType(schemas.EvChat))
	last := bob.conn.Last()
	bob.conn.Close()
	<-bob.closed

	t.Run("missed_events_in_order", func(t *testing.T) {
		for i := range 5 {
			alice.send(schemas.Command{Type: schemas.CmdChat, Text: "missed " + string(rune('a'+i))})
		}
		back := g.connect(t, bobTok, "bob-again", last)
		ev, _ := back.waitFor(0, "last missed chat", func(e schemas.Event) bool { return e.Type == schemas.EvChat && e.Text == "missed e" })
		evs, _ := back.all()
		var seqs []uint64
		for _, e := range evs {
			if e.Type == schemas.EvSnapshot {
				t.Fatalf("got a snapshot for a short gap")
			}
			if e.Seq > 0 {
				seqs = append(seqs, e.Seq)
			}
		}
		for i, s := range seqs {
			if s != last+1+uint64(i) {
				t.Fatalf("sequences after %d: %v, want consecutive", last, seqs)
			}
		}
		if dups, gaps := back.conn.Faults(); dups != 0 || gaps != 0 {
			t.Errorf("client saw %d duplicates and %d gaps", dups, gaps)
		}
		if ev.Seq <= last {
			t.Errorf("missed chat seq %d not after %d", ev.Seq, last)
		}
		back.conn.Close()
		<-back.closed
	})

	t.Run("old_gap_gets_snapshot", func(t *testing.T) {
		// More events than the bridge keeps, and the stream loses the old ones.
		for i := range 12 {
			alice.send(schemas.Command{Type: schemas.CmdChat, Text: "flood " + string(rune('a'+i))})
		}
		nc, err := bus.Connect(g.nats, "test-purge")
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		waitSnapshot(t, js, tb.Table, alice.conn.Last())
		st, err := js.Stream(context.Background(), bus.EventStream)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := st.Info(context.Background())
		if err := st.Purge(context.Background(), jetstream.WithPurgeSubject(bus.EventSubject(tb.Table)), jetstream.WithPurgeSequence(info.State.LastSeq-3)); err != nil {
			t.Fatal(err)
		}
		alice.send(schemas.Command{Type: schemas.CmdChat, Text: "after purge"})

		back := g.connect(t, bobTok, "bob-late", last)
		snap, i := back.waitFor(0, "snapshot", isType(schemas.EvSnapshot))
		if snap.Table == nil || snap.Table.Seq <= last {
			t.Fatalf("snapshot %+v not newer than %d", snap.Table, last)
		}
		back.waitFor(i, "chat after purge", func(e schemas.Event) bool {
			return (e.Type == schemas.EvChat && e.Text == "after purge") ||
				(e.Type == schemas.EvSnapshot && hasChat(e.Table, "after purge"))
		})
		if dups, gaps := back.conn.Faults(); dups != 0 || gaps != 0 {
			t.Errorf("client saw %d duplicates and %d gaps", dups, gaps)
		}
	})
}

// waitSnapshot waits until the table's saved snapshot reaches seq.
func waitSnapshot(t *testing.T, js jetstream.JetStream, table string, seq uint64) {
	t.Helper()
	kv, err := js.KeyValue(context.Background(), bus.TableBucket)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if e, err := kv.Get(context.Background(), table); err == nil {
			var snap rooms.Snapshot
			if json.Unmarshal(e.Value(), &snap) == nil && snap.Table != nil && snap.Table.Seq >= seq {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no snapshot of %s at seq %d in 15 s", table, seq)
}

func hasChat(v *schemas.TableView, text string) bool {
	for _, c := range v.Chat {
		if c.Text == text {
			return true
		}
	}
	return false
}

// TestBadInput sends what a broken or hostile client would; each gets a
// clear close or error and the table goes on for everyone else.
func TestBadInput(t *testing.T) {
	g := startGame(t)
	tb := g.newTable(t, 60)
	alice := g.connect(t, tb, "alice", 0)
	alice.waitFor(0, "host", isType(schemas.EvHost))

	closeCode := func(t *testing.T, table, token string) int {
		t.Helper()
		c, _, err := client.Dial(context.Background(), g.ws, table, token, 0, nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.WS.Close()
		for {
			if _, _, err := c.Read(); err != nil {
				return client.CloseCode(err)
			}
		}
	}
	expired, _ := jointoken.Sign([]byte(testSecret), schemas.JoinClaims{UserID: "gold", Name: "Old", Table: tb.Table, Role: "player", Exp: time.Now().Add(-time.Minute).Unix()})
	forged, _ := jointoken.Sign([]byte("some-other-secret-entirely"), schemas.JoinClaims{UserID: "gx", Name: "X", Table: tb.Table, Role: "host", Exp: time.Now().Add(time.Hour).Unix()})
	other := g.newTable(t, 60)

	tokens := []struct {
		name  string
		table string
		token string
		code  int
	}{
		{"garbage", tb.Table, "not-a-token", 4001},
		{"empty", tb.Table, "", 4001},
		{"forged", tb.Table, forged, 4001},
		{"expired", tb.Table, expired, 4002},
		{"other_table", tb.Table, other.Token, 4003},
	}
	for _, tt := range tokens {
		t.Run("token_"+tt.name, func(t *testing.T) {
			if got := closeCode(t, tt.table, tt.token); got != tt.code {
				t.Errorf("close code %d, want %d", got, tt.code)
			}
		})
	}

	t.Run("foreign_origin", func(t *testing.T) {
		_, resp, err := client.Dial(context.Background(), g.ws, tb.Table, tb.Token, 0, http.Header{"Origin": {"https://evil.example"}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("foreign origin: err %v, response %v; want 403", err, resp)
		}
	})

	bobTok := g.token(t, tb.Table, "Bob", schemas.RolePlayer)
	t.Run("malformed_json", func(t *testing.T) {
		bob := g.connect(t, bobTok, "bob", 0)
		bob.waitFor(0, "welcome", isType(schemas.EvWelcome))
		for _, frame := range []string{`{"type":"guess",`, `[]`, `{"type":"fly","id":"x1"}`, `{"type":"guess","id":"x2"}`} {
			from := bob.count()
			bob.conn.WS.WriteMessage(websocket.TextMessage, []byte(frame))
			bob.waitFor(from, "error for "+frame, func(e schemas.Event) bool { return e.Type == schemas.EvError && e.Code == "bad_request" })
		}
		bob.send(schemas.Command{Type: schemas.CmdChat, Text: "still here"})
		alice.waitFor(0, "bob's chat", func(e schemas.Event) bool { return e.Type == schemas.EvChat && e.Text == "still here" })
		bob.conn.Close()
	})

	t.Run("oversize_frame", func(t *testing.T) {
		bob := g.connect(t, bobTok, "bob-big", 0)
		bob.waitFor(0, "welcome", isType(schemas.EvWelcome))
		bob.conn.WS.WriteMessage(websocket.TextMessage, []byte(`{"type":"chat","id":"big","text":"`+strings.Repeat("x", 8000)+`"}`))
		<-bob.closed
		if code := client.CloseCode(bob.err); code != websocket.CloseMessageTooBig {
			t.Errorf("close code %d (%v), want 1009", code, bob.err)
		}
	})

	t.Run("flood", func(t *testing.T) {
		bob := g.connect(t, bobTok, "bob-flood", 0)
		bob.waitFor(0, "welcome", isType(schemas.EvWelcome))
		for i := 0; i < 200; i++ {
			if _, err := bob.conn.Send(schemas.Command{Type: schemas.CmdGuess, Word: "ZZZ"}); err != nil {
				break
			}
		}
		<-bob.closed
		if code := client.CloseCode(bob.err); code != 4029 {
			t.Errorf("close code %d (%v), want 4029", code, bob.err)
		}
		evs, _ := bob.all()
		limited := 0
		for _, e := range evs {
			if e.Type == schemas.EvError && e.Code == "rate_limited" {
				limited++
			}
		}
		if limited == 0 {
			t.Error("no rate_limited error before the close")
		}
	})

	t.Run("table_unharmed", func(t *testing.T) {
		from := alice.count()
		alice.send(schemas.Command{Type: schemas.CmdChat, Text: "all fine"})
		alice.waitFor(from, "own chat", func(e schemas.Event) bool { return e.Type == schemas.EvChat && e.Text == "all fine" })
		if dups, gaps := alice.conn.Faults(); dups != 0 || gaps != 0 {
			t.Errorf("alice saw %d duplicates and %d gaps", dups, gaps)
		}
		select {
		case <-alice.closed:
			t.Errorf("alice's connection ended: %v", alice.err)
		default:
		}
	})
}

// rooms runs `wordwalls rooms` as its own process against the game.
func (g *game) rooms(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, "rooms", "--nats-url", g.nats, "--backend-url", g.http, "--secret", testSecret, "--log-level", "warn")
	if testing.Verbose() {
		cmd.Stderr = testWriter{t}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// TestRoomsKilled kills the rooms process mid-round (SIGKILL, no chance to
// save) and starts it again: the round goes on with the same solved words,
// scores and deadline. Then it kills it again and lets the deadline pass
// with no worker: the round ends once a worker is back.
func TestRoomsKilled(t *testing.T) {
	g := startGame(t, withoutWorker())
	worker := g.rooms(t)
	tb := g.newTable(t, 10)
	alice := g.connect(t, tb, "alice", 0)
	bobTok := g.token(t, tb.Table, "Bob", schemas.RolePlayer)
	bob := g.connect(t, bobTok, "bob", 0)
	bob.waitFor(0, "own join", func(e schemas.Event) bool { return e.Type == schemas.EvJoined && e.Player.ID == bob.user })

	started := startRound(t, alice, bob)
	all := words(g.answers(t, tb.Table, 1))
	bob.send(schemas.Command{Type: schemas.CmdGuess, Word: all[0]})
	bob.waitFor(0, "first solve", solvedWord(all[0]))
	alice.send(schemas.Command{Type: schemas.CmdGuess, Word: all[1]})
	bob.waitFor(0, "second solve", solvedWord(all[1]))

	kill(t, worker)
	// Accepted while no worker runs: durable in the input stream.
	alice.send(schemas.Command{Type: schemas.CmdGuess, Word: all[2]})
	worker = g.rooms(t)
	bob.waitFor(0, "solve made while the worker was down", solvedWord(all[2]))

	t.Run("state_survives", func(t *testing.T) {
		fresh := g.connect(t, bobTok, "bob-fresh", 0)
		snap, _ := fresh.waitFor(0, "snapshot", isType(schemas.EvSnapshot))
		// The snapshot may predate the last events; apply the rest.
		fresh.waitFor(0, "third solve", func(e schemas.Event) bool {
			return solvedWord(all[2])(e) || (e.Type == schemas.EvSnapshot && len(e.Table.Solves) == 3)
		})
		evs, _ := fresh.all()
		deadline := snap.Table.Deadline
		solves := map[string]string{}
		for _, s := range snap.Table.Solves {
			solves[s.Word] = s.UserID
		}
		for _, e := range evs {
			switch e.Type {
			case schemas.EvRoundStarted:
				deadline = e.Deadline
			case schemas.EvSolved:
				solves[e.Solve.Word] = e.Solve.UserID
			}
		}
		if deadline != started.Deadline {
			t.Errorf("deadline after restart %d, want %d", deadline, started.Deadline)
		}
		want := map[string]string{all[0]: bob.user, all[1]: alice.user, all[2]: alice.user}
		for w, u := range want {
			if solves[w] != u {
				t.Errorf("%s solved by %q, want %q", w, solves[w], u)
			}
		}
		if len(solves) != 3 {
			t.Errorf("%d solved words, want 3", len(solves))
		}
	})

	t.Run("deadline_passes_without_worker", func(t *testing.T) {
		kill(t, worker)
		if wait := time.Until(time.UnixMilli(started.Deadline)) + 1500*time.Millisecond; wait > 0 {
			time.Sleep(wait)
		}
		evs, _ := bob.all()
		for _, e := range evs {
			if e.Type == schemas.EvRoundOver {
				t.Fatal("round ended with no worker running")
			}
		}
		g.rooms(t)
		over, _ := bob.waitFor(0, "round_over", isType(schemas.EvRoundOver))
		if over.Reason != "time" {
			t.Errorf("round ended for %q, want time", over.Reason)
		}
		scores := map[string]int{}
		for _, s := range over.Scores {
			scores[s.UserID] = s.Score
		}
		if scores[alice.user] != 2 || scores[bob.user] != 1 {
			t.Errorf("scores %v, want alice 2 and bob 1", scores)
		}
		if dups, gaps := bob.conn.Faults(); dups != 0 || gaps != 0 {
			t.Errorf("bob saw %d duplicates and %d gaps across restarts", dups, gaps)
		}
	})
}

// TestLiveTables checks that the lobby's table list says who is at each
// public table and what it is doing, from the table's saved state.
func TestLiveTables(t *testing.T) {
	g := startGame(t)
	var tb created
	req := map[string]any{
		"lexicon": "ENABLE", "length": 7, "prob_min": 1, "prob_max": 40,
		"questions_per_round": 10, "time_limit": 60, "player": "Alice", "public": true,
	}
	if code := g.api(t, "POST", "/api/tables", req, &tb, false); code != http.StatusCreated {
		t.Fatalf("create table: status %d", code)
	}
	alice := g.connect(t, tb, "alice", 0)
	bob := g.connect(t, g.token(t, tb.Table, "Bob", schemas.RolePlayer), "bob", 0)
	g.connect(t, g.token(t, tb.Table, "Mo", schemas.RoleSpectator), "mo", 0)
	startRound(t, alice, bob)

	want := backend.Live{Players: []string{"Alice", "Bob"}, Phase: schemas.PhaseRunning, Round: 1}
	sorted := cmpopts.SortSlices(func(a, b string) bool { return a < b })
	var got *backend.Live
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var list struct{ Tables []backend.TableSummary }
		if code := g.api(t, "GET", "/api/tables", nil, &list, false); code != http.StatusOK {
			t.Fatalf("list tables: status %d", code)
		}
		if len(list.Tables) != 1 || list.Tables[0].Table != tb.Table {
			t.Fatalf("listed %+v, want only %s", list.Tables, tb.Table)
		}
		if got = list.Tables[0].Live; got != nil && cmp.Equal(*got, want, sorted) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got == nil || !cmp.Equal(*got, want, sorted) {
		t.Fatalf("live %+v, want %+v", got, want)
	}

	var one backend.TableSummary
	if code := g.api(t, "GET", "/api/tables/"+tb.Table, nil, &one, false); code != http.StatusOK {
		t.Fatalf("get table: status %d", code)
	}
	if one.Live == nil || !cmp.Equal(*one.Live, want, sorted) {
		t.Errorf("GET /api/tables/%s live %+v, want %+v", tb.Table, one.Live, want)
	}

	// The host makes the table private at the table: it leaves the list.
	from := alice.count()
	alice.send(schemas.Command{Type: schemas.CmdGiveUp})
	alice.waitFor(from, "round_over", isType(schemas.EvRoundOver))
	alice.send(schemas.Command{Type: schemas.CmdSettings,
		Settings: &schemas.Settings{QuestionsPerRound: 12, TimeLimit: 45, Public: false}})
	for deadline := time.Now().Add(15 * time.Second); ; {
		var list struct{ Tables []backend.TableSummary }
		g.api(t, "GET", "/api/tables", nil, &list, false)
		if len(list.Tables) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a table made private is still listed: %+v", list.Tables)
		}
		time.Sleep(100 * time.Millisecond)
	}
	g.api(t, "GET", "/api/tables/"+tb.Table, nil, &one, false)
	if one.Public || one.QuestionsPerRound != 12 || one.TimeLimit != 45 {
		t.Errorf("after the host's change the summary says public %v, %d questions, %d s; want false, 12, 45",
			one.Public, one.QuestionsPerRound, one.TimeLimit)
	}
}
