// Package jointoken signs and checks the tokens that let a browser join a
// table: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first
// part)). The app back end signs them; the bridge checks them.
package jointoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wordwalls/wordwalls/schemas"
)

// Errors Verify returns; callers tell them apart with errors.Is.
var (
	ErrInvalid = errors.New("invalid join token")
	ErrExpired = errors.New("join token expired")
)

// MinSecretLen is the shortest secret Sign and Verify accept.
const MinSecretLen = 16

var enc = base64.RawURLEncoding

// Sign returns a token for the claims.
func Sign(secret []byte, c schemas.JoinClaims) (string, error) {
	if len(secret) < MinSecretLen {
		return "", fmt.Errorf("join token secret must be at least %d bytes", MinSecretLen)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	head := enc.EncodeToString(body)
	return head + "." + enc.EncodeToString(mac(secret, head)), nil
}

func mac(secret []byte, head string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(head))
	return h.Sum(nil)
}

// Verify checks a token's signature, shape and expiry at now and returns
// its claims.
func Verify(secret []byte, token string, now time.Time) (schemas.JoinClaims, error) {
	var c schemas.JoinClaims
	if len(secret) < MinSecretLen {
		return c, fmt.Errorf("%w: server has no usable secret", ErrInvalid)
	}
	if len(token) > 4096 {
		return c, fmt.Errorf("%w: too long", ErrInvalid)
	}
	head, sig, ok := strings.Cut(token, ".")
	if !ok {
		return c, fmt.Errorf("%w: malformed", ErrInvalid)
	}
	got, err := enc.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, head)) {
		return c, fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	body, err := enc.DecodeString(head)
	if err != nil {
		return c, fmt.Errorf("%w: malformed claims", ErrInvalid)
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return c, fmt.Errorf("%w: malformed claims", ErrInvalid)
	}
	if err := schemas.Validate("join_claims", body); err != nil {
		return c, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if now.Unix() >= c.Exp {
		return c, ErrExpired
	}
	return c, nil
}
