package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// seedSteps are the joins and departures of signatories the seeds state,
// between two dates each, with the date each relation starts or ends.
var seedSteps = []struct {
	from, to     string
	joined, left []string // "id@date"
	said         string   // what the seeds say
}{
	{"1994", "2000", []string{"commune-aix-en-provence@2000-05-19", "commune-la-ciotat@2000-05-19", "commune-les-pennes-mirabeau@2000-05-19",
		"commune-miramas@2000-05-19", "commune-port-de-bouc@2000-05-19", "commune-septemes-les-vallons@2000-05-19",
		"departement-13@2000-05-19", "fasild@2000-05-19", "region-sud@2000-05-19"}, nil,
		"seed 000: the convention \"à 12\" of 19 May 2000 after the three of 1994"},
	{"2000", "2006", []string{"commune-salon-de-provence@2006", "commune-vitrolles@2006"}, nil,
		"seed 000: \"renouvelée en 2006 et 2007, intégrant deux nouvelles communes\""},
	{"2006", "2015", []string{"cco@2015", "fail-13@2015", "ifac@2015", "leo-lagrange-mediterranee@2015", "ucs-13@2015"}, []string{"fasild@2014"},
		"seed 000: \"Les signataires passent à 18\" (14, less FASILD, and the five federations)"},
	{"2015", "2019", []string{"commune-arles@2017", "metropole-amp@2018", "carsat-sud-est@2019-01-01", "commune-tarascon@2019-01-01", "msa-provence-azur@2019-01-01"}, nil,
		"seed 000: 19 with Arles in 2017, 20 with the Métropole in 2018, 23 in 2019 with Tarascon, MSA and Carsat (Avenant n°1)"},
}

type diffAnswer struct {
	Diff struct {
		From, To      string
		RelationKinds []struct {
			Kind                    string
			Started, Ended, Changed int
		}
		Started, Ended []struct {
			Kind               string
			From               struct{ ID string }
			ValidFrom, ValidTo *string
			Sources            []struct{ Source struct{ ID string } }
		}
		Appeared, Disappeared []struct{ ID string }
	}
}

// TestDiffListsTheJoinersAndLeaversOfTheSeeds: between two dates, the
// signatory relations that started and ended are exactly those the seeds
// state, each with its date and sources, and the organizations that joined
// or left the signatory network are the nodes that appeared or disappeared.
func TestDiffListsTheJoinersAndLeaversOfTheSeeds(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, step := range seedSteps {
		t.Run(step.from+"-"+step.to, func(t *testing.T) {
			var a diffAnswer
			query(t, c, fmt.Sprintf(`{ diff(from: %q, to: %q, kinds: [SIGNATORY]) { from to
				relationKinds { kind started ended changed }
				started(first: 50) { kind from { id } validFrom sources { source { id } } }
				ended(first: 50) { kind from { id } validTo sources { source { id } } }
				appeared(first: 50) { id } disappeared(first: 50) { id } } }`, step.from, step.to), &a)
			d := a.Diff
			if d.From != step.from || d.To != step.to || len(d.RelationKinds) != 1 || d.RelationKinds[0].Kind != "SIGNATORY" || d.RelationKinds[0].Changed != 0 {
				t.Fatalf("diff %+v", d)
			}
			var joined, left, appeared, disappeared []string
			for _, r := range d.Started {
				joined = append(joined, r.From.ID+"@"+deref(r.ValidFrom))
				if len(r.Sources) == 0 || r.Kind != "SIGNATORY" {
					t.Errorf("%s joined without a source, or as %s", r.From.ID, r.Kind)
				}
			}
			for _, r := range d.Ended {
				left = append(left, r.From.ID+"@"+deref(r.ValidTo))
			}
			for _, n := range d.Appeared {
				appeared = append(appeared, n.ID)
			}
			for _, n := range d.Disappeared {
				disappeared = append(disappeared, n.ID)
			}
			sorted := func(s []string) []string { return slices.Sorted(slices.Values(s)) }
			if !slices.Equal(sorted(joined), sorted(step.joined)) || !slices.Equal(left, step.left) {
				t.Errorf("%s\n\tjoined %v\n\twant   %v\n\tleft %v, want %v", step.said, joined, step.joined, left, step.left)
			}
			if d.RelationKinds[0].Started != len(step.joined) || d.RelationKinds[0].Ended != len(step.left) {
				t.Errorf("counts %+v", d.RelationKinds[0])
			}
			ids := func(steps []string) []string {
				var out []string
				for _, s := range steps {
					id, _, _ := strings.Cut(s, "@")
					out = append(out, id)
				}
				return sorted(out)
			}
			if !slices.Equal(sorted(appeared), ids(step.joined)) || !slices.Equal(sorted(disappeared), ids(step.left)) {
				t.Errorf("appeared %v, disappeared %v; want the joiners and the leavers", appeared, disappeared)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "open"
	}
	return *s
}

// TestDiffOfTheWholeNetwork: without kinds every relation kind and node kind
// counts; the same dates both ways swap started and ended.
func TestDiffOfTheWholeNetwork(t *testing.T) {
	c := newClient(defaultDataset(t))
	var a struct {
		Forth, Back struct {
			RelationKinds []struct {
				Kind           string
				Started, Ended int
			}
			NodeKinds []struct {
				Kind                  string
				Appeared, Disappeared int
			}
			Started []struct{ Kind string }
		}
	}
	q := `{ kind started ended } nodeKinds { kind appeared disappeared } started(first: 500) { kind }`
	query(t, c, `{ forth: diff(from: "2015", to: "2019") { relationKinds `+q+` }
		back: diff(from: "2019", to: "2015") { relationKinds `+q+` } }`, &a)
	if len(a.Forth.RelationKinds) < 5 || len(a.Forth.RelationKinds) != len(a.Back.RelationKinds) {
		t.Fatalf("%d kinds changed one way, %d the other", len(a.Forth.RelationKinds), len(a.Back.RelationKinds))
	}
	var started []string
	for i, g := range a.Forth.RelationKinds {
		b := a.Back.RelationKinds[i]
		if g.Kind != b.Kind || g.Started != b.Ended || g.Ended != b.Started {
			t.Errorf("%s: %+v one way, %+v the other", g.Kind, g, b)
		}
		for range g.Started {
			started = append(started, g.Kind)
		}
	}
	var listed []string
	for _, r := range a.Forth.Started {
		listed = append(listed, r.Kind)
	}
	if !slices.Equal(listed, started) {
		t.Errorf("started lists the kinds %v, the counts say %v", listed, started)
	}
	for i, g := range a.Forth.NodeKinds {
		if b := a.Back.NodeKinds[i]; g.Appeared != b.Disappeared {
			t.Errorf("%s: %+v one way, %+v the other", g.Kind, g, b)
		}
	}
}

// TestCentralityAnswers: best first, ranks shared by ties, filters keep the
// ranks of the whole network, and a rank change is the difference of ranks.
func TestCentralityAnswers(t *testing.T) {
	c := newClient(defaultDataset(t))
	type score struct {
		Node  struct{ ID, Kind string }
		Score float64
		Rank  int
	}
	var a struct {
		All, Orgs []score
		Caf       []score
		Change    []struct {
			Node       struct{ ID string }
			From, To   *score
			RankChange *int
		}
	}
	kinds := `kinds: [SIGNATORY, MEMBER_OF, CHAIRS, FUNDS, DELIVERS, PARTY_TO]`
	query(t, c, `{ all: centrality(measure: DEGREE, asOf: "2019", `+kinds+`, first: 500) { node { id kind } score rank }
		orgs: centrality(measure: DEGREE, asOf: "2019", `+kinds+`, nodeKinds: [ORGANIZATION], first: 5) { node { id kind } score rank }
		caf: centrality(measure: DEGREE, asOf: "2019", `+kinds+`, ids: ["caf-13"]) { node { id kind } score rank }
		change: centralityChange(measure: DEGREE, from: "2015", to: "2019", `+kinds+`, first: 500) { node { id } from { score rank } to { score rank } rankChange } }`, &a)
	for i, s := range a.All {
		if i > 0 && (s.Score > a.All[i-1].Score || s.Score == a.All[i-1].Score && s.Rank != a.All[i-1].Rank || s.Score < a.All[i-1].Score && s.Rank != i+1) {
			t.Fatalf("ranking at %d: %+v after %+v", i, s, a.All[i-1])
		}
	}
	for _, o := range a.Orgs {
		if o.Node.Kind != "ORGANIZATION" {
			t.Errorf("nodeKinds kept %+v", o)
		}
		if i := slices.IndexFunc(a.All, func(s score) bool { return s.Node.ID == o.Node.ID }); i < 0 || a.All[i].Rank != o.Rank {
			t.Errorf("%s has rank %d among organizations, not its rank in the network", o.Node.ID, o.Rank)
		}
	}
	if len(a.Caf) != 1 || a.Caf[0].Node.ID != "caf-13" {
		t.Errorf("ids: %+v", a.Caf)
	}
	var next struct{ Page []score }
	query(t, c, `{ page: centrality(measure: DEGREE, asOf: "2019", `+kinds+`, first: 3, after: "`+a.All[2].Node.ID+`") { node { id kind } score rank } }`, &next)
	if fmt.Sprint(next.Page) != fmt.Sprint(a.All[3:6]) {
		t.Errorf("the page after %s is %+v, want %+v", a.All[2].Node.ID, next.Page, a.All[3:6])
	}
	moved := 0
	for _, ch := range a.Change {
		switch {
		case ch.From != nil && ch.To != nil:
			if ch.RankChange == nil || *ch.RankChange != ch.From.Rank-ch.To.Rank {
				t.Errorf("%s: from rank %d to %d, change %v", ch.Node.ID, ch.From.Rank, ch.To.Rank, ch.RankChange)
			}
			moved++
		case ch.RankChange != nil:
			t.Errorf("%s is absent at a date but has a rank change", ch.Node.ID)
		}
		if ch.Node.ID == "msa-provence-azur" && (ch.From != nil || ch.To == nil) {
			t.Errorf("MSA Provence Azur joined in 2019: %+v", ch)
		}
	}
	if moved == 0 {
		t.Error("no node is ranked at both dates")
	}
}

// TestCommunitiesAnswer: every node of the network in exactly one community,
// the largest first, the same answer twice.
func TestCommunitiesAnswer(t *testing.T) {
	c := newClient(defaultDataset(t))
	q := `{ communities(asOf: "2019", kinds: [SIGNATORY, MEMBER_OF, CHAIRS, FUNDS, DELIVERS, PARTY_TO]) {
		asOf modularity count communities(first: 50) { index size nodes(first: 100) { id } } membership(first: 500) { node { id } community } }
		centrality(measure: DEGREE, asOf: "2019", kinds: [SIGNATORY, MEMBER_OF, CHAIRS, FUNDS, DELIVERS, PARTY_TO], first: 500) { node { id } } }`
	type answer struct {
		Communities struct {
			AsOf        string
			Modularity  float64
			Count       int
			Communities []struct {
				Index, Size int
				Nodes       []struct{ ID string }
			}
			Membership []struct {
				Node      struct{ ID string }
				Community int
			}
		}
		Centrality []struct{ Node struct{ ID string } }
	}
	var a, again answer
	query(t, c, q, &a)
	query(t, c, q, &again)
	p := a.Communities
	if p.AsOf != "2019" || p.Count != len(p.Communities) || p.Count < 2 || p.Modularity <= 0.2 || p.Modularity > 1 {
		t.Fatalf("partition %+v", p)
	}
	seen := map[string]bool{}
	for i, cm := range p.Communities {
		if cm.Index != i+1 || cm.Size != len(cm.Nodes) || i > 0 && cm.Size > p.Communities[i-1].Size {
			t.Errorf("community %d: %+v", i, cm)
		}
		for _, n := range cm.Nodes {
			if seen[n.ID] {
				t.Errorf("%s in two communities", n.ID)
			}
			seen[n.ID] = true
		}
	}
	if len(seen) != len(a.Centrality) || len(p.Membership) != len(seen) {
		t.Errorf("%d nodes in communities, %d in the membership, %d in the network", len(seen), len(p.Membership), len(a.Centrality))
	}
	for _, m := range p.Membership {
		cm := p.Communities[m.Community-1]
		if !slices.ContainsFunc(cm.Nodes, func(n struct{ ID string }) bool { return n.ID == m.Node.ID }) {
			t.Errorf("membership puts %s in community %d, which lacks it", m.Node.ID, m.Community)
		}
	}
	if fmt.Sprint(a.Communities) != fmt.Sprint(again.Communities) {
		t.Error("the same network gave other communities")
	}
}

// TestOrganizationDegreesByKinds: counting only some kinds changes the
// degrees, and every degree is the sum of the relations of those kinds.
func TestOrganizationDegreesByKinds(t *testing.T) {
	c := newClient(defaultDataset(t))
	var a struct {
		Stats struct {
			All, Signatory []struct {
				Organization struct{ ID string }
				Degree       int
			}
		}
		Node struct {
			Relations struct{ TotalCount int }
		}
	}
	query(t, c, `{ stats(asOf: "2019") {
		all: organizationDegrees(first: 1) { organization { id } degree }
		signatory: organizationDegrees(first: 1, kinds: [SIGNATORY, CHAIRS]) { organization { id } degree } }
		node(id: "caf-13") { relations(kinds: [SIGNATORY, CHAIRS], asOf: "2019") { totalCount } } }`, &a)
	s := a.Stats.Signatory
	if len(s) != 1 || s[0].Organization.ID != "caf-13" || s[0].Degree != a.Node.Relations.TotalCount || s[0].Degree >= a.Stats.All[0].Degree {
		t.Errorf("degree by signatory and chairs: %+v (Caf relations of those kinds: %d); all kinds: %+v", s, a.Node.Relations.TotalCount, a.Stats.All)
	}
}

// TestAnalysisBadInput: bad dates, ids, measures and page sizes are
// BAD_USER_INPUT; aliases of the walks are refused before they run.
func TestAnalysisBadInput(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, q := range []string{
		`{ diff(from: "2015-13", to: "2019") { from } }`,
		`{ diff(from: "2015", to: "2019") { started(first: 501) { kind } } }`,
		`{ centrality(measure: EIGENVECTOR) { rank } }`,
		`{ centrality(measure: DEGREE, ids: ["Not An Id"]) { rank } }`,
		`{ centrality(measure: DEGREE, first: -1) { rank } }`,
		`{ centrality(measure: DEGREE, after: "no-such-node") { rank } }`,
		`{ centralityChange(measure: DEGREE, from: "2015", to: "2019", after: "Not An Id") { rankChange } }`,
		`{ centralityChange(measure: DEGREE, from: "2015", to: "sunday") { rankChange } }`,
		`{ communities { communities(first: 1000) { size } } }`,
		`{ stats { organizationDegrees(kinds: [FRIENDSHIP]) { degree } } }`,
	} {
		wantCode(t, c, domain.EBADINPUT, q)
	}
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 5 {
		fmt.Fprintf(&aliases, ` b%d: centrality(measure: BETWEENNESS, asOf: "%d") { rank }`, i, 2015+i)
	}
	aliases.WriteString(" }")
	wantCode(t, c, domain.ECOMPLEXITY, aliases.String())
	var many strings.Builder
	many.WriteString("{")
	for i := range 11 {
		fmt.Fprintf(&many, ` c%d: communities(asOf: "%d") { count }`, i, 2009+i)
	}
	many.WriteString(" }")
	wantCode(t, c, domain.ECOMPLEXITY, many.String())
}
