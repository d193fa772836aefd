package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"barrage/server/auth"
)

func TestLoadSecretFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		dev     bool
		wantErr bool
	}{
		{"32 bytes", strings.Repeat("s", 32), false, false},
		{"64 bytes", strings.Repeat("s", 64), false, false},
		{"32 bytes in dev mode", strings.Repeat("s", 32), true, false},
		{"31 bytes", strings.Repeat("s", 31), false, true},
		{"31 bytes in dev mode", strings.Repeat("s", 31), true, true},
		{"one byte", "x", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "secret")
			secret, source, err := auth.LoadSecret(tt.env, tt.dev, file)
			if tt.wantErr {
				if err == nil || secret != nil {
					t.Fatalf("LoadSecret(%d bytes) = %q, %v; want an error", len(tt.env),
						secret, err)
				}
				if !strings.Contains(err.Error(), "BARRAGE_SECRET") {
					t.Errorf("error %q should name BARRAGE_SECRET", err)
				}
			} else {
				if err != nil {
					t.Fatalf("LoadSecret: %v", err)
				}
				if string(secret) != tt.env || source != auth.FromEnv {
					t.Errorf("LoadSecret = %q from %q; want the env value", secret, source)
				}
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("an env secret must not touch the dev file: stat %v", err)
			}
		})
	}
}

func TestLoadSecretNeedsEnvOutsideDev(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret")
	secret, _, err := auth.LoadSecret("", false, file)
	if err == nil || secret != nil {
		t.Fatalf("LoadSecret without env or dev = %q, %v; want an error", secret, err)
	}
	if !strings.Contains(err.Error(), "BARRAGE_SECRET") {
		t.Errorf("error %q should name BARRAGE_SECRET", err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("a refused start must not write the dev file: stat %v", err)
	}
}

// TestLoadSecretDevKeepsSecret checks that development mode generates a
// secret once and returns it again after a restart.
func TestLoadSecretDevKeepsSecret(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cache", "barrage", "dev-secret")

	first, source, err := auth.LoadSecret("", true, file)
	if err != nil {
		t.Fatalf("first LoadSecret: %v", err)
	}
	if source != auth.FromGenerated {
		t.Errorf("first source %q; want %q", source, auth.FromGenerated)
	}
	if len(first) < auth.MinSecretBytes {
		t.Errorf("generated %d bytes; want at least %d", len(first), auth.MinSecretBytes)
	}
	if _, err := auth.NewSigner(first); err != nil {
		t.Errorf("generated secret refused by NewSigner: %v", err)
	}
	wantMode(t, file, 0o600)

	second, source, err := auth.LoadSecret("", true, file)
	if err != nil {
		t.Fatalf("second LoadSecret: %v", err)
	}
	if source != auth.FromDevFile {
		t.Errorf("second source %q; want %q", source, auth.FromDevFile)
	}
	if string(second) != string(first) {
		t.Errorf("restart changed the secret: %q then %q", first, second)
	}

	other, _, err := auth.LoadSecret("", true, filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}
	if string(other) == string(first) {
		t.Errorf("two fresh files got the same secret %q", first)
	}
}

// TestLoadSecretReplacesBadFile checks that a short or corrupt file is
// replaced by a fresh secret that is then kept.
func TestLoadSecretReplacesBadFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"empty", ""},
		{"short", "short\n"},
		{"31 bytes", strings.Repeat("x", 31)},
		{"31 bytes padded with spaces", "  " + strings.Repeat("x", 31) + "  \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "dev-secret")
			if err := os.WriteFile(file, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			secret, source, err := auth.LoadSecret("", true, file)
			if err != nil {
				t.Fatalf("LoadSecret: %v", err)
			}
			if source != auth.FromGenerated || len(secret) < auth.MinSecretBytes {
				t.Fatalf("LoadSecret = %d bytes from %q; want a fresh secret",
					len(secret), source)
			}
			again, source, err := auth.LoadSecret("", true, file)
			if err != nil || source != auth.FromDevFile || string(again) != string(secret) {
				t.Errorf("second LoadSecret = %q from %q, %v; want %q from the file",
					again, source, err, secret)
			}
			wantMode(t, file, 0o600)
		})
	}
}

func TestLoadSecretTrimsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dev-secret")
	want := strings.Repeat("k", 40)
	if err := os.WriteFile(file, []byte("\n "+want+" \r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret, source, err := auth.LoadSecret("", true, file)
	if err != nil || string(secret) != want || source != auth.FromDevFile {
		t.Errorf("LoadSecret = %q from %q, %v; want %q from the file", secret, source, err, want)
	}
}

func TestLoadSecretUnreadableFile(t *testing.T) {
	dir := t.TempDir() // a directory where the file should be
	secret, _, err := auth.LoadSecret("", true, dir)
	if err == nil || secret != nil {
		t.Fatalf("LoadSecret of a directory = %q, %v; want an error", secret, err)
	}
}

func TestDefaultDevSecretFile(t *testing.T) {
	p := auth.DefaultDevSecretFile()
	if !filepath.IsAbs(p) || filepath.Base(p) != "dev-secret" ||
		filepath.Base(filepath.Dir(p)) != "barrage" {
		t.Errorf("DefaultDevSecretFile() = %q; want an absolute …/barrage/dev-secret", p)
	}
}

func wantMode(t *testing.T, file string, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != mode {
		t.Errorf("%s has mode %v; want %v", file, got, mode)
	}
}
