package backend

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/rooms/worker"
	"github.com/wordwalls/wordwalls/schemas"
)

var (
	_ worker.Backend = (*Server)(nil)
	_ worker.Backend = (*Client)(nil)
)

// serveHTTP runs s's real Handler and returns a Client for it.
func serveHTTP(t *testing.T, s *Server) *Client {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &Client{URL: ts.URL + "/", Secret: testSecret, HTTP: ts.Client()}
}

// TestBackends runs one suite against the built-in back end in process and
// over HTTP, the two ways the rooms worker reaches it.
func TestBackends(t *testing.T) {
	tests := []struct {
		name    string
		backend func(t *testing.T, s *Server) worker.Backend
	}{
		{"in_process", func(_ *testing.T, s *Server) worker.Backend { return s }},
		{"http_client", func(t *testing.T, s *Server) worker.Backend { return serveHTTP(t, s) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t)
			b := tt.backend(t, s)
			tab := createTable(t, s, CreateTableRequest{ProbMax: 15, QuestionsPerRound: 10}).Table
			ask := func(t *testing.T, table string, round, count int) (schemas.Questions, error) {
				t.Helper()
				return b.Questions(context.Background(), schemas.QuestionsRequest{Table: table, Round: round, Count: count})
			}

			first, err := ask(t, tab, 1, 10)
			if err != nil {
				t.Fatal(err)
			}
			t.Run("first_round", func(t *testing.T) {
				want, err := testLexicon.Questions(4, 1, 10)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(schemas.Questions{Table: tab, Round: 1, Questions: want}, first); diff != "" {
					t.Errorf("round 1 (-want +got):\n%s", diff)
				}
			})
			t.Run("asked_again", func(t *testing.T) {
				again, err := ask(t, tab, 1, 10)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(first, again); diff != "" {
					t.Errorf("round 1 again (-first +again):\n%s", diff)
				}
			})
			t.Run("next_round", func(t *testing.T) {
				next, err := ask(t, tab, 2, 10)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(ranked(t, 11, 15), alphagramsOf(next.Questions)); diff != "" {
					t.Errorf("round 2 (-want +got):\n%s", diff)
				}
			})
			t.Run("unknown_table", func(t *testing.T) {
				_, err := ask(t, "nosuchtable", 1, 10)
				if err == nil || !strings.Contains(err.Error(), "no such table") {
					t.Errorf("got %v, want an error saying there is no such table", err)
				}
			})
			t.Run("invalid_request", func(t *testing.T) {
				_, err := ask(t, tab, 3, 500)
				if err == nil || !strings.Contains(err.Error(), "count: must be from 1 to 200") {
					t.Errorf("got %v, want an error about the count", err)
				}
			})
		})
	}
}

func TestClientErrors(t *testing.T) {
	s, _ := newTestServer(t)
	tab := createTable(t, s, CreateTableRequest{}).Table
	req := schemas.QuestionsRequest{Table: tab, Round: 1, Count: 10}

	t.Run("status_and_text", func(t *testing.T) {
		c := serveHTTP(t, s)
		_, err := c.Questions(context.Background(), schemas.QuestionsRequest{Table: "nosuchtable", Round: 1, Count: 10})
		var se *StatusError
		if !errors.As(err, &se) {
			t.Fatalf("got %v, want a *StatusError", err)
		}
		if diff := cmp.Diff(&StatusError{StatusCode: http.StatusNotFound, Message: "no such table"}, se); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("wrong_secret", func(t *testing.T) {
		c := serveHTTP(t, s)
		c.Secret = []byte("0123456789abcdef-wrong-secret")
		_, err := c.Questions(context.Background(), req)
		var se *StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
			t.Errorf("got %v, want a 401", err)
		}
	})

	t.Run("not_json", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream timed out", http.StatusBadGateway)
		}))
		defer ts.Close()
		c := &Client{URL: ts.URL, Secret: testSecret}
		_, err := c.Questions(context.Background(), req)
		if err == nil || !strings.Contains(err.Error(), "502") || !strings.Contains(err.Error(), "upstream timed out") {
			t.Errorf("got %v, want the status and the body's text", err)
		}
	})

	t.Run("answer_for_another_round", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"table":"` + tab + `","round":7,"questions":[]}`))
		}))
		defer ts.Close()
		c := &Client{URL: ts.URL, Secret: testSecret}
		if _, err := c.Questions(context.Background(), req); err == nil || !strings.Contains(err.Error(), "round 7") {
			t.Errorf("got %v, want an error about the wrong round", err)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		ts := httptest.NewServer(http.NotFoundHandler())
		url := ts.URL
		ts.Close()
		c := &Client{URL: url, Secret: testSecret}
		if _, err := c.Questions(context.Background(), req); err == nil {
			t.Error("no error from a closed server")
		}
	})
}
