package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretSource says where a secret came from, for the start-up log.
type SecretSource string

// Where a secret can come from.
const (
	FromEnv       SecretSource = "environment"
	FromDevFile   SecretSource = "development secret file"
	FromGenerated SecretSource = "generated (development secret file)"
)

// LoadSecret returns the signing secret: the environment's value if set;
// otherwise, in development mode only, a random secret generated once and
// kept in devFile, so that a restart does not sign everybody out.
func LoadSecret(envValue string, dev bool, devFile string) ([]byte, SecretSource, error) {
	if envValue != "" {
		if len(envValue) < MinSecretBytes {
			return nil, "", fmt.Errorf("BARRAGE_SECRET has %d bytes; at least %d are needed",
				len(envValue), MinSecretBytes)
		}
		return []byte(envValue), FromEnv, nil
	}
	if !dev {
		return nil, "", errors.New("BARRAGE_SECRET is not set (only --dev generates one)")
	}
	b, err := os.ReadFile(devFile)
	if err == nil {
		secret := strings.TrimSpace(string(b))
		if len(secret) >= MinSecretBytes {
			// Keep it readable by its owner only, whoever created it.
			if err := os.Chmod(devFile, 0o600); err != nil {
				return nil, "", fmt.Errorf("protect development secret: %w", err)
			}
			return []byte(secret), FromDevFile, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("read development secret: %w", err)
	}
	return generate(devFile)
}

func generate(path string) ([]byte, SecretSource, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("generate secret: %w", err)
	}
	secret := hex.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", fmt.Errorf("keep development secret: %w", err)
	}
	// A new file renamed into place, so that a replaced file does not keep
	// the old one's (perhaps world-readable) mode.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dev-secret-*")
	if err != nil {
		return nil, "", fmt.Errorf("keep development secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(secret + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return nil, "", fmt.Errorf("keep development secret: %w", err)
	}
	return []byte(secret), FromGenerated, nil
}

// DefaultDevSecretFile is where development mode keeps its secret: the
// user's cache directory, or the temporary directory if there is none.
func DefaultDevSecretFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "barrage", "dev-secret")
}
