package server

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/opinion"
)

// opinionVoteView is the citizen's voting page: one statement at a time.
type opinionVoteView struct {
	C        *consultations.Consultation
	Title    string
	Map      *opinion.Map
	Open     bool
	Next     *opinion.Statement
	Voted    int
	Total    int
	Mine     []votedStatement
	Standing *opinion.Standing
	// StandingLetter names the group the participant is closest to.
	StandingLetter string
	Body           string // a statement typed but not added
	Inline         string
	Dup            *opinion.Statement
}

type votedStatement struct {
	opinion.Statement
	Vote int
}

// opinionTarget finds the consultation by slug and its opinion map.
func (s *Server) opinionTarget(r *http.Request) (*consultations.Consultation, *opinion.Map, error) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		return nil, nil, err
	}
	m, err := s.opinion.Map(r.Context(), c.ID)
	return c, m, err
}

func (s *Server) opinionVoteView(r *http.Request, c *consultations.Consultation, m *opinion.Map) (*opinionVoteView, error) {
	title, _ := c.Title.Pick(reqOf(r).loc.Tag, c.DefaultLocale)
	v := &opinionVoteView{C: c, Title: title, Map: m, Open: c.AcceptsInput(s.store.Now())}
	u := user(r)
	if u == nil {
		return v, nil
	}
	ctx := r.Context()
	var err error
	if v.Next, err = s.opinion.Next(ctx, u.ID, c.ID); err != nil {
		return nil, err
	}
	if v.Voted, v.Total, err = s.opinion.Progress(ctx, u.ID, c.ID); err != nil {
		return nil, err
	}
	mine, err := s.opinion.MyVotes(ctx, u.ID, c.ID)
	if err != nil {
		return nil, err
	}
	if len(mine) > 0 {
		all, _, err := s.opinion.Statements(ctx, c.ID, false, "", 500)
		if err != nil {
			return nil, err
		}
		for _, st := range all {
			if vote, ok := mine[st.ID]; ok {
				v.Mine = append(v.Mine, votedStatement{st, vote})
			}
		}
	}
	if v.Standing, err = s.opinion.Standing(ctx, u, c.ID); err != nil {
		return nil, err
	}
	if v.Standing != nil && v.Standing.Group >= 0 {
		v.StandingLetter = groupLetter(v.Standing.Group)
	}
	return v, nil
}

func (s *Server) handleOpinionVotePage(w http.ResponseWriter, r *http.Request) {
	c, m, err := s.opinionTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.opinionVoteView(r, c, m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "opinion-vote", s.newPage(r, reqOf(r).loc.T("OpinionVoteTitle", map[string]any{"Title": v.Title}), v))
}

var voteValues = map[string]int{"agree": opinion.Agree, "disagree": opinion.Disagree, "pass": opinion.Pass}

// handleOpinionVote takes a vote from the form's three buttons, then
// shows the next statement (post/redirect/get).
func (s *Server) handleOpinionVote(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.opinionTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/consultations/" + c.Slug + "/opinion"
	if user(r) == nil {
		http.Redirect(w, r, signInURL(back), http.StatusSeeOther)
		return
	}
	vote, ok := voteValues[r.PostFormValue("vote")]
	if !ok {
		s.fail(w, r, invalidField("vote", "ErrOpinionVoteInvalid"))
		return
	}
	if err := s.opinion.Vote(r.Context(), user(r), r.PostFormValue("statement_id"), vote); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("changed") == "1" {
		back += "#voted"
	} else {
		back += "#statement"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// handleOpinionStatementPost adds a participant's statement, or shows the
// page again with the text kept and the error (with a link to the
// existing statement when it repeats one).
func (s *Server) handleOpinionStatementPost(w http.ResponseWriter, r *http.Request) {
	c, m, err := s.opinionTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/consultations/" + c.Slug + "/opinion"
	if user(r) == nil {
		http.Redirect(w, r, signInURL(back), http.StatusSeeOther)
		return
	}
	body := r.PostFormValue("body")
	_, err = s.opinion.AddStatement(r.Context(), user(r), c.ID, opinion.NewStatement{Body: body, Locale: reqOf(r).loc.Tag})
	if err == nil {
		http.Redirect(w, r, back+"?added=1#add-statement", http.StatusSeeOther)
		return
	}
	code, status, _, _ := classify(err)
	if code != consultations.EINVALID && code != consultations.ECONFLICT && code != consultations.ECLOSED && code != consultations.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	v, verr := s.opinionVoteView(r, c, m)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	v.Body = body
	p := s.newPage(r, reqOf(r).loc.T("ErrorPrefix")+" "+reqOf(r).loc.T("OpinionVoteTitle", map[string]any{"Title": v.Title}), v)
	if id, _, ok := opinion.DuplicateOf(err); ok {
		v.Dup, _ = s.opinion.Statement(r.Context(), user(r), id)
	}
	p.Errors, _ = s.formErrors(r, err, []string{"body"})
	for i := range p.Errors {
		p.Errors[i].Field = "statement-body"
	}
	if len(p.Errors) > 0 {
		v.Inline = p.Errors[0].Message
	}
	s.render(w, r, status, "opinion-vote", p)
}

// opinionReportView is the public report page.
type opinionReportView struct {
	C       *consultations.Consultation
	Title   string
	Report  *opinion.Report
	Groups  map[int]groupLook
	Map     template.HTML
	LiveSeq int64
}

// groupLook is how a group is told apart: a name, a shape and a pattern,
// never colour alone.
type groupLook struct {
	Name    string
	Shape   string
	Pattern string
}

var groupShapes = []string{"circle", "square", "triangle", "diamond", "cross"}
var groupPatterns = []string{"solid", "hatch", "dots", "lines", "grid"}

func (s *Server) groupLooks(r *http.Request, rep *opinion.Report) map[int]groupLook {
	loc := reqOf(r).loc
	out := map[int]groupLook{}
	for i, g := range rep.Groups {
		if g.ID == opinion.OtherGroup {
			out[g.ID] = groupLook{Name: loc.T("OpinionGroupOther"), Shape: "ring", Pattern: "none"}
			continue
		}
		out[g.ID] = groupLook{Name: loc.T("OpinionGroupName", map[string]any{"Letter": groupLetter(g.ID)}),
			Shape: groupShapes[i%len(groupShapes)], Pattern: groupPatterns[i%len(groupPatterns)]}
	}
	return out
}

func (s *Server) opinionReportView(r *http.Request, c *consultations.Consultation) (*opinionReportView, error) {
	seq, err := s.store.LastSeq(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	rep, err := s.opinion.Report(r.Context(), user(r), c.ID)
	if err != nil {
		return nil, err
	}
	title, _ := c.Title.Pick(reqOf(r).loc.Tag, c.DefaultLocale)
	v := &opinionReportView{C: c, Title: title, Report: rep, LiveSeq: seq}
	if rep != nil {
		v.Groups = s.groupLooks(r, rep)
		v.Map = opinionSVG(rep, v.Groups)
	}
	return v, nil
}

func (s *Server) handleOpinionReportPage(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.opinionTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.opinionReportView(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, reqOf(r).loc.T("OpinionReportTitle", map[string]any{"Title": v.Title}), v)
	if r.URL.Query().Get("fragment") == "1" {
		// The live script swaps this in when "opinion.updated" arrives.
		t := s.pages.pages["opinion-report"]
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		if err := t.ExecuteTemplate(buf, "opinion-report-body", p); err != nil {
			s.fail(w, r, err)
			return
		}
		s.sendHTML(w, r, http.StatusOK, p.Lang, buf.Bytes())
		return
	}
	s.render(w, r, http.StatusOK, "opinion-report", p)
}

// opinionSVG draws the map: each cell of participants as its group's
// shape filled with its group's pattern, sized by how many sit there.
// Only numbers and fixed names go in; the text alternative is the
// summary and tables around it.
func opinionSVG(rep *opinion.Report, looks map[int]groupLook) template.HTML {
	const size, pad = 320.0, 16.0
	most := 1
	for _, cell := range rep.Map {
		most = max(most, cell.Count)
	}
	var b strings.Builder
	for _, cell := range rep.Map {
		look := looks[cell.Group]
		x := pad + cell.X*(size-2*pad)
		y := pad + cell.Y*(size-2*pad)
		rad := 3 + 7*math.Sqrt(float64(cell.Count)/float64(most))
		fill := fmt.Sprintf(`url(#op-%s)`, look.Pattern)
		if look.Pattern == "none" {
			fill = "none"
		}
		cls := fmt.Sprintf(`class="op-g%d"`, (cell.Group%5+5)%5)
		if cell.Group == opinion.OtherGroup {
			cls = `class="op-other"`
		}
		switch look.Shape {
		case "square":
			fmt.Fprintf(&b, `<rect %s x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, cls, x-rad, y-rad, 2*rad, 2*rad, fill)
		case "triangle":
			fmt.Fprintf(&b, `<polygon %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, cls, x, y-rad*1.2, x+rad*1.1, y+rad*0.8, x-rad*1.1, y+rad*0.8, fill)
		case "diamond":
			fmt.Fprintf(&b, `<polygon %s points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, cls, x, y-rad*1.3, x+rad*1.3, y, x, y+rad*1.3, x-rad*1.3, y, fill)
		case "cross":
			t := rad * 0.45
			fmt.Fprintf(&b, `<path %s d="M%.1f %.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fz" fill="%s"/>`, cls,
				x-t, y-rad, 2*t, rad-t, rad-t, 2*t, -(rad - t), rad-t, -2*t, -(rad - t), -(rad - t), -2*t, fill)
		default:
			fmt.Fprintf(&b, `<circle %s cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>`, cls, x, y, rad, fill)
		}
	}
	return template.HTML(b.String())
}

// groupLetter names a group by its stable id: A, B, C…
func groupLetter(id int) string { return string(rune('A' + id%26)) }
