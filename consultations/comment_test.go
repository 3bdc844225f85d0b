package consultations

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCommentOnClosedConsultationIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	f.s.SetStatus(ctx, f.staff, c.ID, StatusClosed)
	_, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "too late"}, IdemKey{})
	wantCode(t, err, ECLOSED)
	got, _ := f.s.Consultation(ctx, c.ID)
	if got.CommentCount != 0 {
		t.Errorf("comment count = %d after a refused comment; want 0", got.CommentCount)
	}
}

func TestCommentAfterClosingTimeIsRefusedEvenIfStatusSaysOpen(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, f.draft("air"))
	f.now = c.ClosesAt.Add(time.Second) // the scheduler has not run yet
	_, err := f.s.PostComment(context.Background(), f.citizen, c.ID, NewComment{Body: "late"}, IdemKey{})
	wantCode(t, err, ECLOSED)
}

func TestPremoderatedCommentIsSeenOnlyByItsAuthor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("air")
	d.Premoderation = true
	c := f.open(t, d)
	cm, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "held please"}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Status != CommentPending {
		t.Fatalf("status = %q; want pending", cm.Status)
	}
	mine, _, _ := f.s.ThreadPage(ctx, f.citizen, c.ID, "", 50)
	theirs, _, _ := f.s.ThreadPage(ctx, f.citizen2, c.ID, "", 50)
	public, _, _ := f.s.CommentPage(ctx, c.ID, "", 50)
	if len(mine) != 1 || len(theirs) != 0 || len(public) != 0 {
		t.Errorf("author sees %d, another citizen %d, public list %d; want 1, 0, 0", len(mine), len(theirs), len(public))
	}
}

func TestRepliesNestUnderTheirThread(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	top, _ := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "top", Stance: StanceFor}, IdemKey{})
	r1, err := f.s.PostComment(ctx, f.citizen2, c.ID, NewComment{Body: "reply", ParentID: top.ID}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "reply to reply", ParentID: r1.ID}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	threads, _, _ := f.s.ThreadPage(ctx, nil, c.ID, "", 50)
	if len(threads) != 1 || len(threads[0].Replies) != 2 {
		t.Fatalf("threads = %+v; want one thread with two replies", threads)
	}
	if threads[0].Replies[1].Depth != 2 {
		t.Errorf("depth of reply to reply = %d; want 2", threads[0].Replies[1].Depth)
	}
	_, err = f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "x", ParentID: top.ID, Stance: StanceAgainst}, IdemKey{})
	wantCode(t, err, EINVALID) // replies take no stance
}

func TestReplyToAnotherConsultationsCommentIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.open(t, f.draft("air"))
	b := f.open(t, f.draft("water"))
	top, _ := f.s.PostComment(ctx, f.citizen, a.ID, NewComment{Body: "on a"}, IdemKey{})
	_, err := f.s.PostComment(ctx, f.citizen, b.ID, NewComment{Body: "on b", ParentID: top.ID}, IdemKey{})
	wantCode(t, err, EINVALID)
}

func TestNobodyDeletesAnotherPersonsComment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	cm, _ := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "mine"}, IdemKey{})
	for _, u := range []*User{f.citizen2, f.staff, f.admin} {
		wantCode(t, f.s.DeleteComment(ctx, u, cm.ID), EFORBIDDEN)
	}
	if err := f.s.DeleteComment(ctx, f.citizen, cm.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Comment(ctx, nil, cm.ID)
	if got.Status != CommentDeleted || got.Body != "" {
		t.Errorf("after delete: status %q body %q; want deleted and empty", got.Status, got.Body)
	}
	cons, _ := f.s.Consultation(ctx, c.ID)
	if cons.CommentCount != 0 {
		t.Errorf("comment count = %d; want 0 after deletion", cons.CommentCount)
	}
}

func TestIdempotencyKeyStoresACommentOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	key := IdemKey{Scope: "user:" + f.citizen.ID, Key: "k1"}
	first, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "once"}, key)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "once"}, key)
	if err != ErrIdempotentReplay {
		t.Fatalf("retry = %v; want ErrIdempotentReplay", err)
	}
	id, ok, _ := f.s.RetriedComment(ctx, f.citizen, c.ID, key.Key)
	if !ok || id != first.ID {
		t.Errorf("RetriedComment = %q, %v; want %s", id, ok, first.ID)
	}
	if id, ok, _ := f.s.RetriedComment(ctx, f.citizen, c.Slug, key.Key); !ok || id != first.ID {
		t.Errorf("RetriedComment by slug = %q, %v; want %s", id, ok, first.ID)
	}
	page, _, _ := f.s.CommentPage(ctx, c.ID, "", 10)
	if len(page) != 1 {
		t.Errorf("%d comments stored; want 1", len(page))
	}
	// The key belongs to its author and consultation only.
	other := f.open(t, f.draft("water"))
	if _, err := f.s.PostComment(ctx, f.citizen, other.ID, NewComment{Body: "once"}, key); err != nil {
		t.Errorf("the same key in another consultation: %v; want a new comment", err)
	}
	if _, err := f.s.PostComment(ctx, f.citizen2, c.ID, NewComment{Body: "once"}, key); err != nil {
		t.Errorf("the same key from another person: %v; want a new comment", err)
	}
	if _, ok, _ := f.s.RetriedComment(ctx, f.citizen2, other.ID, key.Key); ok {
		t.Error("another person's key was found for someone who never used it there")
	}
}

func TestSupportCountsOncePerAccount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("bus")
	d.Kind = KindCodesign
	c := f.open(t, d)
	idea, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Kind: KindIdea, Title: "Night buses", Body: "Run them"}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if n, err := f.s.Support(ctx, f.citizen2, idea.ID, true); err != nil || n != 1 {
			t.Fatalf("support #%d = %d, %v; want 1", i+1, n, err)
		}
	}
	if n, _ := f.s.Support(ctx, f.citizen, idea.ID, true); n != 2 {
		t.Errorf("second supporter gives %d; want 2", n)
	}
	if n, _ := f.s.Support(ctx, f.citizen2, idea.ID, false); n != 1 {
		t.Errorf("after withdrawal %d; want 1", n)
	}
}

func TestIdeasNeedATitleAndACodesignThread(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	policy := f.open(t, f.draft("air"))
	_, err := f.s.PostComment(ctx, f.citizen, policy.ID, NewComment{Kind: KindIdea, Title: "t", Body: "b"}, IdemKey{})
	wantCode(t, err, EINVALID)
	d := f.draft("bus")
	d.Kind = KindCodesign
	cd := f.open(t, d)
	_, err = f.s.PostComment(ctx, f.citizen, cd.ID, NewComment{Kind: KindIdea, Body: "no title"}, IdemKey{})
	wantCode(t, err, EINVALID)
}

func TestCommentTextIsStoredWithoutMarkup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	cm, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: `Hi <script>alert(1)</script><b onclick="x()">bold</b> see https://example.org/a?b=1`}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cm.Body, "<") || strings.Contains(cm.BodyHTML, "<script") || strings.Contains(cm.BodyHTML, "onclick") {
		t.Errorf("body %q html %q; want no markup", cm.Body, cm.BodyHTML)
	}
	if !strings.Contains(cm.BodyHTML, `<a href="https://example.org/a?b=1" rel="nofollow noreferrer">`) {
		t.Errorf("html %q; want a nofollow link", cm.BodyHTML)
	}
}
