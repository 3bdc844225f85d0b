// Package opinion is the opinion map of a consultation or co-design
// thread, in the manner of Pol.is: participants vote agree, disagree or
// pass on short statements, one at a time, and the votes are grouped into
// opinion groups, with the statements that set each group apart, those
// that all groups agree on, and those that divide them.
//
// The method (method.go, pca.go, kmeans.go, stats.go) is plain Go over an
// in-memory vote matrix and is checked against Pol.is's own groups on
// real conversations (see docs/OPINION-MAP.md). The Store keeps maps,
// statements and votes in the database and recomputes groups in the
// background (engine.go), never on the request path.
//
// The package imports consultations (for consultations, users, errors and
// live events) and database; it never imports server.
package opinion
