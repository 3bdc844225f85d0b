package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// gzipPool reuses compressors: BestSpeed keeps pages within their time
// budget while still shrinking HTML about fivefold for slow phones.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// writeBody sends body, gzipped when the client accepts it and it is big
// enough to be worth it. Headers must already be set, bar the encoding.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) < 1024 || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	out := bufPool.Get().(*bytes.Buffer)
	out.Reset()
	defer bufPool.Put(out)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(out)
	zw.Write(body)
	zw.Close()
	gzipPool.Put(zw)
	h.Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	w.Write(out.Bytes())
}
