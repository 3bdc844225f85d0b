// Package consultations holds Consult's domain: organisations and the
// people in them, consultations with their sections, documents and
// questions, responses, comments, co-design ideas and supports, and the
// published outcome. Every state change takes the acting user and checks
// what that user may do; the SQL that keeps the domain lives beside it.
package consultations
