package loadtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWSURL(t *testing.T) {
	tests := []struct {
		name, api, want string
		wantErr         bool
	}{
		{"http", "http://127.0.0.1:8080", "ws://127.0.0.1:8080", false},
		{"https_with_path", "https://game.example/app/", "wss://game.example", false},
		{"no_scheme", "127.0.0.1:8080", "", true},
		{"other_scheme", "ftp://host", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WSURL(tt.api)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("WSURL(%q) = %q, %v; want %q, error %v", tt.api, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct{ name, ws, want string }{
		{"ws", "ws://127.0.0.1:8081", "http://127.0.0.1:8081/healthz?gc=1"},
		{"wss", "wss://game.example", "https://game.example/healthz?gc=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := healthURL(tt.ws); err != nil || got != tt.want {
				t.Errorf("healthURL(%q) = %q, %v; want %q", tt.ws, got, err, tt.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{API: "http://127.0.0.1:18080/", Secret: "s"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	got := summarize(c)
	want := ConfigSummary{
		API: "http://127.0.0.1:18080", WS: "ws://127.0.0.1:18080", Players: 100, Tables: 10, Rate: 4,
		Duration: Seconds(30 * time.Second), TimeLimit: 300, Questions: 200, Length: 7, Lexicon: "ENABLE",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if c.WrongEvery != 10 {
		t.Errorf("WrongEvery = %d, want 10", c.WrongEvery)
	}
}

func TestConfigRefuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no_secret", Config{API: "http://h:1"}, "secret"},
		{"no_api", Config{Secret: "s"}, "URL"},
		{"fewer_players_than_tables", Config{API: "http://h:1", Secret: "s", Players: 3, Tables: 4}, "one player per table"},
		{"too_many_questions", Config{API: "http://h:1", Secret: "s", Questions: 500}, "questions"},
		{"short_round", Config{API: "http://h:1", Secret: "s", TimeLimit: 5}, "time limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.withDefaults()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one about %q", err, tt.want)
			}
		})
	}
}

func TestSeatCount(t *testing.T) {
	var got []int
	total := 0
	for i := range 4 {
		n := seatCount(10, 4, i)
		got = append(got, n)
		total += n
	}
	if diff := cmp.Diff([]int{3, 3, 2, 2}, got); diff != "" || total != 10 {
		t.Errorf("10 players at 4 tables (-want +got):\n%s", diff)
	}
}

func TestAnswerIDs(t *testing.T) {
	round, slot, ok := parseAnswerID(answerID(12, 345))
	if !ok || round != 12 || slot != 345 {
		t.Errorf("parseAnswerID(answerID(12, 345)) = %d, %d, %v", round, slot, ok)
	}
	for _, id := range []string{wrongID(3, 9), "c1.start", "r1.a", "x", ""} {
		if _, _, ok := parseAnswerID(id); ok {
			t.Errorf("parseAnswerID(%q) accepted an id that is not a right guess", id)
		}
	}
	if isControlID(answerID(1, 1)) || isControlID(wrongID(1, 1)) || !isControlID("c7.give_up") {
		t.Error("isControlID mixes up guesses and the host's commands")
	}
}

func TestReportJudges(t *testing.T) {
	rep := &Report{
		Rounds:         3,
		TargetAccepted: 40,
		Accepted:       Rate{Count: 300, PerSecond: 30},
		Connections:    Connections{Dropped: 2, CloseCodes: map[string]int{"4008": 2}},
		Guesses: Guesses{
			Replies: map[string]int{"wrong": 40, "already_solved": 1},
			Refused: map[string]int{"rate_limited": 5},
		},
		Events: Events{Lost: 1},
	}
	rep.judge(map[string]int{"the closing chat line never came back": 2})
	want := []string{
		"1 events lost (a client's sequence jumped)",
		"2 connections dropped (close codes map[4008:2])",
		"bridge refused commands: rate_limited (5 times)",
		"the closing chat line never came back (2 times)",
		"the rules refused commands: already_solved",
	}
	if diff := cmp.Diff(want, rep.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"accepted 30.0/s, below the 40.0/s asked for"}, rep.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestReportFormats(t *testing.T) {
	rep := &Report{
		Config:      summarize(Config{API: "http://a", WS: "ws://a", Players: 10, Tables: 2, Rate: 4, Duration: 15 * time.Second}),
		Elapsed:     Seconds(15 * time.Second),
		Latency:     Latency{Count: 100, P50: 1.2345, P90: 2, P99: 3, Max: 12.5},
		Memory:      Memory{Before: 50 << 20, End: 60 << 20},
		Connections: Connections{Established: 10},
	}
	rep.Memory.perConnection(10)
	rep.judge(nil)

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"10 players at 2 tables, 15s of play",
		"p50 1.23ms  p90 2.00ms  p99 3.00ms  max 12.5ms  (n=100)",
		"RSS 50.0 MiB before connecting, 60.0 MiB at the end (1024.0 KiB a connection)",
		"problems: none",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	if got := back["elapsed_s"]; got != 15.0 {
		t.Errorf("elapsed_s = %v, want 15", got)
	}
	lat := back["latency"].(map[string]any)
	if lat["p50_ms"] != 1.2345 || lat["count"] != 100.0 {
		t.Errorf("latency = %v, want p50_ms 1.2345 and count 100", lat)
	}
	if strings.Count(strings.TrimSpace(js.String()), "\n") != 0 {
		t.Error("JSON report is not one line")
	}
}
