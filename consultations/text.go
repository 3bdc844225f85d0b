package consultations

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"sort"
)

// LocalText is a text in one or more languages, keyed by language tag.
type LocalText map[string]string

// Pick returns the text in lang if there is one, else in fallback, else in
// any language, and the tag of the language returned, so that a page can
// mark a fallback with its own lang attribute.
func (t LocalText) Pick(lang, fallback string) (string, string) {
	if s, ok := t[lang]; ok && s != "" {
		return s, lang
	}
	if s, ok := t[fallback]; ok && s != "" {
		return s, fallback
	}
	for _, tag := range t.Languages() {
		if t[tag] != "" {
			return t[tag], tag
		}
	}
	return "", lang
}

// Languages returns the tags that have text, sorted.
func (t LocalText) Languages() []string {
	tags := make([]string, 0, len(t))
	for tag, s := range t {
		if s != "" {
			tags = append(tags, tag)
		}
	}
	sort.Strings(tags)
	return tags
}

// Empty reports whether no language has text.
func (t LocalText) Empty() bool { return len(t.Languages()) == 0 }

// Value stores the text as a JSON object.
func (t LocalText) Value() (driver.Value, error) {
	if t == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(t))
	return string(b), err
}

// Scan reads a JSON object written by Value.
func (t *LocalText) Scan(src any) error {
	m := map[string]string{}
	if err := scanJSON(src, &m); err != nil {
		return err
	}
	*t = m
	return nil
}

// scanJSON decodes a JSON column (TEXT or BLOB; NULL leaves dst alone).
func scanJSON(src, dst any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), dst)
	case []byte:
		return json.Unmarshal(v, dst)
	case nil:
		return nil
	}
	return errors.New("scan JSON: unsupported column type")
}
