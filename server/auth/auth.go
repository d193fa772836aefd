// Package auth signs and verifies Barrage's session tokens: JWTs (HS256)
// that say who a user is (id, display name), their role, the room a host
// hosts, and when the session ends. It also finds the signing secret.
package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"barrage/protocol"
)

// Errors that tell apart why a token was refused; each gets its own reason
// for the user.
var (
	ErrMissing = errors.New("not signed in: no session cookie or token")
	ErrExpired = errors.New("session expired: sign in again")
	ErrInvalid = errors.New("invalid session token: sign in again")
)

// MaxNameRunes is the longest display name.
const MaxNameRunes = 32

// Identity is who a verified token says the bearer is.
type Identity struct {
	protocol.User
	// Room is the room a host hosts; empty for other roles.
	Room    string
	Expires time.Time
}

// CanModerate reports whether the identity may kick, mute and close in
// room: admins everywhere, hosts in their own room.
func (id Identity) CanModerate(room string) bool {
	return id.Role == protocol.RoleAdmin || id.Role == protocol.RoleHost && id.Room == room
}

// claims is the token's payload: the user id is the subject.
type claims struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Room string `json:"room,omitempty"`
	jwt.RegisteredClaims
}

const issuer = "barrage"

// Signer signs and verifies tokens with one shared secret. It is safe for
// concurrent use.
type Signer struct {
	secret []byte
}

// MinSecretBytes is the shortest secret accepted: HS256 wants at least as
// many bytes of key as the hash has.
const MinSecretBytes = 32

// NewSigner returns a Signer, refusing a secret too short to be safe.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf("signing secret has %d bytes; at least %d are needed",
			len(secret), MinSecretBytes)
	}
	return &Signer{secret: secret}, nil
}

// Sign issues a token for id, valid for ttl. id must pass [Validate].
func (s *Signer) Sign(id Identity, ttl time.Duration) (string, time.Time, error) {
	if err := Validate(id); err != nil {
		return "", time.Time{}, err
	}
	now := time.Now()
	exp := now.Add(ttl).Truncate(time.Second)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		Name: id.Name,
		Role: id.Role,
		Room: id.Room,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   id.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	})
	signed, err := tok.SignedString(s.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token for %s: %w", id.ID, err)
	}
	return signed, exp, nil
}

// Verify checks a token's signature, algorithm, issuer and expiry and
// returns the identity in it. Errors wrap [ErrMissing], [ErrExpired] or
// [ErrInvalid].
func (s *Signer) Verify(token string) (Identity, error) {
	if token == "" {
		return Identity{}, ErrMissing
	}
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		return s.secret, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Identity{}, ErrExpired
	case err != nil:
		return Identity{}, fmt.Errorf("%w (%v)", ErrInvalid, err)
	}
	id := Identity{
		User:    protocol.User{ID: c.Subject, Name: c.Name, Role: c.Role},
		Room:    c.Room,
		Expires: c.ExpiresAt.Time,
	}
	if err := Validate(id); err != nil {
		return Identity{}, fmt.Errorf("%w (%v)", ErrInvalid, err)
	}
	return id, nil
}

// Validate checks an identity's fields: a user id of the room-id alphabet,
// a display name of 1–32 printable characters, a known role, and a valid
// room for a host.
func Validate(id Identity) error {
	if !protocol.ValidRoomID(id.ID) {
		return fmt.Errorf("user id %.70q: want 1–64 characters of A–Z, a–z, 0–9, _ and -", id.ID)
	}
	if err := ValidateName(id.Name); err != nil {
		return err
	}
	switch id.Role {
	case protocol.RoleViewer, protocol.RoleAdmin:
	case protocol.RoleHost:
		if !protocol.ValidRoomID(id.Room) {
			return fmt.Errorf("host room %.70q: want 1–64 characters of A–Z, a–z, 0–9, _ and -",
				id.Room)
		}
	default:
		return fmt.Errorf("role %.20q: want viewer, host or admin", id.Role)
	}
	return nil
}

// ValidateName checks a display name.
func ValidateName(name string) error {
	if strings.TrimSpace(name) != name || name == "" {
		return errors.New("display name is empty or has surrounding spaces")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameRunes {
		return fmt.Errorf("display name has %d characters; the limit is %d", n, MaxNameRunes)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("display name contains the unprintable character %U", r)
		}
	}
	return nil
}
