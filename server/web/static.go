package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// asset is one static file, held in memory with its gzip form, compressed
// once on first request rather than on every request (or at start, where
// compressing the 4 MB client would delay every start of the server).
type asset struct {
	body  []byte
	etag  string
	ctype string

	gzOnce sync.Once
	gz     []byte // nil when gzip does not shrink the file by a tenth
}

// gzipped returns the file's gzip form, or nil.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		if gz := compress(a.body); len(gz) < len(a.body)*9/10 {
			a.gz = gz
		}
	})
	return a.gz
}

// loadAssets reads every file of fsys.
func loadAssets(fsys fs.FS) (map[string]*asset, error) {
	assets := make(map[string]*asset)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".go") {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read static %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		a := &asset{
			body:  body,
			etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
			ctype: mime.TypeByExtension(path.Ext(name)),
		}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		assets[name] = a
		return nil
	})
	return assets, err
}

func compress(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// serveStatic serves a static file with its content type, an ETag for
// revalidation (Cache-Control: no-cache: browsers ask each time and get 304
// while the file is unchanged), and gzip when the browser takes it.
func (s *Server) serveStatic(c echo.Context) error {
	a := s.assets[c.Param("*")]
	if a == nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	h := c.Response().Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	body, etag := a.body, a.etag
	gz := a.gzipped()
	if gz != nil && strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		body, etag = gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(body))
	return nil
}
