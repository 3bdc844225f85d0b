package server

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPublicPageShowsACommentPostedJustBefore(t *testing.T) {
	e := newWebEnv(t)
	reader, citizen := e.client(), e.client()
	citizen.signIn(demoCitizen)
	path := "/consultations/" + demoPolicy
	reader.get(path) // now cached
	reader.get(path)
	citizen.postComment(demoPolicy, url.Values{"body": {"A brand new point about crossings"}})
	if p := reader.get(path); !strings.Contains(p.Body, "A brand new point about crossings") {
		t.Fatal("a reader who is not signed in was served a page from before the new comment")
	}
}

func TestCachedPageIsNotSharedAcrossLanguages(t *testing.T) {
	c := newPageCache(time.Hour, 10)
	c.put("/x|en", &cachedPage{body: []byte("english"), lang: "en", consultationID: "c", created: time.Now()})
	if c.get("/x|fr", time.Now()) != nil {
		t.Fatal("a French reader got the English page")
	}
	if p := c.get("/x|en", time.Now()); p == nil || string(p.body) != "english" {
		t.Fatal("the English page was not cached")
	}
	c.invalidate("c")
	if c.get("/x|en", time.Now()) != nil {
		t.Fatal("a page survived a change to its consultation")
	}
}

func TestPagesWithFormTokensAreNeverCached(t *testing.T) {
	c := newPageCache(time.Hour, 10)
	c.put("/x|en", &cachedPage{body: []byte(`<input name="csrf_token" value="secret">`), lang: "en"})
	if c.get("/x|en", time.Now()) != nil {
		t.Fatal("a page with a CSRF token was cached")
	}
}
