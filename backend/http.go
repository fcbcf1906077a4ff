package backend

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/schemas"
)

// maxBody caps every request body.
const maxBody = 64 << 10

// Handler serves the HTTP API under /api/. Errors come as
// {"error": "..."} with a fitting status code.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/tables", s.route(map[string]apiFunc{
		http.MethodGet:  s.listTables,
		http.MethodPost: s.createTable,
	}))
	mux.Handle("/api/tables/{id}", s.route(map[string]apiFunc{http.MethodGet: s.getTable}))
	mux.Handle("/api/tables/{id}/tokens", s.route(map[string]apiFunc{http.MethodPost: s.issueToken}))
	mux.Handle("/api/tables/{id}/results", s.route(map[string]apiFunc{http.MethodGet: s.tableResults}))
	mux.Handle("/api/lexicons", s.route(map[string]apiFunc{http.MethodGet: s.listLexicons}))
	mux.Handle("/api/questions", s.bearer(s.route(map[string]apiFunc{http.MethodPost: s.questions})))
	mux.Handle("/api/results", s.bearer(s.route(map[string]apiFunc{http.MethodPost: s.recordResult})))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorResponse{Error: "no such API path"})
	})
	return mux
}

// apiFunc handles one request and returns the status and body to answer
// with, or an error that says which.
type apiFunc func(r *http.Request) (int, any, error)

// route serves one path: each method by its function, 405 for the others.
func (s *Server) route(fns map[string]apiFunc) http.Handler {
	allowed := slices.Sorted(maps.Keys(fns))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn, ok := fns[r.Method]
		if !ok {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			msg := "method not allowed; use " + strings.Join(allowed, " or ")
			writeJSON(w, http.StatusMethodNotAllowed, errorResponse{Error: msg})
			return
		}
		status, body, err := fn(r)
		if err != nil {
			status, body = s.errorBody(r, err)
		}
		writeJSON(w, status, body)
	})
}

type errorResponse struct {
	Error string `json:"error"`
}

var errUnauthorized = errors.New("missing or wrong bearer secret")

// requestError is a request the API cannot read; its message is safe to
// send back.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

// errorStatus picks the status code an error is answered with.
func errorStatus(err error) int {
	var inv *InvalidError
	var req *requestError
	switch {
	case errors.As(err, &req):
		return req.status
	case errors.As(err, &inv):
		return http.StatusBadRequest
	case errors.Is(err, ErrNoTable):
		return http.StatusNotFound
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrForgotten):
		return http.StatusGone
	case errors.Is(err, ErrWrongKey):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// errorBody turns an error into the answer: the error's own message for
// the client's mistakes, a short one for the server's, whose detail goes
// to the log.
func (s *Server) errorBody(r *http.Request, err error) (int, errorResponse) {
	status := errorStatus(err)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("api", slog.String("path", r.URL.Path), slog.Any(logErr, err))
		return status, errorResponse{Error: "internal error"}
	case http.StatusServiceUnavailable:
		return status, errorResponse{Error: ErrUnavailable.Error() + "; try again shortly"}
	}
	return status, errorResponse{Error: err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// readBody reads a request body of at most maxBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, &requestError{http.StatusBadRequest, "could not read the request body"}
	}
	if len(data) > maxBody {
		msg := fmt.Sprintf("request body over %d bytes", maxBody)
		return nil, &requestError{http.StatusRequestEntityTooLarge, msg}
	}
	return data, nil
}

// decode reads one JSON object into v, refusing unknown fields and
// anything after the object.
func decode(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeBytes(data, v)
}

func decodeBytes(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := "invalid JSON body: " + strings.TrimPrefix(err.Error(), "json: ")
		return &requestError{http.StatusBadRequest, msg}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &requestError{http.StatusBadRequest, "invalid JSON body: unexpected data after the object"}
	}
	return nil
}

// bearer lets through only requests that carry the secret as a bearer
// token.
func (s *Server) bearer(next http.Handler) http.Handler {
	want := sha256.Sum256(s.cfg.Secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		// Comparing digests keeps the time taken independent of the length
		// of what was sent, too.
		sum := sha256.Sum256([]byte(got))
		if !ok || !hmac.Equal(sum[:], want[:]) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wordwalls"`)
			writeJSON(w, http.StatusUnauthorized, errorResponse{Error: errUnauthorized.Error()})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) createTable(r *http.Request) (int, any, error) {
	var req CreateTableRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	resp, err := s.CreateTable(r.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, resp, nil
}

// maxListed is how many public tables GET /api/tables lists, newest first.
const maxListed = 100

func (s *Server) listTables(r *http.Request) (int, any, error) {
	list := s.ListTables(r.Context(), maxListed)
	if list == nil {
		list = []TableSummary{}
	}
	return http.StatusOK, struct {
		Tables []TableSummary `json:"tables"`
	}{list}, nil
}

func (s *Server) getTable(r *http.Request) (int, any, error) {
	sum, ok := s.Summary(r.PathValue("id"))
	if !ok {
		return 0, nil, ErrNoTable
	}
	s.withLive(r.Context(), &sum)
	return http.StatusOK, sum, nil
}

// tokenRequest asks for a join token; UserID and Key re-issue one for a
// user who already has a seat.
type tokenRequest struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	UserID string `json:"user_id"`
	Key    string `json:"key"`
}

func (s *Server) issueToken(r *http.Request) (int, any, error) {
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if _, ok := s.Summary(r.PathValue("id")); !ok {
		return 0, nil, ErrNoTable
	}
	if req.UserID == "" && req.Key != "" {
		return 0, nil, invalid("user_id", "must be given with key")
	}
	resp, err := s.token(r.PathValue("id"), req.UserID, req.Key, req.Name, req.Role)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, resp, nil
}

func (s *Server) tableResults(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if _, ok := s.Summary(id); !ok {
		return 0, nil, ErrNoTable
	}
	results := s.Results(id)
	if results == nil {
		results = []schemas.RoundResult{}
	}
	return http.StatusOK, struct {
		Results []schemas.RoundResult `json:"results"`
	}{results}, nil
}

// LexiconInfo describes one lexicon: how many alphagrams each length has.
type LexiconInfo struct {
	Name    string         `json:"name"`
	Lengths map[string]int `json:"lengths"`
}

// LexiconInfos describes the loaded lexicons, sorted by name.
func (s *Server) LexiconInfos() []LexiconInfo {
	var infos []LexiconInfo
	for name, lex := range s.cfg.Lexicons {
		info := LexiconInfo{Name: name, Lengths: make(map[string]int)}
		for n := lexicon.MinLength; n <= lexicon.MaxLength; n++ {
			if c := lex.Count(n); c > 0 {
				info.Lengths[strconv.Itoa(n)] = c
			}
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b LexiconInfo) int { return strings.Compare(a.Name, b.Name) })
	return infos
}

func (s *Server) listLexicons(*http.Request) (int, any, error) {
	return http.StatusOK, struct {
		Lexicons []LexiconInfo `json:"lexicons"`
	}{s.LexiconInfos()}, nil
}

func (s *Server) questions(r *http.Request) (int, any, error) {
	var req schemas.QuestionsRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	qs, err := s.Questions(r.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, qs, nil
}

func (s *Server) recordResult(r *http.Request) (int, any, error) {
	data, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	if err := schemas.Validate("round_result", data); err != nil {
		return 0, nil, &requestError{http.StatusBadRequest, "not a valid round result: " + err.Error()}
	}
	var res schemas.RoundResult
	if err := decodeBytes(data, &res); err != nil {
		return 0, nil, err
	}
	if err := s.Record(r.Context(), res); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		OK bool `json:"ok"`
	}{true}, nil
}
