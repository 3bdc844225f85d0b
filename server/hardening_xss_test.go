package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// xssBeacon is script that calls the test server home. The address is
// assembled at run time, so markup alone (an <img> that got through) can
// never reach it: only script that ran can.
func xssBeacon(n int) string { return fmt.Sprintf(`fetch('/__'+'xss?%d')`, n) }

// xssVectors returns the corpus, each vector preceded by a visible marker.
func xssVectors() []string {
	templates := []string{
		`<script>%s</script>`,
		`<img src=x onerror="%s">`,
		`<svg onload="%s">`,
		`<svg><script>%s</script></svg>`,
		`<body onload="%s">`,
		`<iframe srcdoc="<script>parent.%s</script>"></iframe>`,
		`<input autofocus onfocus="%s">`,
		`<details open ontoggle="%s">x</details>`,
		`<video><source onerror="%s"></video>`,
		`<audio src=x onerror="%s">`,
		`"><script>%s</script>`,
		`'><img src=x onerror="%s">`,
		`</textarea><script>%s</script>`,
		`</title><script>%s</script>`,
		`</script><script>%s</script>`,
		`<math><mtext><table><mglyph><style><img src=x onerror="%s">`,
		`<noscript><p title="</noscript><img src=x onerror=%s>">`,
		`<a href="javascript:%s" id=autoclick>link</a>`,
		`[link](javascript:%s)`,
		`<object data="javascript:%s"></object>`,
		`<embed src="javascript:%s">`,
		`<iframe src="javascript:%s"></iframe>`,
		`<meta http-equiv="refresh" content="0;url=javascript:%s">`,
		`<marquee onstart="%s">m</marquee>`,
		`<style onload="%s"></style>`,
		`<link rel=stylesheet href=x onerror="%s">`,
		`<form><button formaction="javascript:%s" autofocus onfocus="this.click()">b</button></form>`,
		`<div style="width:expression(%s)">`,
		`<img src="x" onerror&#61;"%s">`,
		`<img src=x o&#110;error="%s">`,
		`&lt;script&gt;%s&lt;/script&gt;`,
		`<scr<script>ipt>%s</scr</script>ipt>`,
		`<svg><animate onbegin="%s" attributeName=x dur=1s>`,
		`<template><script>%s</script></template><x is=t>`,
		`{{.Nonce}}<script nonce="{{.Nonce}}">%s</script>`,
		"\u202e<script>%s</script>",
	}
	out := make([]string, len(templates))
	for i, tmpl := range templates {
		out[i] = fmt.Sprintf("XSSMARK%d ", i) + fmt.Sprintf(tmpl, xssBeacon(i))
	}
	return out
}

// TestXSSCorpusRunsNoScriptInABrowser puts the corpus into every field
// people and staff write (comments, ideas, names, answers, consultation
// texts, outcome) and loads the pages that show them in headless Chromium,
// with the Content-Security-Policy removed, so that escaping and the
// sanitiser alone must hold: no script may run and no handler fire.
func TestXSSCorpusRunsNoScriptInABrowser(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil || testing.Short() {
		t.Skip("needs headless Chromium at " + chromium)
	}
	e := newWebEnv(t)
	ctx := context.Background()
	vectors := xssVectors()

	var mu sync.Mutex
	ran := map[string]bool{}
	snaps := map[string]string{}
	mux := http.NewServeMux()
	mux.HandleFunc("/__xss", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ran[r.URL.RawQuery] = true
		mu.Unlock()
	})
	mux.HandleFunc("/__snap/{name}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, snaps[r.PathValue("name")])
	})
	mux.Handle("/", withoutCSP(e.server))
	browserSite := httptest.NewServer(mux)
	defer browserSite.Close()

	// Citizens write the corpus into every field of theirs.
	cl := e.client()
	cl.get("/register")
	cl.post("/register", url.Values{"email": {"eve@example.com"}, "password": {"long enough"}, "display_name": {vectors[1][:min(len(vectors[1]), 60)]}}).wantStatus(t, http.StatusSeeOther)
	cl.get("/")
	for i, v := range vectors {
		if i%2 == 0 {
			cl.postComment(demoPolicy, url.Values{"body": {v}})
		} else {
			cl.postComment(demoIdeas, url.Values{"kind": {"idea"}, "title": {v[:min(len(v), 120)]}, "body": {v}})
		}
	}
	// Staff write it into a consultation's texts, and an outcome.
	joined := strings.Join(vectors, "\n\n")
	now := e.store.Now()
	var qs []consultations.QuestionDraft
	for i, v := range vectors[:6] {
		qs = append(qs, consultations.QuestionDraft{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": v}, Hint: consultations.LocalText{"en": vectors[i+6]},
			Options: []consultations.LocalText{{"en": vectors[i+12][:min(len(vectors[i+12]), 190)]}, {"en": "No"}}})
	}
	qs = append(qs, consultations.QuestionDraft{Kind: consultations.QuestionText, MaxLength: 5000, Prompt: consultations.LocalText{"en": "Anything?"}})
	d := consultations.Draft{
		Slug: "xss-corpus", Kind: consultations.KindPolicy, DefaultLocale: "en",
		Title: consultations.LocalText{"en": vectors[0][:min(len(vectors[0]), 190)]}, Summary: consultations.LocalText{"en": vectors[2]},
		Body: consultations.LocalText{"en": joined}, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(240 * time.Hour),
		Sections:  []consultations.SectionDraft{{Heading: consultations.LocalText{"en": vectors[3][:min(len(vectors[3]), 190)]}, Body: consultations.LocalText{"en": joined}}},
		Documents: []consultations.DocumentDraft{{Title: consultations.LocalText{"en": vectors[4][:min(len(vectors[4]), 190)]}, URL: "https://example.org/a.pdf"}},
		Questions: qs,
	}
	c, err := e.store.CreateConsultation(ctx, e.staff, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SetStatus(ctx, e.staff, c.ID, consultations.StatusOpen); err != nil {
		t.Fatal(err)
	}
	d.Slug = "xss-draft"
	draft, err := e.store.CreateConsultation(ctx, e.staff, d)
	if err != nil {
		t.Fatal(err)
	}
	textQ := ""
	if c, err = e.store.Consultation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range c.Questions {
		if q.Kind == consultations.QuestionText {
			textQ = q.ID
		}
	}
	cl.postComment("xss-corpus", url.Values{"body": {joined[:min(len(joined), 4000)]}})

	pages := map[string]string{
		"policy":    cl.get("/consultations/" + demoPolicy).Body,
		"ideas":     cl.get("/consultations/" + demoIdeas).Body,
		"corpus":    cl.get("/consultations/xss-corpus").Body,
		"respond":   cl.get("/consultations/xss-corpus/respond").Body,
		"checked":   cl.post("/consultations/xss-corpus/respond", url.Values{"action": {"check"}, answerField(textQ): {joined[:min(len(joined), 4000)]}}).Body,
		"me":        cl.get("/me").Body,
		"anonymous": e.client().get("/consultations/xss-corpus").Body,
	}
	staff := e.client()
	staff.signIn(demoStaff)
	pages["manage"] = staff.get("/manage/consultations/" + c.ID).Body
	pages["manage-edit"] = staff.get("/manage/consultations/" + draft.ID + "/edit").Body
	pages["manage-list"] = staff.get("/manage").Body

	for name, body := range pages {
		if !strings.Contains(body, "XSSMARK") {
			t.Errorf("page %s shows none of the corpus; the test would prove nothing there", name)
		}
		mu.Lock()
		snaps[name] = body
		mu.Unlock()
		dom, err := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--no-first-run", "--user-data-dir="+t.TempDir(), "--virtual-time-budget=3000",
			"--dump-dom", browserSite.URL+"/__snap/"+name).Output()
		if err != nil {
			t.Fatalf("chromium on %s: %v", name, err)
		}
		if !strings.Contains(string(dom), "XSSMARK") {
			t.Errorf("page %s: Chromium's document lacks the corpus text", name)
		}
	}
	// Late beacons (timers) have had the virtual time budget to fire.
	mu.Lock()
	defer mu.Unlock()
	for q := range ran {
		t.Errorf("script of XSS vector %s ran in the browser", q)
	}
}

// withoutCSP drops the Content-Security-Policy header, so the browser test
// checks escaping and sanitising on their own.
func withoutCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(noCSPWriter{w}, r)
	})
}

type noCSPWriter struct{ http.ResponseWriter }

func (w noCSPWriter) WriteHeader(code int) {
	w.Header().Del("Content-Security-Policy")
	w.ResponseWriter.WriteHeader(code)
}

func (w noCSPWriter) Write(b []byte) (int, error) {
	w.Header().Del("Content-Security-Policy")
	return w.ResponseWriter.Write(b)
}
