package schemas

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeCommandAccepts(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  Command
	}{
		{
			name:  "guess",
			frame: `{"type":"guess","id":"g-1","word":"RETINAS"}`,
			want:  Command{Type: CmdGuess, ID: "g-1", Word: "RETINAS"},
		},
		{
			name:  "surrounding-whitespace",
			frame: " \r\n\t{ \"type\" : \"start\" , \"id\" : \"s-1\" }\n",
			want:  Command{Type: CmdStart, ID: "s-1"},
		},
		{
			name:  "escaped-characters",
			frame: `{"type":"chat","id":"c-1","text":"\u00e9t\u00e9 \"ok\" \\o/"}`,
			want:  Command{Type: CmdChat, ID: "c-1", Text: `été "ok" \o/`},
		},
		{
			name:  "escaped-key",
			frame: `{"typ\u0065":"give_up","id":"u-1"}`,
			want:  Command{Type: CmdGiveUp, ID: "u-1"},
		},
		{
			name:  "surrogate-pair",
			frame: `{"type":"chat","id":"c-2","text":"\ud83d\ude05"}`,
			want:  Command{Type: CmdChat, ID: "c-2", Text: "😅"},
		},
		{
			name:  "word-with-delete-character",
			frame: "{\"type\":\"guess\",\"id\":\"g-2\",\"word\":\"A\x7f\"}",
			want:  Command{Type: CmdGuess, ID: "g-2", Word: "A\x7f"},
		},
		{
			name:  "settings",
			frame: `{"type":"settings","id":"x","settings":{"public":false,"time_limit":3600,"questions_per_round":10}}`,
			want: Command{Type: CmdSettings, ID: "x", Settings: &Settings{
				QuestionsPerRound: 10, TimeLimit: 3600, Public: false,
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeCommand([]byte(tt.frame))
			if err != nil {
				t.Fatalf("DecodeCommand: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeCommand (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeCommandRejects covers what the shared vectors cannot: frames
// that are not JSON documents, and rules stricter than a schema can state.
func TestDecodeCommandRejects(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  DecodeError
	}{
		{"empty", ``, DecodeError{Reason: reasonSyntax}},
		{"truncated", `{"type":"guess","id":"g-1"`, DecodeError{Reason: reasonSyntax}},
		{"bare-string", `"guess"`, DecodeError{Reason: reasonNotObject}},
		{"null", `null`, DecodeError{Reason: reasonNotObject}},
		{"trailing-object", `{"type":"start","id":"s-1"}{}`, DecodeError{Reason: reasonTrailing}},
		{"trailing-garbage", `{"type":"start","id":"s-1"} x`, DecodeError{Reason: reasonTrailing}},
		{"invalid-utf8-word", "{\"type\":\"guess\",\"id\":\"g-1\",\"word\":\"RET\xffNAS\"}", DecodeError{Reason: reasonUTF8}},
		{"invalid-utf8-key", "{\"type\":\"start\",\"id\":\"s-1\",\"\xc3\":1}", DecodeError{Reason: reasonUTF8}},
		{"repeated-type", `{"type":"start","type":"give_up","id":"s-1"}`, DecodeError{Field: "type", Reason: reasonRepeated}},
		{"repeated-word", `{"type":"guess","id":"g-1","word":"A","word":"B"}`, DecodeError{Field: "word", Reason: reasonRepeated}},
		{"repeated-setting", `{"type":"settings","id":"x","settings":{"public":true,"public":false,"time_limit":60,"questions_per_round":50}}`,
			DecodeError{Field: "settings.public", Reason: reasonRepeated}},
		{"key-case-folded", `{"type":"guess","ID":"g-1","word":"A"}`, DecodeError{Field: "ID", Reason: reasonUnknownField}},
		{"unknown-key-long", `{"type":"start","id":"s-1","` + strings.Repeat("k", 40) + `":1}`, DecodeError{Reason: reasonUnknownField}},
		{"unknown-key-unprintable", `{"type":"start","id":"s-1","a\nb":1}`, DecodeError{Reason: reasonUnknownField}},
		{"unknown-settings-key", `{"type":"settings","id":"x","settings":{"lexicon":"CSW24"}}`,
			DecodeError{Field: "settings.lexicon", Reason: reasonUnknownField}},
		{"id-null", `{"type":"start","id":null}`, DecodeError{Field: "id", Reason: reasonNotString}},
		{"id-non-ascii", `{"type":"start","id":"s-é"}`, DecodeError{Field: "id", Reason: reasonBadID}},
		{"word-over-64-bytes", `{"type":"guess","id":"g-1","word":"` + strings.Repeat("é", 33) + `"}`,
			DecodeError{Field: "word", Reason: reasonWordTooLong}},
		{"text-escaped-tab", `{"type":"chat","id":"c-1","text":"a\tb"}`, DecodeError{Field: "text", Reason: reasonControlChar}},
		{"text-escaped-escape", `{"type":"chat","id":"c-1","text":"\u001b[31m"}`, DecodeError{Field: "text", Reason: reasonControlChar}},
		{"integer-with-exponent", `{"type":"settings","id":"x","settings":{"questions_per_round":5e1,"time_limit":60,"public":true}}`,
			DecodeError{Field: "settings.questions_per_round", Reason: reasonNotInteger}},
		{"integer-written-as-decimal", `{"type":"settings","id":"x","settings":{"questions_per_round":50.0,"time_limit":60,"public":true}}`,
			DecodeError{Field: "settings.questions_per_round", Reason: reasonNotInteger}},
		{"integer-huge", `{"type":"settings","id":"x","settings":{"questions_per_round":50,"time_limit":99999999999999999999999,"public":true}}`,
			DecodeError{Field: "settings.time_limit", Reason: reasonTimeLimit}},
		{"integer-huge-negative", `{"type":"settings","id":"x","settings":{"questions_per_round":-99999999999999999999999,"time_limit":60,"public":true}}`,
			DecodeError{Field: "settings.questions_per_round", Reason: reasonQuestions}},
		{"public-null", `{"type":"settings","id":"x","settings":{"questions_per_round":50,"time_limit":60,"public":null}}`,
			DecodeError{Field: "settings.public", Reason: reasonNotBool}},
		{"settings-array", `{"type":"settings","id":"x","settings":[]}`, DecodeError{Field: "settings", Reason: reasonNotObject}},
		{"word-not-allowed-before-type", `{"word":"A","id":"s-1","type":"start"}`,
			DecodeError{Field: "word", Reason: "not allowed in a start command"}},
		{"unknown-type-before-missing-id", `{"type":"pass"}`, DecodeError{Field: "type", Reason: reasonUnknownType}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeCommand([]byte(tt.frame))
			var got *DecodeError
			if !errors.As(err, &got) {
				t.Fatalf("DecodeCommand = %v, want a *DecodeError", err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("DecodeError (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeCommandVectorFields checks that each invalid command vector is
// refused for the field its name points at, so a vector cannot pass this
// suite by failing for some other reason.
func TestDecodeCommandVectorFields(t *testing.T) {
	fields := map[string]string{
		"missing-type":                  "type",
		"unknown-type":                  "type",
		"type-wrong-case":               "type",
		"type-not-string":               "type",
		"field-name-wrong-case":         "Word",
		"unknown-field":                 "round",
		"not-an-object":                 "",
		"missing-id":                    "id",
		"empty-id":                      "id",
		"id-too-long":                   "id",
		"id-with-space":                 "id",
		"id-not-string":                 "id",
		"guess-missing-word":            "word",
		"guess-empty-word":              "word",
		"guess-word-too-long":           "word",
		"guess-word-not-string":         "word",
		"guess-word-null":               "word",
		"guess-with-text":               "text",
		"start-with-word":               "word",
		"give-up-with-settings":         "settings",
		"chat-missing-text":             "text",
		"chat-empty-text":               "text",
		"chat-text-too-long":            "text",
		"chat-text-newline":             "text",
		"chat-text-nul":                 "text",
		"chat-with-word":                "word",
		"settings-missing-settings":     "settings",
		"settings-not-object":           "settings",
		"settings-null":                 "settings",
		"settings-questions-too-few":    "settings.questions_per_round",
		"settings-questions-too-many":   "settings.questions_per_round",
		"settings-questions-fraction":   "settings.questions_per_round",
		"settings-questions-string":     "settings.questions_per_round",
		"settings-time-limit-too-short": "settings.time_limit",
		"settings-time-limit-too-long":  "settings.time_limit",
		"settings-missing-time-limit":   "settings.time_limit",
		"settings-missing-public":       "settings.public",
		"settings-public-not-boolean":   "settings.public",
		"settings-unknown-field":        "settings.lexicon",
	}
	for _, v := range readVectors(t, "command", "invalid") {
		t.Run(v.name, func(t *testing.T) {
			want, ok := fields[strings.TrimSuffix(v.name, ".json")]
			if !ok {
				t.Fatalf("no expected field for %s; add it to this test", v.name)
			}
			_, err := DecodeCommand(v.data)
			var got *DecodeError
			if !errors.As(err, &got) {
				t.Fatalf("DecodeCommand = %v, want a *DecodeError", err)
			}
			if got.Field != want {
				t.Errorf("Field = %q, want %q (%v)", got.Field, want, err)
			}
		})
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	tests := []struct {
		err  DecodeError
		want string
	}{
		{DecodeError{Reason: reasonSyntax}, "invalid command: malformed JSON"},
		{DecodeError{Field: "word", Reason: reasonWordTooLong}, "invalid command: word: longer than 64 bytes"},
		{DecodeError{Field: "settings.time_limit", Reason: reasonTimeLimit}, "invalid command: settings.time_limit: must be from 10 to 3600"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzDecodeCommand(f *testing.F) {
	for _, validity := range []string{"valid", "invalid"} {
		paths, err := filepath.Glob(filepath.Join("testdata", "command", validity, "*.json"))
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, seed := range []string{
		``,
		`{}`,
		`{"type":"start","id":"s-1"}{}`,
		`{"type":"guess","id":"g-1","word":"\ud800"}`,
		`{"type":"settings","id":"x","settings":{"questions_per_round":1e400,"time_limit":60,"public":true}}`,
		`{"type":"settings","id":"x","settings":{"settings":{}}}`,
		`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`,
		"{\"type\":\"chat\",\"id\":\"c\",\"text\":\"\xed\xa0\x80\"}",
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, frame []byte) {
		cmd, err := DecodeCommand(frame)
		if err != nil {
			var derr *DecodeError
			if !errors.As(err, &derr) {
				t.Fatalf("error %v is %T, want *DecodeError", err, err)
			}
			if derr.Reason == "" {
				t.Fatalf("DecodeError without a reason: %#v", derr)
			}
			return
		}

		// Whatever the decoder takes, the schema takes too: the frame as
		// sent and the command as the bridge will re-encode it.
		if err := Validate("command", frame); err != nil {
			t.Fatalf("accepted frame fails the schema: %v\nframe: %q", err, frame)
		}
		out, err := json.Marshal(cmd)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		if err := Validate("command", out); err != nil {
			t.Fatalf("re-encoded command fails the schema: %v\nencoded: %s", err, out)
		}
		again, err := DecodeCommand(out)
		if err != nil {
			t.Fatalf("re-encoded command does not decode: %v\nencoded: %s", err, out)
		}
		if diff := cmp.Diff(cmd, again); diff != "" {
			t.Fatalf("re-decoded command differs (-first +second):\n%s", diff)
		}
	})
}

func BenchmarkDecodeCommand(b *testing.B) {
	frames := map[string]string{
		"guess":    `{"type":"guess","id":"g-17","word":"RETINAS"}`,
		"chat":     `{"type":"chat","id":"c-8","text":"anyone else blank on ADEINRT? \ud83d\ude05"}`,
		"settings": `{"type":"settings","id":"set-3","settings":{"questions_per_round":50,"time_limit":240,"public":true}}`,
	}
	for name, frame := range frames {
		b.Run(name, func(b *testing.B) {
			data := []byte(frame)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeCommand(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestValidCommandID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"g-17", true},
		{"tab2:g.1767269104210_x-1", true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"g 1", false},
		{"g/1", false},
		{"é", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := ValidCommandID(tt.id); got != tt.want {
				t.Errorf("ValidCommandID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}
