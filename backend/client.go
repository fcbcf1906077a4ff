package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wordwalls/wordwalls/schemas"
)

// maxResponse caps the answers a Client reads.
const maxResponse = 8 << 20

// Client asks an app back end for questions over HTTP: the built-in one's
// Handler or the Django app, which serve the same API.
type Client struct {
	URL    string       // the back end's base, e.g. "http://127.0.0.1:8080"
	Secret []byte       // the bearer secret
	HTTP   *http.Client // default http.DefaultClient; the context bounds each call
}

// StatusError is a back end's answer other than 2xx.
type StatusError struct {
	StatusCode int
	Message    string // the back end's error text
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("back end answered %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// Questions asks for a round's questions with POST /api/questions.
func (c *Client) Questions(ctx context.Context, req schemas.QuestionsRequest) (schemas.Questions, error) {
	var qs schemas.Questions
	if err := c.post(ctx, "/api/questions", req, &qs); err != nil {
		return schemas.Questions{}, fmt.Errorf("questions for %s round %d: %w", req.Table, req.Round, err)
	}
	if qs.Table != req.Table || qs.Round != req.Round {
		return schemas.Questions{}, fmt.Errorf("questions for %s round %d: back end answered for %s round %d",
			req.Table, req.Round, qs.Table, qs.Round)
	}
	return qs, nil
}

func (c *Client) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	url := strings.TrimSuffix(c.URL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(c.Secret))

	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if len(data) > maxResponse {
		return fmt.Errorf("answer over %d bytes", maxResponse)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{StatusCode: resp.StatusCode, Message: errorText(data)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// errorText is the message of an {"error": "..."} body, or the start of
// any other body.
func errorText(data []byte) string {
	var e errorResponse
	if json.Unmarshal(data, &e) == nil && e.Error != "" {
		return e.Error
	}
	text := strings.TrimSpace(string(data))
	if len(text) > 200 {
		text = strings.ToValidUTF8(text[:200], "") + "…"
	}
	if text == "" {
		return "no error text"
	}
	return text
}
