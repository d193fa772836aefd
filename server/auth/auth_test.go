package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"barrage/protocol"
	"barrage/server/auth"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func newSigner(t *testing.T, secret []byte) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(secret)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

// forge signs claims with method and key, bypassing Signer.Sign, to build
// tokens the Signer must refuse.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("forge %s token: %v", method.Alg(), err)
	}
	return tok
}

// goodClaims are claims Verify accepts when signed with HS256 and testSecret.
func goodClaims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss":  "barrage",
		"sub":  "u1",
		"name": "Alice",
		"role": protocol.RoleViewer,
		"iat":  now.Unix(),
		"exp":  now.Add(time.Hour).Unix(),
	}
}

func viewer(id, name string) auth.Identity {
	return auth.Identity{User: protocol.User{ID: id, Name: name, Role: protocol.RoleViewer}}
}

func TestNewSigner(t *testing.T) {
	tests := []struct {
		name    string
		secret  []byte
		wantErr bool
	}{
		{"nil", nil, true},
		{"empty", []byte{}, true},
		{"31 bytes", []byte(strings.Repeat("k", 31)), true},
		{"32 bytes", []byte(strings.Repeat("k", 32)), false},
		{"64 bytes", []byte(strings.Repeat("k", 64)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := auth.NewSigner(tt.secret)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewSigner(%d bytes) error %v; want error %t",
					len(tt.secret), err, tt.wantErr)
			}
			if (s == nil) != tt.wantErr {
				t.Errorf("NewSigner(%d bytes) signer %v", len(tt.secret), s)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s := newSigner(t, testSecret)
	tests := []struct {
		name string
		id   auth.Identity
	}{
		{"viewer", viewer("u1", "Alice")},
		{"admin", auth.Identity{User: protocol.User{ID: "root", Name: "Boss",
			Role: protocol.RoleAdmin}}},
		{"host with room", auth.Identity{
			User: protocol.User{ID: "h-1", Name: "主播 😀", Role: protocol.RoleHost},
			Room: "live_room-7"}},
		{"longest id and name", auth.Identity{User: protocol.User{
			ID: strings.Repeat("x", 64), Name: strings.Repeat("名", 32),
			Role: protocol.RoleViewer}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			tok, exp, err := s.Sign(tt.id, time.Hour)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if lo, hi := before.Add(time.Hour-time.Second), time.Now().Add(time.Hour); exp.Before(
				lo) || exp.After(hi) {
				t.Errorf("expiry %v; want within [%v, %v]", exp, lo, hi)
			}
			got, err := s.Verify(tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.User != tt.id.User || got.Room != tt.id.Room {
				t.Errorf("Verify = %+v; want %+v", got, tt.id)
			}
			if !got.Expires.Equal(exp) {
				t.Errorf("Expires %v; Sign said %v", got.Expires, exp)
			}
		})
	}
}

func TestSignRefusesInvalidIdentity(t *testing.T) {
	s := newSigner(t, testSecret)
	tok, _, err := s.Sign(viewer("bad id", "Alice"), time.Hour)
	if err == nil || tok != "" {
		t.Fatalf("Sign of an invalid id = %q, %v; want an error and no token", tok, err)
	}
}

func TestVerifyRefusals(t *testing.T) {
	s := newSigner(t, testSecret)
	valid, _, err := s.Sign(viewer("u1", "Alice"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired, _, err := s.Sign(viewer("u1", "Alice"), -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _, err := newSigner(t, []byte(strings.Repeat("z", 32))).Sign(
		viewer("u1", "Alice"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	with := func(edit func(c jwt.MapClaims)) jwt.MapClaims {
		c := goodClaims()
		edit(c)
		return c
	}

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", auth.ErrMissing},
		{"expired by Sign", expired, auth.ErrExpired},
		{"expired by hand", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
			auth.ErrExpired},
		{"garbage", "not a token", auth.ErrInvalid},
		{"three garbage parts", "a.b.c", auth.ErrInvalid},
		{"wrong key", otherKey, auth.ErrInvalid},
		{"alg none", forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			goodClaims()), auth.ErrInvalid},
		{"HS512 with the right key", forge(t, jwt.SigningMethodHS512, testSecret,
			goodClaims()), auth.ErrInvalid},
		{"HS384 with the right key", forge(t, jwt.SigningMethodHS384, testSecret,
			goodClaims()), auth.ErrInvalid},
		{"wrong issuer", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["iss"] = "someone-else" })), auth.ErrInvalid},
		{"no issuer", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { delete(c, "iss") })), auth.ErrInvalid},
		{"missing exp", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { delete(c, "exp") })), auth.ErrInvalid},
		{"not valid yet", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() })),
			auth.ErrInvalid},
		{"no subject", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { delete(c, "sub") })), auth.ErrInvalid},
		{"unknown role", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["role"] = "root" })), auth.ErrInvalid},
		{"host without room", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["role"] = protocol.RoleHost })), auth.ErrInvalid},
		{"name with control character", forge(t, jwt.SigningMethodHS256, testSecret,
			with(func(c jwt.MapClaims) { c["name"] = "a\u0007" })), auth.ErrInvalid},
		{"tampered payload", tamper(t, valid, func(c map[string]any) {
			c["role"] = protocol.RoleAdmin
		}), auth.ErrInvalid},
		{"tampered signature", valid[:len(valid)-2] + flip(valid[len(valid)-2:]),
			auth.ErrInvalid},
		{"signature removed", valid[:strings.LastIndexByte(valid, '.')+1], auth.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := s.Verify(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error %v; want %v", err, tt.want)
			}
			for _, other := range []error{auth.ErrMissing, auth.ErrExpired, auth.ErrInvalid} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %v also matches %v", err, other)
				}
			}
			if id != (auth.Identity{}) {
				t.Errorf("refused token gave identity %+v", id)
			}
		})
	}
}

// TestVerifyLeeway accepts a token that expired a moment ago: clocks drift.
func TestVerifyLeeway(t *testing.T) {
	s := newSigner(t, testSecret)
	tok := forge(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{
		"iss": "barrage", "sub": "u1", "name": "Alice", "role": protocol.RoleViewer,
		"exp": time.Now().Add(-time.Second).Unix(),
	})
	if _, err := s.Verify(tok); err != nil {
		t.Errorf("token one second past expiry refused: %v", err)
	}
}

// tamper rewrites the payload of a signed token and keeps the old signature.
func tamper(t *testing.T, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	edit(c)
	raw, err = json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

// flip changes every character of a short base64url string.
func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

func TestValidate(t *testing.T) {
	id := func(user, name, role, room string) auth.Identity {
		return auth.Identity{User: protocol.User{ID: user, Name: name, Role: role}, Room: room}
	}
	const v, h, a = protocol.RoleViewer, protocol.RoleHost, protocol.RoleAdmin
	tests := []struct {
		name    string
		id      auth.Identity
		wantErr bool
	}{
		{"viewer", id("u1", "Alice", v, ""), false},
		{"admin", id("u1", "Alice", a, ""), false},
		{"host of a room", id("u1", "Alice", h, "room-1"), false},
		{"viewer may carry a room", id("u1", "Alice", v, "room-1"), false},
		{"id of every class", id("Az09_-", "Alice", v, ""), false},
		{"id of 64", id(strings.Repeat("u", 64), "Alice", v, ""), false},
		{"empty id", id("", "Alice", v, ""), true},
		{"id of 65", id(strings.Repeat("u", 65), "Alice", v, ""), true},
		{"id with space", id("u 1", "Alice", v, ""), true},
		{"id with slash", id("u/1", "Alice", v, ""), true},
		{"id with dot", id("u.1", "Alice", v, ""), true},
		{"id not ASCII", id("用户", "Alice", v, ""), true},
		{"empty name", id("u1", "", v, ""), true},
		{"name of spaces", id("u1", "   ", v, ""), true},
		{"leading space", id("u1", " Alice", v, ""), true},
		{"trailing space", id("u1", "Alice ", v, ""), true},
		{"trailing newline", id("u1", "Alice\n", v, ""), true},
		{"inner space", id("u1", "Alice Liddell", v, ""), false},
		{"32 runes", id("u1", strings.Repeat("名", 32), v, ""), false},
		{"33 runes", id("u1", strings.Repeat("名", 33), v, ""), true},
		{"32 emoji", id("u1", strings.Repeat("😀", 32), v, ""), false},
		{"NUL", id("u1", "A\x00B", v, ""), true},
		{"bell", id("u1", "A\aB", v, ""), true},
		{"inner tab", id("u1", "A\tB", v, ""), true},
		{"zero-width space", id("u1", "A\u200bB", v, ""), true},
		{"right-to-left override", id("u1", "A\u202eB", v, ""), true},
		{"ideographic space inside", id("u1", "A\u3000B", v, ""), true},
		{"empty role", id("u1", "Alice", "", ""), true},
		{"unknown role", id("u1", "Alice", "root", ""), true},
		{"role case", id("u1", "Alice", "Admin", ""), true},
		{"host without room", id("u1", "Alice", h, ""), true},
		{"host of a bad room", id("u1", "Alice", h, "a/b"), true},
		{"host of a long room", id("u1", "Alice", h, strings.Repeat("r", 65)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.Validate(tt.id)
			if (err != nil) != tt.wantErr {
				t.Errorf("Validate(%+v) = %v; want error %t", tt.id, err, tt.wantErr)
			}
		})
	}
}

func TestCanModerate(t *testing.T) {
	id := func(role, room string) auth.Identity {
		return auth.Identity{User: protocol.User{ID: "u1", Name: "A", Role: role}, Room: room}
	}
	tests := []struct {
		name string
		id   auth.Identity
		room string
		want bool
	}{
		{"admin anywhere", id(protocol.RoleAdmin, ""), "any", true},
		{"admin with a room elsewhere", id(protocol.RoleAdmin, "r1"), "r2", true},
		{"host in own room", id(protocol.RoleHost, "r1"), "r1", true},
		{"host in another room", id(protocol.RoleHost, "r1"), "r2", false},
		{"host room is case-sensitive", id(protocol.RoleHost, "r1"), "R1", false},
		{"viewer", id(protocol.RoleViewer, ""), "r1", false},
		{"viewer carrying the room", id(protocol.RoleViewer, "r1"), "r1", false},
		{"no role", id("", "r1"), "r1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.CanModerate(tt.room); got != tt.want {
				t.Errorf("%+v.CanModerate(%q) = %t; want %t", tt.id, tt.room, got, tt.want)
			}
		})
	}
}
