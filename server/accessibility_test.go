package server

import (
	"strings"
	"testing"
)

func TestAccessibilityStatementIsLinkedFromEveryPage(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	home := c.get("/")
	if !strings.Contains(home.Body, `href="/accessibility"`) {
		t.Fatal("the footer does not link to the accessibility statement")
	}
	p := c.get("/accessibility")
	if p.Status != 200 {
		t.Fatalf("GET /accessibility = %d", p.Status)
	}
	for _, want := range []string{"Accessibility statement", "WCAG 2.2", "Known gaps", "Report a problem"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("statement lacks %q", want)
		}
	}
	ar := c.get("/accessibility?lang=ar")
	if !strings.Contains(ar.Body, `dir="rtl"`) || !strings.Contains(ar.Body, "بيان إمكانية الوصول") {
		t.Error("the Arabic statement is not in Arabic, right to left")
	}
}
