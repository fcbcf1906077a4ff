package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// goTypes gives, for each kind, a new value of the Go type that matches
// its schema.
var goTypes = map[string]func() any{
	"command":           func() any { return new(Command) },
	"event":             func() any { return new(Event) },
	"input":             func() any { return new(Input) },
	"question":          func() any { return new(Question) },
	"questions":         func() any { return new(Questions) },
	"questions_request": func() any { return new(QuestionsRequest) },
	"round_result":      func() any { return new(RoundResult) },
	"join_claims":       func() any { return new(JoinClaims) },
}

type vector struct {
	name string // file name, e.g. "guess-missing-word.json"
	data []byte
}

// readVectors returns the files in testdata/KIND/VALIDITY, sorted by name.
func readVectors(t *testing.T, kind, validity string) []vector {
	t.Helper()
	dir := filepath.Join("testdata", kind, validity)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var out []vector
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
			t.Errorf("%s: unexpected entry %s", dir, e.Name())
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatalf("read vector: %v", err)
		}
		out = append(out, vector{name: e.Name(), data: data})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no vectors", dir)
	}
	return out
}

func TestVectorsValid(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			for _, v := range readVectors(t, kind, "valid") {
				t.Run(v.name, func(t *testing.T) {
					if err := Validate(kind, v.data); err != nil {
						t.Fatalf("Validate: %v", err)
					}
					value := decodeStrict(t, kind, v.data)
					roundTrip(t, v.data, value)
					if kind == "command" {
						checkDecodeAgrees(t, v.data, value.(*Command))
					}
				})
			}
		})
	}
}

func TestVectorsInvalid(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			for _, v := range readVectors(t, kind, "invalid") {
				t.Run(v.name, func(t *testing.T) {
					// An invalid vector is well-formed JSON that breaks a
					// schema rule, not a parse failure.
					err := Validate(kind, v.data)
					var verr *jsonschema.ValidationError
					if !errors.As(err, &verr) {
						t.Fatalf("Validate = %v, want a schema violation", err)
					}
					if kind != "command" {
						return
					}
					_, err = DecodeCommand(v.data)
					var derr *DecodeError
					if !errors.As(err, &derr) {
						t.Fatalf("DecodeCommand = %v, want a *DecodeError", err)
					}
				})
			}
		})
	}
}

// decodeStrict decodes data into kind's Go type, refusing fields the type
// lacks and anything after the value.
func decodeStrict(t *testing.T, kind string, data []byte) any {
	t.Helper()
	newValue, ok := goTypes[kind]
	if !ok {
		t.Fatalf("no Go type for kind %q", kind)
	}
	value := newValue()
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(value); err != nil {
		t.Fatalf("decode into %T: %v", value, err)
	}
	if _, err := d.Token(); err != io.EOF {
		t.Fatalf("decode into %T: data after the value", value)
	}
	return value
}

// roundTrip checks that value encodes to the same JSON document as data,
// compared as generic values so that key order and spacing do not matter.
func roundTrip(t *testing.T, data []byte, value any) {
	t.Helper()
	out, err := json.Marshal(value)
	if err != nil {
		t.Fatalf("encode %T: %v", value, err)
	}
	if diff := cmp.Diff(genericJSON(t, data), genericJSON(t, out)); diff != "" {
		t.Errorf("%T does not re-encode to the vector (-vector +encoded):\n%s", value, diff)
	}
}

func genericJSON(t *testing.T, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return v
}

func checkDecodeAgrees(t *testing.T, data []byte, want *Command) {
	t.Helper()
	got, err := DecodeCommand(data)
	if err != nil {
		t.Fatalf("DecodeCommand: %v", err)
	}
	if diff := cmp.Diff(*want, got); diff != "" {
		t.Errorf("DecodeCommand differs from encoding/json (-json +DecodeCommand):\n%s", diff)
	}
}

func TestVectorFoldersMatchKinds(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		// fuzz holds inputs that go test -fuzz saved, not vectors.
		if e.IsDir() && e.Name() != "fuzz" {
			folders = append(folders, e.Name())
		}
	}
	if diff := cmp.Diff(Kinds(), folders); diff != "" {
		t.Errorf("testdata folders differ from Kinds() (-kinds +folders):\n%s", diff)
	}

	var typed []string
	for kind := range goTypes {
		typed = append(typed, kind)
	}
	slices.Sort(typed)
	if diff := cmp.Diff(Kinds(), typed); diff != "" {
		t.Errorf("goTypes differs from Kinds() (-kinds +goTypes):\n%s", diff)
	}
}

// TestConstantsHaveVectors reads types.go so that a constant added there
// without a matching valid vector fails here.
func TestConstantsHaveVectors(t *testing.T) {
	kindOf := map[string]string{"Cmd": "command", "Ev": "event", "In": "input"}
	consts := typeConstants(t, "types.go", kindOf)

	for _, c := range consts {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range readVectors(t, c.kind, "valid") {
				var head struct {
					Type string `json:"type"`
				}
				if err := json.Unmarshal(v.data, &head); err != nil {
					t.Fatalf("%s: %v", v.name, err)
				}
				if head.Type == c.value {
					return
				}
			}
			t.Errorf("no valid %s vector has type %q", c.kind, c.value)
		})
	}
}

type typeConstant struct {
	name, value, kind string
}

// typeConstants returns the string constants in file whose names start
// with one of prefixes' keys.
func typeConstants(t *testing.T, file string, prefixes map[string]string) []typeConstant {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}

	var out []typeConstant
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				kind := constantKind(name.Name, prefixes)
				if kind == "" || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s is not a string literal", name.Name)
				}
				value, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: %v", name.Name, err)
				}
				out = append(out, typeConstant{name: name.Name, value: value, kind: kind})
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no constants found", file)
	}
	return out
}

// constantKind returns the kind for a constant named like EvOpened: a
// prefix followed by an upper-case letter.
func constantKind(name string, prefixes map[string]string) string {
	for prefix, kind := range prefixes {
		rest, ok := strings.CutPrefix(name, prefix)
		if ok && rest != "" && 'A' <= rest[0] && rest[0] <= 'Z' {
			return kind
		}
	}
	return ""
}
