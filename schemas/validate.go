package schemas

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FS holds the JSON Schema documents, one per message kind, named
// KIND.json. Their $id values name them under BaseURL and their $refs
// point at each other relative to it, so any draft 2020-12 validator
// that is handed all of them resolves every reference without fetching
// anything.
//
//go:embed *.json
var FS embed.FS

// BaseURL is the common prefix of every schema's $id. It names the
// schemas; nothing is served there.
const BaseURL = "https://github.com/wordwalls/wordwalls/schemas/"

// Kinds returns the message kinds that Validate knows, sorted.
func Kinds() []string {
	names, err := fs.Glob(FS, "*.json")
	if err != nil {
		panic(err) // the pattern is constant and well formed
	}
	kinds := make([]string, len(names))
	for i, name := range names {
		kinds[i] = strings.TrimSuffix(name, ".json")
	}
	slices.Sort(kinds)
	return kinds
}

// Validate checks doc, one JSON document, against the schema of kind,
// which is a schema file's name without ".json": "command", "event" and
// so on. A document that breaks the schema gets an error wrapping a
// *jsonschema.ValidationError that lists every broken rule.
func Validate(kind string, doc []byte) error {
	compiled, err := compiledSchemas()
	if err != nil {
		return err
	}
	sch, ok := compiled[kind]
	if !ok {
		return fmt.Errorf("validate: unknown kind %q", kind)
	}

	if !utf8.Valid(doc) {
		return fmt.Errorf("validate %s: not valid UTF-8", kind)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("validate %s: parse: %w", kind, err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("validate %s: %w", kind, err)
	}
	return nil
}

var compiledSchemas = sync.OnceValues(compileSchemas)

// compileSchemas compiles every embedded schema with references resolved
// among the embedded files only.
func compileSchemas() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refuseLoader{})

	kinds := Kinds()
	for _, kind := range kinds {
		if err := addSchema(c, kind); err != nil {
			return nil, err
		}
	}

	compiled := make(map[string]*jsonschema.Schema, len(kinds))
	for _, kind := range kinds {
		sch, err := c.Compile(BaseURL + kind + ".json")
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", kind, err)
		}
		compiled[kind] = sch
	}
	return compiled, nil
}

func addSchema(c *jsonschema.Compiler, kind string) error {
	name := kind + ".json"
	raw, err := FS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read schema %s: %w", kind, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("parse schema %s: %w", kind, err)
	}

	// A wrong $id would make references to this file resolve elsewhere.
	obj, _ := doc.(map[string]any)
	if id, _ := obj["$id"].(string); id != BaseURL+name {
		return fmt.Errorf("schema %s: $id is %q, want %q", kind, id, BaseURL+name)
	}
	if err := c.AddResource(BaseURL+name, doc); err != nil {
		return fmt.Errorf("add schema %s: %w", kind, err)
	}
	return nil
}

// refuseLoader keeps the compiler from reaching for files or the network
// when a reference names a schema that is not embedded.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, errors.New("schema not embedded: " + url)
}
