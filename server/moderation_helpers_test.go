package server

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

var modSeq atomic.Int64

// uniqueText returns a text no other call returns, so that screening
// never takes it for a duplicate.
func uniqueText(prefix string) string {
	return prefix + " number " + strconv.FormatInt(modSeq.Add(1), 10) + " about speed limits near schools"
}

// reportedComment posts a fresh comment by the author on the demo policy
// consultation, has a citizen report it, and returns the comment and its
// queue item's id.
func (e *apiEnv) reportedComment() (*consultations.Comment, string) {
	e.t.Helper()
	cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: uniqueText("Reported")})
	if err := e.srv.mod.Report(context.Background(), actorOf(e.users[asCitizen]), moderation.KindComment, cm.ID, moderation.ReasonSpam, ""); err != nil {
		e.t.Fatal(err)
	}
	return cm, e.itemFor(cm.ID)
}

// itemFor returns a comment's open queue item, failing when there is none.
func (e *apiEnv) itemFor(commentID string) string {
	e.t.Helper()
	id, err := e.srv.mod.OpenItemFor(context.Background(), moderation.KindComment, commentID)
	if err != nil || id == "" {
		e.t.Fatalf("no open queue item for %s (%v)", commentID, err)
	}
	return id
}

// hiddenComment is a fresh comment by the author, hidden by the given
// role's moderator, with the decision's id.
func (e *apiEnv) hiddenComment(by string) (*consultations.Comment, string) {
	e.t.Helper()
	cm, item := e.reportedComment()
	d, err := e.srv.mod.Decide(context.Background(), actorOf(e.users[by]), item, hideSpam)
	if err != nil {
		e.t.Fatal(err)
	}
	return cm, d.ID
}

var hideSpam = moderation.DecisionInput{Action: "hide", Category: "spam", Explanation: "Advertising for a car dealer, unrelated to the consultation."}

// commentStatus reads a comment's status straight from the store.
func (e *apiEnv) commentStatus(id string) string {
	e.t.Helper()
	m, err := e.store.ModerationSubject(context.Background(), nil, "comment", id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m.Status
}
