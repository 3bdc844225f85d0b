package server

import (
	"net/http"
	"strings"
)

// maxImportBytes bounds a Pol.is export uploaded to the staff import form:
// real conversations' votes.csv run to megabytes (3.2 MB for 54,000
// votes), far over the limit every other request gets. Multipart files
// over 32 MB are spooled to temporary files while parsed, not held in
// memory.
const maxImportBytes = 64 << 20

// bodyLimit is how many bytes the body of r may hold.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && isOpinionImport(r.URL.Path) {
		return max(maxImportBytes, s.cfg.MaxBodyBytes)
	}
	return s.cfg.MaxBodyBytes
}

// isOpinionImport matches /manage/consultations/{id}/opinion/import (the
// limit applies before routing, so without path values).
func isOpinionImport(path string) bool {
	id, ok := strings.CutPrefix(path, "/manage/consultations/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/opinion/import")
	return ok && id != "" && !strings.Contains(id, "/")
}
