package server

import (
	"net/http"
	"strings"
	"testing"
)

func (c *webClient) getWithLanguage(path, acceptLanguage string) webPage {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	return c.do(req)
}

func TestExplicitLanguageChoiceBeatsAcceptLanguage(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	c.getWithLanguage("/", "fr-CH, fr;q=0.9").mustContain(t, `<html lang="fr" dir="ltr">`, "Donnez votre avis")
	c.get("/language?lang=ar&return=/").wantStatus(t, http.StatusSeeOther)
	c.getWithLanguage("/", "fr").mustContain(t, `<html lang="ar" dir="rtl">`, "شارك برأيك")
	// ?lang= shows one page in another language without changing the choice.
	c.getWithLanguage("/?lang=cy", "fr").mustContain(t, `<html lang="cy" dir="ltr">`, "Dweud eich dweud")
	c.getWithLanguage("/", "fr").mustContain(t, `<html lang="ar" dir="rtl">`)
}

func TestEveryPageLinksToItselfInEveryLanguage(t *testing.T) {
	e := newWebEnv(t)
	p := e.client().get("/consultations/" + demoPolicy + "?lang=de")
	p.mustContain(t, `<html lang="de" dir="ltr">`)
	for _, tag := range []string{"en", "fr", "de", "es", "it", "pt", "nl", "pl", "uk", "ar", "cy", "ja"} {
		p.mustContain(t, `<link rel="alternate" hreflang="`+tag+`" href="/consultations/`+demoPolicy+`?lang=`+tag+`">`)
	}
	// The switcher names each language in itself and returns to the page
	// without ?lang=, so that the choice made there sticks.
	p.mustContain(t, `lang="ja" dir="ltr">日本語</option>`, `lang="ar" dir="rtl">العربية</option>`,
		`name="return" value="/consultations/`+demoPolicy+`"`)
}

func TestDatesAndCountsAreWrittenInTheReadersLanguage(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	de := c.get("/consultations/" + demoPolicy + "?lang=de")
	if !strings.Contains(de.Body, " GMT<") && !strings.Contains(de.Body, " BST<") {
		t.Errorf("German page does not name the time zone after its times")
	}
	// Months German writes differently from English.
	for _, month := range []string{"January", "February", "March", "May", "June", "July", "October", "December"} {
		if strings.Contains(de.Body, month+" 20") {
			t.Errorf("German page has an English month: %s", month)
		}
	}
	ar := c.get("/?lang=ar")
	ar.mustContain(t, "تُغلق في")
}
