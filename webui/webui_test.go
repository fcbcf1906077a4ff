package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandler(t *testing.T) {
	app := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>Wordwalls</title>")},
		"assets/index-abc1.js": {Data: []byte("console.info(1)")},
		"favicon.svg":          {Data: []byte("<svg/>")},
	}
	h := Handler(app)

	tests := []struct {
		name, method, path string
		status             int
		body, cache        string
	}{
		{"lobby", "GET", "/", 200, "<title>Wordwalls</title>", "no-cache"},
		{"table", "GET", "/t/tbl_7s-4821", 200, "<title>Wordwalls</title>", "no-cache"},
		{"head", "HEAD", "/t/abc", 200, "", "no-cache"},
		{"asset", "GET", "/assets/index-abc1.js", 200, "console.info(1)", "public, max-age=31536000, immutable"},
		{"top_level_file", "GET", "/favicon.svg", 200, "<svg/>", "public, max-age=3600"},
		{"bad_table_id", "GET", "/t/a.b", 404, "", ""},
		{"table_subpath", "GET", "/t/abc/x", 404, "", ""},
		{"empty_table", "GET", "/t/", 404, "", ""},
		{"missing_asset", "GET", "/assets/nope.js", 404, "", ""},
		{"assets_listing", "GET", "/assets/", 404, "", ""},
		{"index_by_name", "GET", "/index.html", 404, "", ""},
		{"unknown", "GET", "/wp-admin", 404, "", ""},
		{"post", "POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q does not hold %q", rec.Body.String(), tt.body)
			}
			if got := rec.Header().Get("Cache-Control"); tt.cache != "" && got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if tt.status == http.StatusOK {
				if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("Content-Security-Policy %q does not limit scripts to the page's own", csp)
				}
			}
		})
	}
}

func TestHandlerWithoutPage(t *testing.T) {
	h := Handler(nil)
	for _, p := range []string{"/", "/t/abc"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "make build") {
			t.Errorf("%s: status %d, body %q; want 200 saying how to build the page", p, rec.Code, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/assets/x.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("/assets/x.js: status %d, want 404", rec.Code)
	}
}
