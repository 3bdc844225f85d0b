package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/consult-platform/consult/consultations"
)

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		s.log.Error("encode json", "error", err)
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decodeJSON reads exactly one JSON object into dst, refusing unknown
// fields, invalid UTF-8, wrong types and trailing data, and names the
// offending field in the error.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return invalidField("", "ErrContentTypeJSON")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge
		}
		return invalidField("", "ErrBodyUnreadable")
	}
	if !utf8.Valid(body) {
		return invalidField("", "ErrInvalidUTF8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return invalidField("", "ErrBodyEmpty")
		case errors.As(err, &se):
			return invalidFieldData("", "ErrJSONSyntax", map[string]any{"Offset": se.Offset})
		case errors.As(err, &te):
			return invalidFieldData(te.Field, "ErrJSONType", map[string]any{"Want": te.Type.String()})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return invalidField(name, "ErrUnknownField")
		case strings.Contains(err.Error(), "parsing time") || strings.Contains(err.Error(), "Time.UnmarshalJSON"):
			return invalidField(failingField(body, dst), "ErrTimeFormat")
		default:
			return invalidFieldData(failingField(body, dst), "ErrJSONInvalid", map[string]any{"Detail": fmt.Sprint(err)})
		}
	}
	// More alone misses a stray closing bracket ("{} }"): anything but
	// the end of the body after the object is refused.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidField("", "ErrJSONTrailing")
	}
	return nil
}

// failingField finds the top-level field of a JSON object that dst's type
// cannot take, for decoding errors that do not name it (a malformed time).
func failingField(body []byte, dst any) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		if json.Unmarshal(one, reflect.New(reflect.TypeOf(dst).Elem()).Interface()) != nil {
			return k
		}
	}
	return ""
}

func invalidField(field, messageID string) error { return invalidFieldData(field, messageID, nil) }

func invalidFieldData(field, messageID string, data map[string]any) error {
	e := &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: messageID, Data: data}}
	if field != "" {
		e.Fields = map[string]consultations.Message{field: {ID: messageID, Data: data}}
	}
	return e
}
