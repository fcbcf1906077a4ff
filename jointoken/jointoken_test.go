package jointoken

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/schemas"
)

var secret = []byte("0123456789abcdef0123")

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	claims := schemas.JoinClaims{UserID: "g1", Name: "Alice", Table: "t1", Role: schemas.RoleHost, Exp: now.Add(time.Hour).Unix()}
	good, err := Sign(secret, claims)
	if err != nil {
		t.Fatal(err)
	}
	head, sig, _ := strings.Cut(good, ".")
	other, _ := Sign([]byte("another-secret-of-length"), claims)
	badClaims, _ := Sign(secret, schemas.JoinClaims{UserID: "g 1", Name: "A", Table: "t1", Role: "player", Exp: claims.Exp})
	badRole, _ := Sign(secret, schemas.JoinClaims{UserID: "g1", Name: "A", Table: "t1", Role: "admin", Exp: claims.Exp})

	tests := []struct {
		name    string
		token   string
		at      time.Time
		wantErr error
	}{
		{"valid", good, now, nil},
		{"expired", good, now.Add(time.Hour), ErrExpired},
		{"other_secret", other, now, ErrInvalid},
		{"no_dot", head, now, ErrInvalid},
		{"tampered_claims", strings.Replace(head, head[:4], "AAAA", 1) + "." + sig, now, ErrInvalid},
		{"truncated_signature", head + "." + sig[:10], now, ErrInvalid},
		{"empty", "", now, ErrInvalid},
		{"bad_user_id", badClaims, now, ErrInvalid},
		{"unknown_role", badRole, now, ErrInvalid},
		{"huge", strings.Repeat("a", 5000), now, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(secret, tt.token, tt.at)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil {
				if diff := cmp.Diff(claims, got); diff != "" {
					t.Errorf("claims (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := Sign([]byte("short"), schemas.JoinClaims{}); err == nil {
		t.Error("Sign accepted a 5-byte secret")
	}
	if _, err := Verify([]byte("short"), "a.b", time.Now()); !errors.Is(err, ErrInvalid) {
		t.Errorf("Verify with a 5-byte secret = %v, want ErrInvalid", err)
	}
}
