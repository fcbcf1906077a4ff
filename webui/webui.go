// Package webui serves the table page: the React app that web/app builds
// into dist/app, embedded in the binary so that no Node runs in production.
package webui

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/wordwalls/wordwalls/bus"
)

//go:embed all:dist
var dist embed.FS

// App is the built page, rooted at its index.html; nil when the binary was
// built without it (run make web, or make build, first).
var App fs.FS = func() fs.FS {
	sub, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}()

// notBuilt is served in place of the page by a binary built without it.
const notBuilt = `wordwalls is running, but this binary was built without the table page.
Build it with "make build" (or "make web" before "go build"), or use the
API directly: POST /api/tables, then connect to /ws/{table}?token=...
(see docs/protocol.md).
`

// Handler serves the page: / and /t/{table} get index.html, and
// /assets/... the hashed files Vite emits, cached for a year. Every answer
// carries a content security policy that allows only the page's own
// scripts, styles and connections.
func Handler(app fs.FS) http.Handler {
	if app == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" && !isTablePath(r.URL.Path) {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(notBuilt))
		})
	}
	index, err := fs.ReadFile(app, "index.html")
	if err != nil {
		panic("webui: " + err.Error()) // App checked it exists
	}
	files := http.FileServerFS(app)
	modified := time.Now()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")

		p := r.URL.Path
		switch {
		case p == "/" || isTablePath(p):
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Frame-Options", "DENY")
			http.ServeContent(w, r, "index.html", modified, bytes.NewReader(index))
		case strings.HasPrefix(p, "/assets/") && !strings.HasSuffix(p, "/"):
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			files.ServeHTTP(w, r)
		case isTopLevelFile(app, p):
			h.Set("Cache-Control", "public, max-age=3600")
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// csp lets the page load only its own files and open WebSockets to its
// own host; inline styles are allowed for the style attributes React sets.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// isTablePath reports whether p is /t/{table} for a well-formed table id.
func isTablePath(p string) bool {
	id, ok := strings.CutPrefix(p, "/t/")
	return ok && bus.ValidID(id)
}

// isTopLevelFile reports whether p names a file such as /favicon.svg at
// the page's root.
func isTopLevelFile(app fs.FS, p string) bool {
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.Contains(name, "/") || name == "index.html" || path.Clean(name) != name {
		return false
	}
	st, err := fs.Stat(app, name)
	return err == nil && !st.IsDir()
}
