package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostile are inputs that must come out as text, never as markup.
var hostile = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">click</a>`,
	`"><svg onload=alert(1)>`,
}

// rawMarkup are what would show that hostile input reached the page as HTML.
var rawMarkup = []string{"<script>alert", "<img src=x", "onerror=alert(1)>", `href="javascript:`, "<svg onload"}

func TestHostileTextIsRenderedEscaped(t *testing.T) {
	for _, evil := range hostile {
		t.Run(evil, func(t *testing.T) {
			e := newWebEnv(t)
			cl := e.client()
			cl.get("/register")
			cl.post("/register", url.Values{"email": {"evil@example.com"}, "password": {"long enough"}, "display_name": {"Eve " + evil}}).wantStatus(t, http.StatusSeeOther)
			cl.get("/")
			cl.postComment(demoPolicy, url.Values{"body": {"Comment " + evil}})
			cl.postComment(demoIdeas, url.Values{"kind": {"idea"}, "title": {"Idea " + evil}, "body": {"Body " + evil}})

			c := e.consultation(demoPolicy)
			text := c.Questions[3].ID
			cl.get("/consultations/" + demoPolicy + "/respond")
			check := cl.post("/consultations/"+demoPolicy+"/respond", url.Values{"action": {"check"}, answerField(text): {"Answer " + evil}})
			invalid := cl.post("/consultations/"+demoPolicy+"/respond", url.Values{"action": {"check"}, answerField(text): {"Answer " + evil}, answerField(c.Questions[0].ID): {evil}})

			pages := map[string]webPage{
				"policy page":      cl.get("/consultations/" + demoPolicy),
				"co-design page":   cl.get("/consultations/" + demoIdeas),
				"my contributions": cl.get("/me"),
				"check answers":    check,
				"invalid answers":  invalid,
				"sign-in return":   cl.get("/sign-in?return=" + url.QueryEscape(evil)),
				"register errors":  cl.post("/register", url.Values{"email": {evil}, "display_name": {evil}}),
			}
			for name, p := range pages {
				for _, raw := range rawMarkup {
					if strings.Contains(p.Body, raw) {
						t.Errorf("%s contains raw %q", name, raw)
					}
				}
			}
			if !strings.Contains(pages["check answers"].Body, "Answer &") {
				t.Errorf("check answers does not show the answer as text")
			}
		})
	}
}
