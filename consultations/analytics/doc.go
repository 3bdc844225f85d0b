// Package analytics keeps participation figures for consultations and
// publishes them without exposing anyone.
//
// Figures are exact counts in the analytics_counts table, moved in the same
// transaction as the response, comment or support that changes them (the
// store calls the Tally this package provides), so a page never rescans
// responses. Recompute rebuilds them from the content when needed.
//
// Public figures go through small-cell suppression (suppress.go): counts
// from 1 to k-1 are shown as "<k", and further cells are withheld so that
// no hidden count can be worked out from the total and the other cells.
// Breakdowns are published once a consultation has closed, from a snapshot
// taken once, so that nobody can difference two versions of them; the
// figures over time are published in periods of at least k contributions.
//
// The package imports consultations and database, never server, and does
// not know moderation: a ModerationSource adapter supplies those figures.
package analytics
