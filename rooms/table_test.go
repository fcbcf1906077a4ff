package rooms

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/schemas"
)

const t0 = int64(1_800_000_000_000) // a whole second

var (
	alice = &schemas.Sender{UserID: "alice", Name: "Alice", Role: schemas.RoleHost, Conn: "c1"}
	bob   = &schemas.Sender{UserID: "bob", Name: "Bob", Role: schemas.RolePlayer, Conn: "c2"}
	carol = &schemas.Sender{UserID: "carol", Name: "Carol", Role: schemas.RolePlayer, Conn: "c3"}
	spec  = &schemas.Sender{UserID: "sam", Name: "Sam", Role: schemas.RoleSpectator, Conn: "c4"}
)

func word(w string) schemas.Word { return schemas.Word{Word: w} }

// wall is two alphagrams with seven answers in all.
var wall = []schemas.Question{
	{Alphagram: "AEINRST", Length: 7, Probability: 1, Combinations: 10, Words: []schemas.Word{
		word("NASTIER"), word("RETAINS"), word("RETINAS"), word("RETSINA"), word("STAINER"), word("STEARIN"),
	}},
	{Alphagram: "AELPST", Length: 6, Probability: 2, Combinations: 9, Words: []schemas.Word{word("PLATES")}},
}

func open() schemas.Input {
	return schemas.Input{
		Type: schemas.InOpen, Table: "t1", Creator: "alice",
		Info:     &schemas.TableInfo{Lexicon: "ENABLE", Length: 7, ProbMin: 1, ProbMax: 100},
		Settings: &schemas.Settings{QuestionsPerRound: 10, TimeLimit: 60},
	}
}

func join(s *schemas.Sender) schemas.Input {
	return schemas.Input{Type: schemas.InJoin, Table: "t1", From: s}
}

func leave(s *schemas.Sender) schemas.Input {
	return schemas.Input{Type: schemas.InLeave, Table: "t1", From: s}
}

func cmd(s *schemas.Sender, c schemas.Command) schemas.Input {
	return schemas.Input{Type: schemas.InCommand, Table: "t1", From: s, Command: &c}
}

func guess(s *schemas.Sender, id, w string) schemas.Input {
	return cmd(s, schemas.Command{Type: schemas.CmdGuess, ID: id, Word: w})
}

func questions(round int) schemas.Input {
	return schemas.Input{Type: schemas.InQuestions, Table: "t1", Round: round, Questions: wall}
}

func timer(name string, round int, at int64) schemas.Input {
	return schemas.Input{Type: schemas.InTimer, Table: "t1", Timer: name, Round: round, At: at}
}

// step is one input at a time.
type step struct {
	in schemas.Input
	at int64
}

// play applies steps to a new table and returns it with every result.
func play(t *testing.T, steps ...step) (*Table, []Result) {
	t.Helper()
	tb := New("t1")
	var out []Result
	for _, s := range steps {
		res := tb.Apply(s.in, s.at)
		conforms(t, res)
		out = append(out, res)
	}
	return tb, out
}

// conforms checks every message a result sends against the event schema
// and the round result against its own.
func conforms(t *testing.T, res Result) {
	t.Helper()
	check := func(kind string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemas.Validate(kind, data); err != nil {
			t.Errorf("%s breaks %s.json: %v", data, kind, err)
		}
	}
	for _, e := range res.Events {
		check("event", e)
	}
	if res.Reply != nil {
		check("event", res.Reply.Event)
	}
	if res.Results != nil {
		check("round_result", res.Results)
	}
}

func types(evs []schemas.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// running is a table with Alice (host) and Bob in a running round.
func running() []step {
	return []step{
		{open(), t0},
		{join(alice), t0 + 10},
		{join(bob), t0 + 20},
		{cmd(alice, schemas.Command{Type: schemas.CmdStart, ID: "s1"}), t0 + 100},
		{questions(1), t0 + 200},
		{timer(schemas.TimerGo, 1, t0+4000), t0 + 4000},
	}
}

func TestPresenceAndHost(t *testing.T) {
	tests := []struct {
		name     string
		steps    []step
		wantHost string
		wantLast []string
	}{
		{"creator_is_host", []step{{open(), t0}, {join(bob), t0}, {join(alice), t0}}, "alice", []string{"joined", "host"}},
		{"first_player_hosts_without_creator", []step{{open(), t0}, {join(bob), t0}}, "bob", []string{"joined", "host"}},
		{"spectator_never_hosts", []step{{open(), t0}, {join(spec), t0}}, "", []string{"joined"}},
		{"longest_present_takes_over", []step{{open(), t0}, {join(alice), t0}, {join(carol), t0}, {join(bob), t0}, {leave(alice), t0}}, "carol", []string{"left", "host"}},
		{"second_tab_keeps_presence", []step{
			{open(), t0}, {join(alice), t0}, {join(&schemas.Sender{UserID: "alice", Name: "Alice", Role: schemas.RoleHost, Conn: "c9"}), t0}, {leave(alice), t0},
		}, "alice", nil},
		{"join_before_open_refused", []step{{join(bob), t0}}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, res := play(t, tt.steps...)
			if tb.Host != tt.wantHost {
				t.Errorf("host = %q, want %q", tb.Host, tt.wantHost)
			}
			if diff := cmp.Diff(tt.wantLast, types(res[len(res)-1].Events)); diff != "" {
				t.Errorf("last events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRoundFlow(t *testing.T) {
	tb, res := play(t, running()...)
	if diff := cmp.Diff([]string{"countdown"}, types(res[3].Events)); diff != "" {
		t.Fatalf("start events (-want +got):\n%s", diff)
	}
	if res[3].Fetch == nil || res[3].Fetch.Count != 10 || res[3].Fetch.Round != 1 {
		t.Fatalf("start fetch = %+v, want round 1, 10 questions", res[3].Fetch)
	}
	if got := res[3].Timers; len(got) != 1 || got[0].Name != schemas.TimerGo || got[0].At != t0+4000 {
		t.Fatalf("start timers = %+v, want go at the next whole second after 3 s", got)
	}
	started := res[5].Events
	if diff := cmp.Diff([]string{"round_started"}, types(started)); diff != "" {
		t.Fatalf("go events (-want +got):\n%s", diff)
	}
	if started[0].Deadline != t0+64000 {
		t.Errorf("deadline = %d, want %d", started[0].Deadline, t0+64000)
	}
	wantWall := []schemas.Tile{{Index: 0, Alphagram: "AEINRST", Answers: 6}, {Index: 1, Alphagram: "AELPST", Answers: 1}}
	if diff := cmp.Diff(wantWall, started[0].Wall); diff != "" {
		t.Errorf("wall (-want +got):\n%s", diff)
	}
	if tb.Phase != schemas.PhaseRunning {
		t.Errorf("phase = %s, want running", tb.Phase)
	}
}

func TestRaceForTheSameWord(t *testing.T) {
	steps := append(running(),
		step{guess(bob, "g1", " retains "), t0 + 5000},
		step{guess(alice, "g1", "RETAINS"), t0 + 5000},
	)
	tb, res := play(t, steps...)
	first, second := res[len(res)-2], res[len(res)-1]
	if len(first.Events) != 1 || first.Events[0].Solve.UserID != "bob" || first.Events[0].Re != "g1" {
		t.Fatalf("first guess events = %+v, want one solve by bob", first.Events)
	}
	if first.Events[0].Solve.AtMS != 1000 {
		t.Errorf("solve at %d ms, want 1000", first.Events[0].Solve.AtMS)
	}
	if len(second.Events) != 0 || second.Reply == nil || second.Reply.Event.Code != CodeAlreadySolved || second.Reply.To != "c1" {
		t.Fatalf("second guess = %+v, want a private already_solved to c1", second)
	}
	if p := tb.player("bob"); p.Score != 1 || p.LastWord != "RETAINS" {
		t.Errorf("bob = %+v, want score 1 and last word RETAINS", p)
	}
	if p := tb.player("alice"); p.Score != 0 {
		t.Errorf("alice score = %d, want 0", p.Score)
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		in   schemas.Input
		at   int64
		code string
	}{
		{"wrong_word", guess(bob, "x1", "ZZZ"), t0 + 5000, CodeWrong},
		{"spectator_guess", guess(spec, "x2", "NASTIER"), t0 + 5000, CodeSpectator},
		{"non_host_give_up", cmd(bob, schemas.Command{Type: schemas.CmdGiveUp, ID: "x3"}), t0 + 5000, CodeNotHost},
		{"start_while_running", cmd(alice, schemas.Command{Type: schemas.CmdStart, ID: "x4"}), t0 + 5000, CodeBusy},
		{"settings_while_running", cmd(alice, schemas.Command{Type: schemas.CmdSettings, ID: "x5", Settings: &schemas.Settings{QuestionsPerRound: 20, TimeLimit: 60}}), t0 + 5000, CodeBusy},
		{"guess_after_deadline", guess(bob, "x6", "NASTIER"), t0 + 64000, CodeTooLate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, _ := play(t, running()...)
			seq := tb.Seq
			res := tb.Apply(tt.in, tt.at)
			if res.Reply == nil || res.Reply.Event.Code != tt.code {
				t.Fatalf("reply = %+v, want code %s", res.Reply, tt.code)
			}
			if tt.code != CodeTooLate && (len(res.Events) != 0 || tb.Seq != seq) {
				t.Errorf("refused input produced events %v", types(res.Events))
			}
		})
	}
}

func TestResendTakesEffectOnce(t *testing.T) {
	steps := append(running(),
		step{cmd(bob, schemas.Command{Type: schemas.CmdChat, ID: "m1", Text: "hi"}), t0 + 5000},
		step{cmd(bob, schemas.Command{Type: schemas.CmdChat, ID: "m1", Text: "hi"}), t0 + 5001},
	)
	tb, res := play(t, steps...)
	if n := len(res[len(res)-1].Events); n != 0 {
		t.Fatalf("resend produced %d events", n)
	}
	if len(tb.Chat) != 1 {
		t.Fatalf("chat kept %d lines, want 1", len(tb.Chat))
	}
}

func TestRoundEnds(t *testing.T) {
	all := []string{"NASTIER", "RETAINS", "RETINAS", "RETSINA", "STAINER", "STEARIN", "PLATES"}
	tests := []struct {
		name   string
		end    []step
		reason string
		missed int
	}{
		{"deadline_timer", []step{{guess(bob, "a", "PLATES"), t0 + 5000}, {timer(schemas.TimerDeadline, 1, t0+64000), t0 + 64010}}, ReasonTime, 6},
		{"input_after_deadline", []step{{guess(bob, "a", "PLATES"), t0 + 5000}, {cmd(bob, schemas.Command{Type: schemas.CmdChat, ID: "c", Text: "late"}), t0 + 70000}}, ReasonTime, 6},
		{"give_up", []step{{cmd(alice, schemas.Command{Type: schemas.CmdGiveUp, ID: "gu"}), t0 + 6000}}, ReasonGiveUp, 7},
		{"cleared", func() []step {
			var s []step
			for i, w := range all {
				s = append(s, step{guess(bob, "w"+w, strings.ToLower(w)), t0 + 5000 + int64(i)})
			}
			return s
		}(), ReasonCleared, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, res := play(t, append(running(), tt.end...)...)
			var over *Result
			for i := range res {
				if res[i].Results != nil {
					over = &res[i]
				}
			}
			if over == nil {
				t.Fatal("no round result")
			}
			r := over.Results
			if r.Reason != tt.reason || r.Round != 1 || r.Table != "t1" {
				t.Errorf("result = %s round %d table %s, want %s round 1 t1", r.Reason, r.Round, r.Table, tt.reason)
			}
			missed := 0
			for _, q := range r.Questions {
				missed += len(q.Missed)
			}
			if missed != tt.missed {
				t.Errorf("missed %d words, want %d", missed, tt.missed)
			}
			var ev schemas.Event
			for _, e := range over.Events {
				if e.Type == schemas.EvRoundOver {
					ev = e
				}
			}
			if ev.Type != schemas.EvRoundOver || len(ev.Answers) != 2 || len(ev.Answers[0].Words) != 6 {
				t.Errorf("round_over = %+v, want every answer revealed", ev)
			}
			if tb.Phase != schemas.PhaseIdle {
				t.Errorf("phase = %s, want idle", tb.Phase)
			}
			if v := tb.View(); v.Reason != tt.reason || len(v.Answers) != 2 {
				t.Errorf("view says the round ended for %q with %d answers, want %q with 2", v.Reason, len(v.Answers), tt.reason)
			}
			// A late deadline timer changes nothing.
			if late := tb.Apply(timer(schemas.TimerDeadline, 1, t0+64000), t0+90000); len(late.Events) != 0 {
				t.Errorf("stale timer produced %v", types(late.Events))
			}
		})
	}
}

func TestQuestionsAfterTheCountdown(t *testing.T) {
	tb, res := play(t,
		step{open(), t0},
		step{join(alice), t0},
		step{cmd(alice, schemas.Command{Type: schemas.CmdStart, ID: "s"}), t0},
		step{timer(schemas.TimerGo, 1, t0+3000), t0 + 3000},
		step{questions(1), t0 + 3500},
		step{questions(1), t0 + 3600},
	)
	if res[3].Fetch == nil || len(res[3].Events) != 0 {
		t.Fatalf("go without questions = %+v, want a new fetch and no events", res[3])
	}
	if diff := cmp.Diff([]string{"round_started"}, types(res[4].Events)); diff != "" {
		t.Fatalf("late questions (-want +got):\n%s", diff)
	}
	if tb.StartedAt != t0+3500 || tb.Deadline != t0+64000 {
		t.Errorf("started %d deadline %d, want %d and %d", tb.StartedAt, tb.Deadline, t0+3500, t0+64000)
	}
	if len(res[5].Events) != 0 {
		t.Errorf("repeated questions produced %v", types(res[5].Events))
	}
}

func TestNoQuestionsCancels(t *testing.T) {
	tb, res := play(t,
		step{open(), t0},
		step{join(alice), t0},
		step{cmd(alice, schemas.Command{Type: schemas.CmdStart, ID: "s"}), t0},
		step{schemas.Input{Type: schemas.InNoQuestions, Table: "t1", Round: 1, Error: "down"}, t0 + 100},
	)
	if diff := cmp.Diff([]string{"cancelled"}, types(res[3].Events)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if tb.Phase != schemas.PhaseIdle {
		t.Errorf("phase = %s, want idle", tb.Phase)
	}
}

func TestSettings(t *testing.T) {
	tests := []struct {
		name string
		s    schemas.Settings
		ok   bool
	}{
		{"valid", schemas.Settings{QuestionsPerRound: 200, TimeLimit: 300, Public: true}, true},
		{"too_few_questions", schemas.Settings{QuestionsPerRound: 9, TimeLimit: 300}, false},
		{"too_many_questions", schemas.Settings{QuestionsPerRound: 201, TimeLimit: 300}, false},
		{"no_time", schemas.Settings{QuestionsPerRound: 50, TimeLimit: 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, _ := play(t, step{open(), t0}, step{join(alice), t0})
			s := tt.s
			res := tb.Apply(cmd(alice, schemas.Command{Type: schemas.CmdSettings, ID: "x", Settings: &s}), t0)
			if got := len(res.Events) == 1 && tb.Settings == tt.s; got != tt.ok {
				t.Errorf("applied = %v, want %v (reply %+v)", got, tt.ok, res.Reply)
			}
		})
	}
}

// TestAnswersStayHidden checks that no event before the round ends names a
// word nobody has solved yet.
func TestAnswersStayHidden(t *testing.T) {
	steps := append(running(), step{guess(bob, "a", "PLATES"), t0 + 5000}, step{guess(bob, "b", "NOPE"), t0 + 5001})
	tb, res := play(t, steps...)
	var sent strings.Builder
	for _, r := range res {
		for _, e := range r.Events {
			b, _ := json.Marshal(e)
			sent.Write(b)
		}
		if r.Reply != nil {
			b, _ := json.Marshal(r.Reply.Event)
			sent.Write(b)
		}
	}
	view, _ := json.Marshal(tb.View())
	sent.Write(view)
	for _, w := range []string{"NASTIER", "RETAINS", "RETINAS", "RETSINA", "STAINER", "STEARIN"} {
		if strings.Contains(sent.String(), w) {
			t.Errorf("unsolved answer %s was sent", w)
		}
	}
	if !strings.Contains(sent.String(), "PLATES") {
		t.Error("solved answer PLATES was never sent")
	}
}

// TestSnapshotRestore checks that a table saved and loaded mid-round goes
// on exactly as one that never stopped: the rules are a function of state
// and input alone.
func TestSnapshotRestore(t *testing.T) {
	rest := []step{
		{guess(bob, "a", "stainer"), t0 + 5000},
		{guess(alice, "b", "stainer"), t0 + 5001},
		{cmd(alice, schemas.Command{Type: schemas.CmdChat, ID: "c", Text: "nice"}), t0 + 5002},
		{guess(alice, "d", "plates"), t0 + 6000},
		{leave(alice), t0 + 7000},
		{timer(schemas.TimerDeadline, 1, t0+64000), t0 + 64000},
	}
	whole, want := play(t, append(running(), rest...)...)

	half, _ := play(t, running()...)
	data, err := json.Marshal(Snapshot{InputSeq: 6, Table: half})
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := json.Marshal(half.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("RETSINA")) {
		t.Errorf("snapshot carries the answers that are saved apart: %s", data)
	}
	var f Fixed
	if err := json.Unmarshal(fixed, &f); err != nil {
		t.Fatal(err)
	}
	if err := snap.Table.SetFixed(f); err != nil {
		t.Fatal(err)
	}
	if err := snap.Table.SetFixed(Fixed{Version: f.Version + 1}); err == nil {
		t.Error("SetFixed took a part of another version")
	}
	var got []Result
	for _, s := range rest {
		got = append(got, snap.Table.Apply(s.in, s.at))
	}
	if diff := cmp.Diff(want[len(running()):], got); diff != "" {
		t.Errorf("results after restore (-continuous +restored):\n%s", diff)
	}
	if diff := cmp.Diff(whole.View(), snap.Table.View()); diff != "" {
		t.Errorf("view after restore (-continuous +restored):\n%s", diff)
	}
}

func TestGiveUpDuringCountdown(t *testing.T) {
	tb, res := play(t,
		step{open(), t0},
		step{join(alice), t0},
		step{cmd(alice, schemas.Command{Type: schemas.CmdStart, ID: "s"}), t0},
		step{cmd(alice, schemas.Command{Type: schemas.CmdGiveUp, ID: "g"}), t0 + 500},
		step{questions(1), t0 + 600},
		step{timer(schemas.TimerGo, 1, t0+3000), t0 + 3000},
	)
	if ev := res[3].Events; len(ev) != 1 || ev[0].Type != schemas.EvCancelled || ev[0].Reason != ReasonGiveUp {
		t.Fatalf("give up in countdown = %+v, want cancelled give_up", ev)
	}
	if len(res[4].Events)+len(res[5].Events) != 0 || tb.Phase != schemas.PhaseIdle {
		t.Errorf("late questions or timer restarted the round: %v %v, phase %s", types(res[4].Events), types(res[5].Events), tb.Phase)
	}
}

func TestBlankChatRefused(t *testing.T) {
	tb, _ := play(t, step{open(), t0}, step{join(bob), t0})
	res := tb.Apply(cmd(bob, schemas.Command{Type: schemas.CmdChat, ID: "c", Text: "   "}), t0)
	if len(res.Events) != 0 || res.Reply == nil || res.Reply.Event.Code != CodeBadRequest {
		t.Errorf("blank chat = %+v, want a bad_request reply", res)
	}
}
