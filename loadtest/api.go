package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wordwalls/wordwalls/schemas"
)

// api calls the app back end's HTTP API and the bridge's health check.
type api struct {
	base   string // back end, e.g. http://127.0.0.1:8080
	health string // the bridge's /healthz URL
	secret string
	http   *http.Client
}

type createTableRequest struct {
	Name              string `json:"name"`
	Lexicon           string `json:"lexicon"`
	Length            int    `json:"length"`
	ProbMin           int    `json:"prob_min"`
	QuestionsPerRound int    `json:"questions_per_round"`
	TimeLimit         int    `json:"time_limit"`
	Public            bool   `json:"public"`
	Player            string `json:"player"`
}

type createTableResponse struct {
	Table  string `json:"table"`
	UserID string `json:"user_id"`
	Token  string `json:"token"`
}

type tokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

type tokenResponse struct {
	UserID string `json:"user_id"`
	Token  string `json:"token"`
}

// health is what the bridge's /healthz says.
type health struct {
	Status      string `json:"status"`
	Connections int    `json:"connections"`
	RSSBytes    int64  `json:"rss_bytes"`
}

func (a *api) createTable(ctx context.Context, req createTableRequest) (createTableResponse, error) {
	var resp createTableResponse
	if err := a.post(ctx, "/api/tables", false, req, &resp); err != nil {
		return resp, fmt.Errorf("create table: %w", err)
	}
	if resp.Table == "" || resp.Token == "" || resp.UserID == "" {
		return resp, fmt.Errorf("create table: answer lacks table, user_id or token")
	}
	return resp, nil
}

func (a *api) token(ctx context.Context, table, name string) (tokenResponse, error) {
	var resp tokenResponse
	path := "/api/tables/" + url.PathEscape(table) + "/tokens"
	if err := a.post(ctx, path, false, tokenRequest{Name: name, Role: schemas.RolePlayer}, &resp); err != nil {
		return resp, fmt.Errorf("join token: %w", err)
	}
	if resp.Token == "" || resp.UserID == "" {
		return resp, fmt.Errorf("join token: answer lacks user_id or token")
	}
	return resp, nil
}

// questions fetches a round's questions with their answers; the back end
// gives the same ones it gave the table.
func (a *api) questions(ctx context.Context, table string, round, count int) (schemas.Questions, error) {
	var resp schemas.Questions
	req := schemas.QuestionsRequest{Table: table, Round: round, Count: count}
	var err error
	// The same request always gets the same questions, so a failed one
	// can be asked again.
	for attempt := range 3 {
		if attempt > 0 && !sleep(ctx, time.Duration(attempt)*200*time.Millisecond) {
			break
		}
		if err = a.post(ctx, "/api/questions", true, req, &resp); err == nil {
			return resp, nil
		}
	}
	return resp, fmt.Errorf("questions of round %d: %w", round, err)
}

// checkSecret asks for the questions of a table that does not exist: the
// back end checks the secret first, so anything but 401 means it is right.
func (a *api) checkSecret(ctx context.Context) error {
	req := schemas.QuestionsRequest{Table: "loadtest-secret-check", Round: 1, Count: 1}
	var out schemas.Questions
	err := a.post(ctx, "/api/questions", true, req, &out)
	var se *statusError
	if errors.As(err, &se) && se.status == http.StatusUnauthorized {
		return errors.New("the back end refused the secret: give the one it was started with")
	}
	return nil
}

func (a *api) healthz(ctx context.Context) (health, error) {
	var h health
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.health, nil)
	if err != nil {
		return h, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return h, fmt.Errorf("bridge health: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err := json.Unmarshal(data, &h); err != nil {
		return h, fmt.Errorf("bridge health: HTTP %d: %s", resp.StatusCode, snippet(data))
	}
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("bridge health: HTTP %d: status %q", resp.StatusCode, h.Status)
	}
	return h, nil
}

// post sends in as JSON and decodes a 2xx answer into out.
func (a *api) post(ctx context.Context, path string, auth bool, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.Header.Set("Authorization", "Bearer "+a.secret)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return &statusError{path: path, status: resp.StatusCode, msg: snippet(data)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("POST %s: decode answer: %w", path, err)
	}
	return nil
}

// statusError is an answer with a status other than 2xx.
type statusError struct {
	path   string
	status int
	msg    string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("POST %s: HTTP %d: %s", e.path, e.status, e.msg)
}

// snippet is the start of a body, for an error message.
func snippet(data []byte) string {
	s := strings.TrimSpace(string(data))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil && e.Error != "" {
		s = e.Error
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
