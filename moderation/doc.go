// Package moderation keeps consultations lawful and civil, visibly fairly:
// the review queue, reports, decisions with their statements of reasons
// (category and explanation), appeals, suspensions, watched words, the
// screening of new submissions (rate limits, link limits, duplicates,
// near-duplicate campaigns) and the append-only audit log.
//
// It refers to content by kind and id and never imports the consultations
// package: what it needs from the content (reading a subject, changing its
// visibility, notifying its author) comes through the Content interface,
// with plain types, inside the caller's transaction. Screening of a new
// submission runs inside the transaction that stores it (Service.Screen).
package moderation
