// Package static embeds Consult's CSS, JavaScript and icons and serves
// them under content-hashed names, so browsers may cache them for a year
// and still see every change.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed files
var files embed.FS

// Asset is one embedded file, with its gzipped form precomputed.
type Asset struct {
	Name string // e.g. "app.css"
	URL  string // e.g. "/static/app.3f2a9c1b.css"
	Type string
	Body []byte
	Gzip []byte
	Hash string
}

// Assets serves the embedded files. It is read-only after New.
type Assets struct {
	byName map[string]*Asset
	byURL  map[string]*Asset
}

// New reads and hashes every embedded file.
func New() (*Assets, error) {
	a := &Assets{byName: map[string]*Asset{}, byURL: map[string]*Asset{}}
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(name)
		asset := &Asset{
			Name: name, Body: body, Hash: hash,
			URL:  "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext,
			Type: mime.TypeByExtension(ext),
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			asset.Gzip = buf.Bytes()
		}
		a.byName[name] = asset
		a.byURL[asset.URL] = asset
		return nil
	})
	return a, err
}

// URL returns the hashed URL of the named file, or "" if there is none.
func (a *Assets) URL(name string) string {
	if asset, ok := a.byName[name]; ok {
		return asset.URL
	}
	return ""
}

// Get returns the named asset.
func (a *Assets) Get(name string) (*Asset, bool) {
	asset, ok := a.byName[name]
	return asset, ok
}

// ServeHTTP serves a hashed URL with a year-long immutable cache lifetime.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	asset, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", asset.Type)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+asset.Hash+`"`)
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == `"`+asset.Hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := asset.Body
	if asset.Gzip != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = asset.Gzip
	}
	w.Write(body)
}
