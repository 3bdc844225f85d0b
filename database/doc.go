// Package database opens Consult's SQL database, applies its embedded
// migrations and serialises writes through a group-commit batcher.
//
// It is the one place that knows which SQL dialect is in use. Both domain
// packages (consultations and moderation) build on it; neither imports the
// other, so the shared plumbing lives here rather than in either of them.
package database
