package consultations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
)

// recorder is a Publisher that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) Publish(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.Type)
	}
	return out
}

func TestConcurrentCommentsGetGapFreeSeqsPublishedInOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	rec := &recorder{}
	f.s.SetPublisher(rec)
	const n = 60
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: fmt.Sprintf("comment %d", i)}, IdemKey{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stored, complete, err := f.s.EventsSince(ctx, c.ID, 0)
	if err != nil || !complete {
		t.Fatalf("EventsSince(0) = complete %v, %v", complete, err)
	}
	// Seq 1 is the opening of the consultation.
	if len(stored) != n+1 {
		t.Fatalf("%d events stored; want %d", len(stored), n+1)
	}
	for i, e := range stored {
		if e.Seq != int64(i+1) {
			t.Fatalf("stored event %d has seq %d; want %d (no gaps)", i, e.Seq, i+1)
		}
	}
	if len(rec.events) != n {
		t.Fatalf("%d events published; want %d", len(rec.events), n)
	}
	for i, e := range rec.events {
		if e.Seq != int64(i+2) || e.Type != EventCommentCreated {
			t.Fatalf("published event %d = seq %d %s; want seq %d comment.created, in order", i, e.Seq, e.Type, i+2)
		}
	}
	if last, _ := f.s.LastSeq(ctx, c.ID); last != n+1 {
		t.Errorf("LastSeq = %d; want %d", last, n+1)
	}
}

func TestRolledBackChangePublishesNothingAndLeavesNoGap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	rec := &recorder{}
	f.s.SetPublisher(rec)
	failed := errors.New("something after the event failed")
	err := f.s.write(ctx, func(tx *sqlx.Tx) error {
		if err := f.s.RecordEvent(ctx, tx, c.ID, EventResponseCounted, map[string]int{"response_count": 99}, ""); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("write = %v; want the failure", err)
	}
	if len(rec.events) != 0 {
		t.Fatalf("a rolled-back change published %+v", rec.events)
	}
	if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "after"}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	if len(rec.events) != 1 || rec.events[0].Seq != 2 {
		t.Errorf("published %+v; want one event with seq 2 (the rolled-back number reused)", rec.events)
	}
}

func TestEachChangeRecordsItsEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("bus")
	d.Kind = KindCodesign
	c := f.open(t, d)
	rec := &recorder{}
	f.s.SetPublisher(rec)
	idea, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Kind: KindIdea, Title: "Night buses", Body: "Run them"}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	f.s.Support(ctx, f.citizen2, idea.ID, true)
	f.s.Support(ctx, f.citizen2, idea.ID, true) // no change, no event
	f.s.DeleteComment(ctx, f.citizen, idea.ID)
	f.s.SetStatus(ctx, f.staff, c.ID, StatusClosed)
	want := []string{EventCommentCreated, EventSupportChanged, EventCommentHidden, EventStatusChanged}
	if got := rec.types(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events = %v; want %v", got, want)
	}
	var created LiveComment
	json.Unmarshal(rec.events[0].Data, &created)
	if created.ID != idea.ID || created.Title != "Night buses" || created.AuthorName == "" {
		t.Errorf("comment.created data = %s", rec.events[0].Data)
	}
	if string(rec.events[1].Data) != fmt.Sprintf(`{"id":%q,"support_count":1}`, idea.ID) {
		t.Errorf("support.changed data = %s", rec.events[1].Data)
	}
	if string(rec.events[2].Data) != fmt.Sprintf(`{"comment_count":0,"id":%q,"parent_id":null,"status":"deleted"}`, idea.ID) {
		t.Errorf("comment.hidden data = %s; want the id and status, no text", rec.events[2].Data)
	}
	if string(rec.events[3].Data) != `{"status":"closed"}` {
		t.Errorf("status data = %s", rec.events[3].Data)
	}
}

func TestResponsesAndSchedulesRecordEvents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	rec := &recorder{}
	f.s.SetPublisher(rec)
	q := c.Questions
	if _, err := f.s.SubmitResponse(ctx, f.citizen, c.ID, NewResponse{Answers: []Answer{{QuestionID: q[0].ID, Text: "Because"}}}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	f.now = c.ClosesAt.Add(1)
	if _, err := f.s.AdvanceSchedules(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.types(); fmt.Sprint(got) != fmt.Sprint([]string{EventResponseCounted, EventStatusChanged}) {
		t.Fatalf("events = %v", got)
	}
	if string(rec.events[0].Data) != `{"response_count":1}` || string(rec.events[1].Data) != `{"status":"closed"}` {
		t.Errorf("data = %s, %s", rec.events[0].Data, rec.events[1].Data)
	}
}

func TestHeldCommentEventIsForItsAuthorOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("air")
	d.Premoderation = true
	c := f.open(t, d)
	rec := &recorder{}
	f.s.SetPublisher(rec)
	if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "held"}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PostComment(ctx, f.staff, c.ID, NewComment{Body: "staff speak freely"}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	if rec.events[0].Audience != f.citizen.ID || rec.events[1].Audience != "" {
		t.Errorf("audiences = %q, %q; want the author's id, then everyone", rec.events[0].Audience, rec.events[1].Audience)
	}
}

func TestModerationHelpersRecordHiddenAndRestored(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	cm, _ := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "rude words"}, IdemKey{})
	rec := &recorder{}
	f.s.SetPublisher(rec)
	for _, step := range []struct {
		status string
		record func(context.Context, *sqlx.Tx, string) error
	}{{"hidden", f.s.RecordCommentHidden}, {"published", f.s.RecordCommentRestored}} {
		err := f.s.write(ctx, func(tx *sqlx.Tx) error {
			if _, err := tx.Exec(f.s.q(`UPDATE comments SET status = ? WHERE id = ?`), step.status, cm.ID); err != nil {
				return err
			}
			return step.record(ctx, tx, cm.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.types(); fmt.Sprint(got) != fmt.Sprint([]string{EventCommentHidden, EventCommentRestored}) {
		t.Fatalf("events = %v", got)
	}
	var back LiveComment
	json.Unmarshal(rec.events[1].Data, &back)
	if back.Body != "rude words" || back.Status != CommentPublished {
		t.Errorf("restored data = %s; want the comment again", rec.events[1].Data)
	}
}

func TestCatchingUpFromPrunedOrFutureHistoryAsksForReload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	for i := 0; i < 3; i++ {
		f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "hello"}, IdemKey{})
	}
	cases := []struct {
		since        int64
		wantComplete bool
		wantN        int
	}{{0, true, 4}, {2, true, 2}, {4, true, 0}, {9, false, 0}}
	for _, tc := range cases {
		got, complete, err := f.s.EventsSince(ctx, c.ID, tc.since)
		if err != nil || complete != tc.wantComplete || len(got) != tc.wantN {
			t.Errorf("EventsSince(%d) = %d events, complete %v, %v; want %d, %v", tc.since, len(got), complete, err, tc.wantN, tc.wantComplete)
		}
	}
	f.now = f.now.Add(8 * 24 * 60 * 60e9)
	if err := f.s.PruneEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if _, complete, _ := f.s.EventsSince(ctx, c.ID, 1); complete {
		t.Error("EventsSince(1) after pruning says complete; want a reload")
	}
}
