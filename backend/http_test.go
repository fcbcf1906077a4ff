package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/jointoken"
	"github.com/wordwalls/wordwalls/schemas"
)

// answer is one HTTP answer as a test sees it.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request straight to h.
func call(t *testing.T, h http.Handler, method, path, body string, header ...string) answer {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: content type %q, want application/json", method, path, ct)
	}
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// decodeStrict decodes an answer's body into v, failing on unknown fields.
func (a answer) decodeStrict(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// wantError checks an error answer's status and that its message holds
// want.
func (a answer) wantError(t *testing.T, status int, want string) {
	t.Helper()
	if a.status != status {
		t.Errorf("status %d, want %d (body %s)", a.status, status, a.body)
	}
	var e errorResponse
	a.decodeStrict(t, &e)
	if !strings.Contains(e.Error, want) {
		t.Errorf("error %q does not mention %q", e.Error, want)
	}
}

func bearer(secret []byte) []string {
	return []string{"Authorization", "Bearer " + string(secret)}
}

func TestHTTPCreateTable(t *testing.T) {
	t.Run("created", func(t *testing.T) {
		s, o := newTestServer(t)
		a := call(t, s.Handler(), "POST", "/api/tables",
			`{"name":"Fours","lexicon":"TEST","length":4,"prob_min":2,"prob_max":20,`+
				`"questions_per_round":10,"time_limit":60,"public":true,"player":"Alice"}`)
		if a.status != http.StatusCreated {
			t.Fatalf("status %d, want 201 (body %s)", a.status, a.body)
		}
		var resp CreateTableResponse
		a.decodeStrict(t, &resp)
		if resp.JoinURL != "http://example.test/t/"+resp.Table {
			t.Errorf("join url %q", resp.JoinURL)
		}
		claims, err := jointoken.Verify(testSecret, resp.Token, testNow)
		if err != nil {
			t.Fatal(err)
		}
		want := schemas.JoinClaims{UserID: resp.UserID, Name: "Alice", Table: resp.Table, Role: schemas.RoleHost,
			Exp: testNow.Add(DefaultTokenTTL).Unix()}
		if diff := cmp.Diff(want, claims); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		if n := len(o.inputs()); n != 1 {
			t.Errorf("%d tables opened, want 1", n)
		}
	})

	tests := []struct {
		name   string
		body   string
		status int
		want   string // in the error message
	}{
		{"unknown_field", `{"lexicon":"TEST","length":4,"player":"A","colour":"red"}`, 400, "unknown field"},
		{"malformed", `{"lexicon":"TEST",`, 400, "invalid JSON"},
		{"wrong_type", `{"lexicon":"TEST","length":"four","player":"A"}`, 400, "invalid JSON"},
		{"trailing_data", `{"lexicon":"TEST","length":4,"player":"A"} {}`, 400, "after the object"},
		{"invalid_length", `{"lexicon":"TEST","length":17,"player":"A"}`, 400, "length: must be from 2 to 15"},
		{"invalid_player", `{"lexicon":"TEST","length":4,"player":""}`, 400, "player: must not be empty"},
		{"too_large", `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "over 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := newTestServer(t)
			call(t, s.Handler(), "POST", "/api/tables", tt.body).wantError(t, tt.status, tt.want)
			if n := len(o.inputs()); n != 0 {
				t.Errorf("%d tables opened, want none", n)
			}
		})
	}

	t.Run("open_fails", func(t *testing.T) {
		s, o := newTestServer(t)
		o.err = errors.New("nats: timeout")
		a := call(t, s.Handler(), "POST", "/api/tables", `{"lexicon":"TEST","length":4,"player":"A","public":true}`)
		a.wantError(t, http.StatusServiceUnavailable, "unavailable")
		if strings.Contains(string(a.body), "nats") {
			t.Errorf("error leaks the cause: %s", a.body)
		}
		if got := s.PublicTables(); len(got) != 0 {
			t.Errorf("tables after a failed open: %v", got)
		}
	})
}

func TestHTTPRoutes(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()
	tab := createTable(t, s, CreateTableRequest{}).Table

	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"method_not_allowed", "DELETE", "/api/tables", "", 405, "method not allowed"},
		{"get_tokens", "GET", "/api/tables/" + tab + "/tokens", "", 405, "use POST"},
		{"unknown_path", "GET", "/api/games", "", 404, "no such API path"},
		{"unknown_table", "GET", "/api/tables/nosuchtable", "", 404, "no such table"},
		{"tokens_unknown_table", "POST", "/api/tables/nosuchtable/tokens", `{"name":"Bob"}`, 404, "no such table"},
		{"results_unknown_table", "GET", "/api/tables/nosuchtable/results", "", 404, "no such table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call(t, h, tt.method, tt.path, tt.body).wantError(t, tt.status, tt.want)
		})
	}

	t.Run("allow_header", func(t *testing.T) {
		a := call(t, h, "PUT", "/api/tables", "")
		if got := a.header.Get("Allow"); got != "GET, POST" {
			t.Errorf("Allow %q, want %q", got, "GET, POST")
		}
	})
}

func TestHTTPTokens(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()
	created := createTable(t, s, CreateTableRequest{})
	tab, creator := created.Table, created.UserID
	path := "/api/tables/" + tab + "/tokens"

	tests := []struct {
		name, body string
		role       string
		user       string // the user id wanted; empty for a new one
	}{
		{"player_by_default", `{"name":"Bob"}`, schemas.RolePlayer, ""},
		{"spectator", `{"name":"Carol","role":"spectator"}`, schemas.RoleSpectator, ""},
		{"reissue", `{"name":"Bob","role":"player","user_id":"g0123456789ab","key":"` +
			s.seatKey(tab, "g0123456789ab") + `"}`, schemas.RolePlayer, "g0123456789ab"},
		{"creator_rejoins", `{"name":"Alice","user_id":"` + creator + `","key":"` + created.Key + `"}`,
			schemas.RoleHost, creator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, h, "POST", path, tt.body)
			if a.status != http.StatusOK {
				t.Fatalf("status %d (body %s)", a.status, a.body)
			}
			var resp TokenResponse
			a.decodeStrict(t, &resp)
			if tt.user != "" && resp.UserID != tt.user {
				t.Errorf("user id %q, want %q", resp.UserID, tt.user)
			}
			if resp.Key != s.seatKey(tab, resp.UserID) {
				t.Errorf("key %q is not the seat key of %s", resp.Key, resp.UserID)
			}
			claims, err := jointoken.Verify(testSecret, resp.Token, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if claims.UserID != resp.UserID || claims.Table != tab || claims.Role != tt.role {
				t.Errorf("claims %+v, want user %s, table %s, role %s", claims, resp.UserID, tab, tt.role)
			}
		})
	}

	for _, tt := range []struct{ name, body, want string }{
		{"host_refused", `{"name":"Mallory","role":"host"}`, "role: must be player or spectator"},
		{"bad_user_id", `{"name":"Bob","user_id":"../g1"}`, "user_id:"},
		{"no_name", `{"role":"player"}`, "name: must not be empty"},
		{"unknown_field", `{"name":"Bob","admin":true}`, "unknown field"},
		{"key_without_user", `{"name":"Bob","key":"` + created.Key + `"}`, "user_id: must be given with key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			call(t, h, "POST", path, tt.body).wantError(t, http.StatusBadRequest, tt.want)
		})
	}
	for _, tt := range []struct{ name, body string }{
		{"creator_without_key", `{"name":"Mallory","user_id":"` + creator + `"}`},
		{"guest_without_key", `{"name":"Mallory","user_id":"g0123456789ab"}`},
		{"wrong_key", `{"name":"Mallory","user_id":"` + creator + `","key":"` + s.seatKey(tab, "g0123456789ab") + `"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			call(t, h, "POST", path, tt.body).wantError(t, http.StatusForbidden, "user_id and key do not match")
		})
	}
}

func TestHTTPListTables(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()
	at := func(sec int) {
		s.cfg.Now = func() time.Time { return testNow.Add(time.Duration(sec) * time.Second) }
	}
	at(0)
	older := createTable(t, s, CreateTableRequest{Name: "older", Public: true}).Table
	at(1)
	private := createTable(t, s, CreateTableRequest{Name: "private"}).Table
	at(2)
	newer := createTable(t, s, CreateTableRequest{Name: "newer", Public: true}).Table

	summary := func(id, name string, sec int, public bool) TableSummary {
		return TableSummary{Table: id, Name: name, Lexicon: "TEST", Length: 4, ProbMin: 1, ProbMax: testLexicon.Count(4),
			QuestionsPerRound: 50, TimeLimit: 300, Public: public, CreatedAt: testNow.UnixMilli() + int64(sec)*1000}
	}

	t.Run("public_newest_first", func(t *testing.T) {
		var got struct {
			Tables []TableSummary `json:"tables"`
		}
		call(t, h, "GET", "/api/tables", "").decodeStrict(t, &got)
		want := []TableSummary{summary(newer, "newer", 2, true), summary(older, "older", 0, true)}
		if diff := cmp.Diff(want, got.Tables); diff != "" {
			t.Errorf("tables (-want +got):\n%s", diff)
		}
	})

	t.Run("private_by_id", func(t *testing.T) {
		var got TableSummary
		call(t, h, "GET", "/api/tables/"+private, "").decodeStrict(t, &got)
		if diff := cmp.Diff(summary(private, "private", 1, false), got); diff != "" {
			t.Errorf("table (-want +got):\n%s", diff)
		}
	})

	t.Run("empty_list_is_not_null", func(t *testing.T) {
		empty, _ := newTestServer(t)
		a := call(t, empty.Handler(), "GET", "/api/tables", "")
		if got := strings.TrimSpace(string(a.body)); got != `{"tables":[]}` {
			t.Errorf("body %s", got)
		}
	})
}

func TestHTTPResults(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()
	tab := createTable(t, s, CreateTableRequest{QuestionsPerRound: 10}).Table
	r1 := alphagramsOf(questions(t, s, tab, 1, 10))
	r2 := alphagramsOf(questions(t, s, tab, 2, 10))
	res1, res2 := result(tab, 1, r1, r1[0]), result(tab, 2, r2)

	post := func(t *testing.T, res schemas.RoundResult) answer {
		t.Helper()
		body, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return call(t, h, "POST", "/api/results", string(body), bearer(testSecret)...)
	}
	for _, res := range []schemas.RoundResult{res2, res1, res1} {
		a := post(t, res)
		if a.status != http.StatusOK || strings.TrimSpace(string(a.body)) != `{"ok":true}` {
			t.Fatalf("record round %d: %d %s", res.Round, a.status, a.body)
		}
	}

	t.Run("round_order", func(t *testing.T) {
		var got struct {
			Results []schemas.RoundResult `json:"results"`
		}
		call(t, h, "GET", "/api/tables/"+tab+"/results", "").decodeStrict(t, &got)
		if diff := cmp.Diff([]schemas.RoundResult{res1, res2}, got.Results); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})

	t.Run("invalid_result", func(t *testing.T) {
		bad := res1
		bad.Reason = "bored"
		post(t, bad).wantError(t, http.StatusBadRequest, "not a valid round result")
	})

	t.Run("unknown_table", func(t *testing.T) {
		other := res1
		other.Table = "nosuchtable"
		post(t, other).wantError(t, http.StatusNotFound, "no such table")
	})
}

func TestBearer(t *testing.T) {
	s, _ := newTestServer(t)
	h := s.Handler()
	tab := createTable(t, s, CreateTableRequest{QuestionsPerRound: 10}).Table
	qreq := `{"table":"` + tab + `","round":1,"count":10}`
	res, err := json.Marshal(result(tab, 1, ranked(t, 1, 10)))
	if err != nil {
		t.Fatal(err)
	}

	paths := []struct{ path, body string }{
		{"/api/questions", qreq},
		{"/api/results", string(res)},
	}
	refused := []struct {
		name   string
		header []string
	}{
		{"no_header", nil},
		{"wrong_secret", bearer([]byte("0123456789abcdef-wrong-secret"))},
		{"secret_prefix", bearer(testSecret[:len(testSecret)-1])},
		{"empty_bearer", []string{"Authorization", "Bearer "}},
		{"basic_scheme", []string{"Authorization", "Basic " + string(testSecret)}},
		{"bare_secret", []string{"Authorization", string(testSecret)}},
	}
	for _, p := range paths {
		t.Run(strings.TrimPrefix(p.path, "/api/"), func(t *testing.T) {
			for _, tt := range refused {
				t.Run(tt.name, func(t *testing.T) {
					a := call(t, h, "POST", p.path, p.body, tt.header...)
					a.wantError(t, http.StatusUnauthorized, "bearer secret")
					if a.header.Get("WWW-Authenticate") == "" {
						t.Error("no WWW-Authenticate header")
					}
				})
			}
			t.Run("accepted", func(t *testing.T) {
				a := call(t, h, "POST", p.path, p.body, bearer(testSecret)...)
				if a.status != http.StatusOK {
					t.Errorf("status %d (body %s)", a.status, a.body)
				}
			})
			t.Run("scheme_any_case", func(t *testing.T) {
				a := call(t, h, "POST", p.path, p.body, "Authorization", "bearer "+string(testSecret))
				if a.status != http.StatusOK {
					t.Errorf("status %d (body %s)", a.status, a.body)
				}
			})
		})
	}
}

var builtin = sync.OnceValues(lexicon.LoadBuiltin)

func TestHTTPLexicons(t *testing.T) {
	enable, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	o := &opens{}
	s, err := New(context.Background(), Config{
		Lexicons: map[string]*lexicon.Lexicon{"TEST": testLexicon, DefaultLexicon: enable},
		Secret:   testSecret,
		Logger:   quiet,
		Open:     o.open,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()

	t.Run("counts_per_length", func(t *testing.T) {
		var got struct {
			Lexicons []LexiconInfo `json:"lexicons"`
		}
		call(t, h, "GET", "/api/lexicons", "").decodeStrict(t, &got)
		wantEnable := LexiconInfo{Name: DefaultLexicon, Lengths: map[string]int{}}
		for n := 2; n <= 15; n++ {
			wantEnable.Lengths[strconv.Itoa(n)] = enable.Count(n)
		}
		want := []LexiconInfo{
			wantEnable,
			{Name: "TEST", Lengths: map[string]int{"4": testLexicon.Count(4), "5": testLexicon.Count(5)}},
		}
		if diff := cmp.Diff(want, got.Lexicons); diff != "" {
			t.Errorf("lexicons (-want +got):\n%s", diff)
		}
	})

	t.Run("enable_is_the_default", func(t *testing.T) {
		a := call(t, h, "POST", "/api/tables", `{"length":7,"player":"Alice"}`)
		if a.status != http.StatusCreated {
			t.Fatalf("status %d (body %s)", a.status, a.body)
		}
		var resp CreateTableResponse
		a.decodeStrict(t, &resp)
		if resp.JoinURL != "/t/"+resp.Table {
			t.Errorf("join url %q without a public URL", resp.JoinURL)
		}
		sum, _ := s.Summary(resp.Table)
		if sum.Lexicon != DefaultLexicon || sum.ProbMax != enable.Count(7) {
			t.Errorf("summary %+v, want ENABLE up to %d", sum, enable.Count(7))
		}
	})
}
