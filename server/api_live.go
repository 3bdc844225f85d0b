package server

import (
	"bufio"
	"net"
	"net/http"
	"strconv"

	"github.com/consult-platform/consult/consultations"
	"github.com/gorilla/websocket"
)

var errWebSocketRequired = consultations.Errorf(consultations.EINVALID, "ErrWebSocketRequired")

// handleAPILive streams a consultation's live events over a websocket,
// after replaying those after ?since.
func (s *Server) handleAPILive(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		s.fail(w, r, errWebSocketRequired)
		return
	}
	if !s.sameOrigin(r) {
		s.fail(w, r, errForbiddenCrossOrigin)
		return
	}
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	since := int64(-1)
	if v := r.URL.Query().Get("since"); v != "" {
		if since, err = strconv.ParseInt(v, 10, 64); err != nil || since < 0 {
			s.fail(w, r, invalidField("since", "ErrSinceInvalid"))
			return
		}
	}
	s.hub.Serve(hijacker{w}, r, s.upgrader, c.ID, liveViewer(user(r)), since)
}

// hijacker reaches the connection under the middleware's wrappers, which
// gorilla/websocket needs as an http.Hijacker.
type hijacker struct{ http.ResponseWriter }

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(h.ResponseWriter).Hijack()
}
