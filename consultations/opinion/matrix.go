package opinion

import (
	"slices"
	"strings"
)

// Vote values, as Pol.is numbers them.
const (
	Agree    = 1
	Disagree = -1
	Pass     = 0
)

// Matrix is a sparse participant × statement vote matrix in compressed
// rows: the votes of participant i are Col[Start[i]:Start[i+1]] (statement
// indices) with values Val[…]. Statements are 0..Statements-1; removed
// statements are simply left out by whoever builds the matrix.
type Matrix struct {
	Participants []string // participant ids, by row
	Statements   int
	Start        []int32
	Col          []int32
	Val          []int8
}

// Votes returns the number of votes in the matrix.
func (m *Matrix) Votes() int { return len(m.Col) }

// Count returns how many statements participant i voted on.
func (m *Matrix) Count(i int) int { return int(m.Start[i+1] - m.Start[i]) }

// MatrixBuilder collects votes in any order and builds a Matrix. A later
// vote by the same participant on the same statement replaces the earlier
// one, as a changed vote does.
type MatrixBuilder struct {
	statements int
	index      map[string]int32
	ids        []string
	votes      []cell
}

type cell struct {
	row, col int32
	val      int8
}

// NewMatrixBuilder starts a matrix over the given number of statements.
func NewMatrixBuilder(statements, expectedVotes int) *MatrixBuilder {
	return &MatrixBuilder{statements: statements, index: map[string]int32{}, votes: make([]cell, 0, expectedVotes)}
}

// Add records participant's vote on statement (an index below the
// builder's statement count; others are ignored).
func (b *MatrixBuilder) Add(participant string, statement int, vote int) {
	if !b.valid(statement, vote) {
		return
	}
	row, ok := b.index[participant]
	if !ok {
		row = b.newRow(participant)
	}
	b.votes = append(b.votes, cell{row, int32(statement), int8(vote)})
}

// addRaw is Add for a participant id in a buffer that will be reused: it
// is copied only when the participant is new.
func (b *MatrixBuilder) addRaw(participant []byte, statement int, vote int) {
	if !b.valid(statement, vote) {
		return
	}
	row, ok := b.index[string(participant)]
	if !ok {
		row = b.newRow(string(participant))
	}
	b.votes = append(b.votes, cell{row, int32(statement), int8(vote)})
}

func (b *MatrixBuilder) valid(statement, vote int) bool {
	return statement >= 0 && statement < b.statements && vote >= -1 && vote <= 1
}

func (b *MatrixBuilder) newRow(participant string) int32 {
	row := int32(len(b.ids))
	b.index[participant] = row
	b.ids = append(b.ids, participant)
	return row
}

// sortParticipants numbers the participants in the order of their ids
// rather than of their first vote, so that the matrix (and the groups,
// whose k-means seeding follows the rows) does not depend on the order in
// which the database returned the votes.
func (b *MatrixBuilder) sortParticipants() {
	order := make([]int32, len(b.ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(b.ids[x], b.ids[y]) })
	rank := make([]int32, len(order))
	ids := make([]string, len(order))
	for r, old := range order {
		rank[old] = int32(r)
		ids[r] = b.ids[old]
		b.index[ids[r]] = int32(r)
	}
	b.ids = ids
	for i := range b.votes {
		b.votes[i].row = rank[b.votes[i].row]
	}
}

// Build returns the matrix; the builder must not be used afterwards.
func (b *MatrixBuilder) Build() *Matrix {
	n := len(b.ids)
	m := &Matrix{Participants: b.ids, Statements: b.statements, Start: make([]int32, n+1)}
	// Counting sort by row keeps each row's votes in arrival order, so the
	// last of duplicate votes can win below.
	for _, v := range b.votes {
		m.Start[v.row+1]++
	}
	for i := 0; i < n; i++ {
		m.Start[i+1] += m.Start[i]
	}
	col := make([]int32, len(b.votes))
	val := make([]int8, len(b.votes))
	next := append([]int32(nil), m.Start[:n]...)
	for _, v := range b.votes {
		col[next[v.row]], val[next[v.row]] = v.col, v.val
		next[v.row]++
	}
	// Drop earlier duplicates within each row (last vote wins).
	seen := make([]int32, b.statements) // row+1 that last saw the column
	pos := make([]int32, b.statements)
	out := int32(0)
	for i := 0; i < n; i++ {
		lo, hi := m.Start[i], m.Start[i+1]
		m.Start[i] = out
		for k := lo; k < hi; k++ {
			c := col[k]
			if seen[c] == int32(i+1) {
				val[pos[c]] = val[k]
				continue
			}
			seen[c], pos[c] = int32(i+1), out
			col[out], val[out] = c, val[k]
			out++
		}
	}
	m.Start[n] = out
	m.Col, m.Val = col[:out], val[:out]
	b.votes = nil
	return m
}
