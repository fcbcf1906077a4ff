package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestKinds(t *testing.T) {
	want := []string{
		"command", "event", "input", "join_claims",
		"question", "questions", "questions_request", "round_result",
	}
	if diff := cmp.Diff(want, Kinds()); diff != "" {
		t.Errorf("Kinds() (-want +got):\n%s", diff)
	}
}

func TestSchemasCompile(t *testing.T) {
	if _, err := compiledSchemas(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		kind   string
		doc    string
		schema bool // whether the error is a schema violation
	}{
		{name: "unknown-kind", kind: "move", doc: `{}`},
		{name: "empty", kind: "command", doc: ``},
		{name: "malformed", kind: "command", doc: `{"type":`},
		{name: "trailing-data", kind: "command", doc: `{"type":"start","id":"s-1"} {}`},
		{name: "invalid-utf8", kind: "command", doc: "{\"type\":\"guess\",\"id\":\"g-1\",\"word\":\"\xff\"}"},
		{name: "null", kind: "event", doc: `null`, schema: true},
		{name: "wrong-type", kind: "event", doc: `{"type":"ack","re":"g-1","seq":3}`, schema: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.kind, []byte(tt.doc))
			if err == nil {
				t.Fatal("Validate succeeded, want an error")
			}
			var verr *jsonschema.ValidationError
			if got := errors.As(err, &verr); got != tt.schema {
				t.Errorf("schema violation = %v, want %v (err: %v)", got, tt.schema, err)
			}
		})
	}
}

// TestSchemasClosed checks that every object schema in every file sets
// additionalProperties to false and lists its required fields among its
// properties.
func TestSchemasClosed(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			raw, err := FS.ReadFile(kind + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			if got, want := doc["$schema"], "https://json-schema.org/draft/2020-12/schema"; got != want {
				t.Errorf("$schema = %v, want %s", got, want)
			}
			if got, want := doc["$id"], BaseURL+kind+".json"; got != want {
				t.Errorf("$id = %v, want %s", got, want)
			}
			walkSchemas(doc, "#", func(path string, s map[string]any) {
				if s["type"] != "object" {
					return
				}
				if s["additionalProperties"] != false {
					t.Errorf("%s: additionalProperties is not false", path)
				}
				props, _ := s["properties"].(map[string]any)
				required, _ := s["required"].([]any)
				for _, r := range required {
					if _, ok := props[r.(string)]; !ok {
						t.Errorf("%s: required %q is not a property", path, r)
					}
				}
			})
		})
	}
}

// walkSchemas calls fn for every object in v that sits where a schema can.
func walkSchemas(v any, path string, fn func(string, map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(path, v)
		for key, child := range v {
			walkSchemas(child, path+"/"+key, fn)
		}
	case []any:
		for i, child := range v {
			walkSchemas(child, fmt.Sprintf("%s/%d", path, i), fn)
		}
	}
}

// TestLimitsMatchSchema keeps the decoder's constants and command.json in
// step.
func TestLimitsMatchSchema(t *testing.T) {
	raw, err := FS.ReadFile("command.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path string
		want float64
	}{
		{"$defs/CommandID/maxLength", MaxCommandIDLen},
		{"$defs/GuessWord/maxLength", MaxWordBytes},
		{"$defs/ChatText/maxLength", MaxChatRunes},
		{"$defs/Settings/properties/questions_per_round/minimum", MinQuestionsPerRound},
		{"$defs/Settings/properties/questions_per_round/maximum", MaxQuestionsPerRound},
		{"$defs/Settings/properties/time_limit/minimum", MinTimeLimit},
		{"$defs/Settings/properties/time_limit/maximum", MaxTimeLimit},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.path, "/", "."), func(t *testing.T) {
			v := doc
			for _, key := range strings.Split(tt.path, "/") {
				m, ok := v.(map[string]any)
				if !ok {
					t.Fatalf("%s: not an object at %q", tt.path, key)
				}
				v = m[key]
			}
			if v != tt.want {
				t.Errorf("command.json %s = %v, want %v", tt.path, v, tt.want)
			}
		})
	}
}
