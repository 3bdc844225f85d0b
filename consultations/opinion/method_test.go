package opinion

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestLaterVoteReplacesEarlierOne(t *testing.T) {
	b := NewMatrixBuilder(2, 4)
	b.Add("ann", 0, Agree)
	b.Add("bob", 1, Disagree)
	b.Add("ann", 0, Disagree)
	b.Add("ann", 1, Pass)
	m := b.Build()
	if m.Votes() != 3 {
		t.Fatalf("votes = %d; want 3", m.Votes())
	}
	if m.Count(0) != 2 || m.Val[m.Start[0]] != Disagree {
		t.Errorf("ann's votes = %v on %v; want her latest, disagree, on statement 0", m.Val[m.Start[0]:m.Start[1]], m.Col[m.Start[0]:m.Start[1]])
	}
}

// twoCamps has two camps of n participants who vote opposite ways on
// every statement, plus some who share nothing (too few votes to group).
func twoCamps(n, statements int, swap map[int]bool) (*Matrix, []string) {
	b := NewMatrixBuilder(statements, 2*n*statements)
	for i := 0; i < 2*n; i++ {
		camp := i % 2
		if swap[i] {
			camp = 1 - camp
		}
		for j := 0; j < statements; j++ {
			v := Agree
			if (j%2 == 0) != (camp == 0) {
				v = Disagree
			}
			if (i+j)%5 == 0 {
				v = Pass
			}
			b.Add("p"+strconv.Itoa(i), j, v)
		}
	}
	b.Add("newcomer", 0, Agree)
	ids := make([]string, statements)
	for j := range ids {
		ids[j] = "s" + strconv.Itoa(j)
	}
	return b.Build(), ids
}

func TestTwoOpposedCampsMakeTwoGroups(t *testing.T) {
	m, ids := twoCamps(30, 12, nil)
	res := Analyse(m, ids, nil, Options{})
	if res.K != 2 {
		t.Fatalf("k = %d; want 2", res.K)
	}
	if res.Grouped != 60 || res.Voters != 61 {
		t.Errorf("grouped %d of %d voters; want 60 of 61 (one has too few votes)", res.Grouped, res.Voters)
	}
	byPerson := map[string]int{}
	for _, p := range res.Points {
		byPerson[p.Participant] = p.Group
	}
	for i := 2; i < 60; i++ {
		same := byPerson["p"+strconv.Itoa(i)] == byPerson["p"+strconv.Itoa(i%2)]
		if !same {
			t.Fatalf("p%d is not grouped with its camp", i)
		}
	}
	for _, g := range res.Groups {
		if len(g.Representative) == 0 {
			t.Errorf("group %d has no representative statement", g.ID)
		}
	}
	if len(res.Divisive) == 0 {
		t.Error("no divisive statements between camps that disagree on everything")
	}
}

func TestGroupsKeepTheirIDsFromOneRunToTheNext(t *testing.T) {
	m, ids := twoCamps(30, 12, nil)
	first := Analyse(m, ids, nil, Options{})
	// Two people change camp; the groups are still mostly the same people.
	m2, _ := twoCamps(30, 12, map[int]bool{2: true, 3: true})
	second := Analyse(m2, ids, first, Options{})
	group := func(r *Result, who string) int {
		for _, p := range r.Points {
			if p.Participant == who {
				return p.Group
			}
		}
		return -1
	}
	for _, who := range []string{"p0", "p1", "p10", "p11"} {
		if a, b := group(first, who), group(second, who); a != b {
			t.Errorf("%s was in group %d, now %d; want the same id", who, a, b)
		}
	}
}

func TestClosestGroupFollowsTheVotes(t *testing.T) {
	m, ids := twoCamps(30, 12, nil)
	res := Analyse(m, ids, nil, Options{})
	var camp0 int
	for _, p := range res.Points {
		if p.Participant == "p0" {
			camp0 = p.Group
		}
	}
	// Votes like camp 0 (agree on even statements, disagree on odd ones).
	g, ok := res.Closest(map[int]int{0: Agree, 1: Disagree, 2: Agree})
	if !ok || g != camp0 {
		t.Errorf("Closest = %d, %v; want camp 0's group %d", g, ok, camp0)
	}
}

func TestAdjustedRandIndex(t *testing.T) {
	cases := []struct {
		a, b []int
		want float64
	}{
		{[]int{0, 0, 1, 1}, []int{5, 5, 7, 7}, 1},
		{[]int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
	}
	for _, c := range cases {
		if got := adjustedRand(c.a, c.b); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("adjustedRand(%v, %v) = %v; want %v", c.a, c.b, got, c.want)
		}
	}
}

// The database returns a map's votes in no fixed order (and SQLite and
// PostgreSQL differ); the matrix, and so the groups, must not depend on it.
func TestMatrixDoesNotDependOnTheOrderOfVotes(t *testing.T) {
	type v struct {
		p    string
		s, x int
	}
	votes := []v{{"b", 0, 1}, {"a", 1, -1}, {"c", 0, 0}, {"a", 0, 1}, {"b", 2, -1}, {"c", 1, 1}}
	build := func(order []int) *Matrix {
		b := NewMatrixBuilder(3, len(votes))
		for _, i := range order {
			b.addRaw([]byte(votes[i].p), votes[i].s, votes[i].x)
		}
		b.sortParticipants()
		return b.Build()
	}
	want := build([]int{0, 1, 2, 3, 4, 5})
	got := build([]int{5, 3, 1, 4, 2, 0})
	if strings.Join(want.Participants, ",") != "a,b,c" || strings.Join(got.Participants, ",") != "a,b,c" {
		t.Fatalf("participants %v and %v; want a,b,c in both", want.Participants, got.Participants)
	}
	for i := range want.Participants {
		w, g := map[int32]int8{}, map[int32]int8{}
		for k := want.Start[i]; k < want.Start[i+1]; k++ {
			w[want.Col[k]] = want.Val[k]
		}
		for k := got.Start[i]; k < got.Start[i+1]; k++ {
			g[got.Col[k]] = got.Val[k]
		}
		if fmt.Sprint(w) != fmt.Sprint(g) {
			t.Errorf("participant %s: votes %v in one order, %v in the other", want.Participants[i], w, g)
		}
	}
}
