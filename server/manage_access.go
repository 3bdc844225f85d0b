package server

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/i18n"
)

var errStaffOnly = consultations.Errorf(consultations.EFORBIDDEN, "ErrManageStaffOnly")

// staffOnly returns the signed-in staff member or admin. Anyone else gets
// the sign-in page (signed out) or a 403, and ok is false.
func (s *Server) staffOnly(w http.ResponseWriter, r *http.Request) (*consultations.User, bool) {
	u := user(r)
	switch {
	case u == nil:
		s.fail(w, r, errSignInRequired)
		return nil, false
	case !u.IsStaff():
		s.fail(w, r, errStaffOnly)
		return nil, false
	}
	return u, true
}

// managedConsultation loads the consultation named in the URL if the user
// may manage it; the store decides, answering 404 for other
// organisations' unpublished consultations and 403 for their public ones.
func (s *Server) managedConsultation(w http.ResponseWriter, r *http.Request) (*consultations.Consultation, bool) {
	u, ok := s.staffOnly(w, r)
	if !ok {
		return nil, false
	}
	c, err := s.store.Manageable(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return c, true
}

// orgLocation is the time zone staff of an organisation think in.
func orgLocation(o *consultations.Organisation) *time.Location {
	if o != nil {
		if loc, err := time.LoadLocation(o.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// manageErrorStatus reports whether err is one a form shows in its error
// summary (bad input, a conflict such as a taken address or a refused
// status change) rather than on an error page.
func manageFormError(err error) bool {
	switch consultations.ErrorCode(err) {
	case consultations.EINVALID, consultations.ECONFLICT, consultations.ECLOSED:
		return true
	}
	return false
}

// mergeProblems adds what the form itself found to the store's error,
// the form's findings first (they say why the store saw a blank).
func mergeProblems(err error, p consultations.Problems) error {
	if len(p) == 0 {
		return err
	}
	merged := consultations.Problems{}
	for k, m := range p {
		merged[k] = m
	}
	if e, ok := err.(*consultations.Error); ok {
		for k, m := range e.Fields {
			merged.Add(k, m.ID, m.Data)
		}
	}
	return merged.Err()
}

// localizedField matches the error keys of fields written per language,
// with an option's index at the end for choice lists.
var localizedField = regexp.MustCompile(`^(title|summary|body|sections\.\d+\.(?:heading|body)|documents\.\d+\.title|questions\.\d+\.(?:prompt|hint|options)|decisions\.\d+\.(?:asked|said|did))(?:\.\d+)?$`)

// anchorErrors points each error at the element that shows it: a field
// written per language at its main-language input, a choice option at the
// question's option list (the inline message moves there too), and any
// key in extra at the id it names. Each summary entry is prefixed with
// the field's name, since one message ("This is required.") may be about
// many fields; inline messages stand beside their field and need none.
func anchorErrors(loc *i18n.Localizer, summary []fieldError, inline map[string]string, mainLang string, extra map[string]string) []fieldError {
	for i, e := range summary {
		if e.Field == "" {
			continue
		}
		if label := fieldLabel(loc, e.Field, extra); label != "" {
			summary[i].Message = loc.T("ManageErrorIn", map[string]any{"Field": label, "Message": e.Message})
		}
		if id, ok := extra[e.Field]; ok {
			summary[i].Field = id
			continue
		}
		if m := localizedField.FindStringSubmatch(e.Field); m != nil {
			if m[1] != e.Field {
				if _, taken := inline[m[1]]; !taken {
					inline[m[1]] = inline[e.Field]
				}
			}
			summary[i].Field = m[1] + "-" + mainLang
		}
	}
	return summary
}

var listField = regexp.MustCompile(`^(sections|documents|questions|decisions)\.(\d+)\.([a-z_]+)`)

// fieldLabel names a field of the staff forms for the error summary:
// "Title", "Section 2 heading". Keys that are not form fields (question
// ids on the assisted form) are named by extra's "label:" entries.
func fieldLabel(loc *i18n.Localizer, key string, extra map[string]string) string {
	if l, ok := extra["label:"+key]; ok {
		return l
	}
	id := "ManageLabel_" + key
	var data map[string]any
	if m := listField.FindStringSubmatch(key); m != nil {
		n, _ := strconv.Atoi(m[2])
		id, data = "ManageLabel_"+m[1]+"_"+m[3], map[string]any{"N": n + 1}
	}
	if l := loc.T(id, data); l != id {
		return l
	}
	return ""
}

// langInfo is a content language as the forms show it.
type langInfo struct {
	Tag  string
	Name string
	Dir  string
	Main bool
}

// contentLanguages are offered for writing consultations, named in
// themselves; the interface languages are added to them.
var contentLanguages = [][2]string{
	{"en", "English"}, {"cy", "Cymraeg"}, {"ga", "Gaeilge"}, {"gd", "Gàidhlig"}, {"fr", "Français"},
	{"de", "Deutsch"}, {"es", "Español"}, {"it", "Italiano"}, {"pt", "Português"}, {"nl", "Nederlands"},
	{"pl", "Polski"}, {"ro", "Română"}, {"uk", "Українська"}, {"ru", "Русский"}, {"tr", "Türkçe"},
	{"el", "Ελληνικά"}, {"ar", "العربية"}, {"fa", "فارسی"}, {"ur", "اردو"}, {"he", "עברית"},
	{"hi", "हिन्दी"}, {"bn", "বাংলা"}, {"pa", "ਪੰਜਾਬੀ"}, {"so", "Soomaali"}, {"zh", "中文"},
}

func (s *Server) langName(tag string) string {
	for _, l := range contentLanguages {
		if l[0] == tag {
			return l[1]
		}
	}
	for _, l := range s.i18n.Languages() {
		if l.Tag == tag {
			return l.Name
		}
	}
	return tag
}

// langInfos describes tags, marking main.
func (s *Server) langInfos(tags []string, main string) []langInfo {
	out := make([]langInfo, len(tags))
	for i, t := range tags {
		out[i] = langInfo{Tag: t, Name: s.langName(t), Dir: i18n.Dir(t), Main: t == main}
	}
	return out
}

// langChoices lists every offered language (and those in use), leaving
// out the tags in skip.
func (s *Server) langChoices(inUse []string, skip []string) []langInfo {
	var tags []string
	add := func(t string) {
		if !containsString(tags, t) && !containsString(skip, t) {
			tags = append(tags, t)
		}
	}
	for _, l := range contentLanguages {
		add(l[0])
	}
	for _, l := range s.i18n.Languages() {
		add(l.Tag)
	}
	for _, t := range inUse {
		add(t)
	}
	return s.langInfos(tags, "")
}
