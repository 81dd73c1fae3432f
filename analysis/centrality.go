package analysis

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/traverse"

	"github.com/cccs13/cccs-graph/domain"
)

// Measure is a centrality measure. Each is computed on the Network, the
// simple undirected graph of the snapshot; the definitions are NetworkX's
// defaults on that graph (nx.Graph), so its numbers can be checked there.
type Measure string

// Measures.
const (
	// Degree is the number of distinct neighbours (not divided by n-1).
	Degree Measure = "degree"
	// Betweenness is the share of shortest paths between two other nodes
	// that pass through the node, summed over the pairs and divided by the
	// number of pairs, (n-1)(n-2)/2: nx.betweenness_centrality, normalized.
	Betweenness Measure = "betweenness"
	// Closeness is (r-1)/(sum of distances to the r-1 nodes it reaches),
	// scaled by (r-1)/(n-1) so that a node of a small component does not
	// look central (Wasserman and Faust): nx.closeness_centrality.
	Closeness Measure = "closeness"
	// PageRank is the stationary share of a random walk that follows an
	// edge with probability 0.85 and jumps anywhere otherwise; the scores
	// sum to 1: nx.pagerank with its defaults, each edge both ways.
	PageRank Measure = "pagerank"
)

// Measures lists the measures.
var Measures = []Measure{Degree, Betweenness, Closeness, PageRank}

const (
	damping = 0.85
	// pageRankTolerance ends PageRank's iterations: the 2-norm of a step.
	// Far above rounding noise (scores sum to 1), so it is always reached.
	pageRankTolerance = 1e-13
	// digits is the significant digits a score keeps: PageRank starts from
	// a random vector, and betweenness sums in floating point, so the last
	// bits differ between runs; rounded scores are equal where the exact
	// ones are, and ties rank alike.
	digits = 6
)

// Score is a node's centrality and its rank: 1 for the best, equal scores
// sharing a rank (1, 2, 2, 4).
type Score struct {
	Node  *domain.Node
	Score float64
	Rank  int
}

// Ranking is every node of a network with its score, best first, ties by
// node id.
type Ranking struct {
	Measure Measure
	Scores  []Score
	at      map[string]int // index in Scores by node id
}

// Rank returns the score of a node, false when the network lacks it.
func (r *Ranking) Rank(id string) (Score, bool) {
	i, ok := r.at[id]
	if !ok {
		return Score{}, false
	}
	return r.Scores[i], true
}

// centrality computes a measure on the network. Returns EBADINPUT for an
// unknown measure and the errors of the limits.
func (n *Network) centrality(ctx context.Context, m Measure, lim Limits) (*Ranking, error) {
	var scores []float64
	var err error
	switch m {
	case Degree:
		scores = n.degrees()
	case Betweenness:
		scores, err = n.betweenness(ctx, lim)
	case Closeness:
		scores, err = n.closeness(ctx, lim)
	case PageRank:
		scores, err = n.pageRank(ctx, lim)
	default:
		return nil, domain.Errorf(domain.EBADINPUT, "unknown centrality measure %.40q", m)
	}
	if err != nil {
		return nil, err
	}
	return n.rank(m, scores), nil
}

func (n *Network) degrees() []float64 {
	out := make([]float64, n.Order())
	for i, vs := range n.g.from {
		out[i] = float64(len(vs))
	}
	return out
}

func (n *Network) betweenness(ctx context.Context, lim Limits) ([]float64, error) {
	if err := lim.checkPaths(n); err != nil {
		return nil, err
	}
	var raw map[int64]float64
	if err := bounded(ctx, func() { raw = network.Betweenness(n.g) }); err != nil {
		return nil, err
	}
	// gonum counts each pair from both ends: the pairs are (n-1)(n-2).
	out := make([]float64, n.Order())
	if k := n.Order(); k > 2 {
		for id, b := range raw {
			out[id] = b / float64((k-1)*(k-2))
		}
	}
	return out, nil
}

// closeness walks breadth first from every node, checking ctx between walks.
func (n *Network) closeness(ctx context.Context, lim Limits) ([]float64, error) {
	if err := lim.checkPaths(n); err != nil {
		return nil, err
	}
	k := n.Order()
	out := make([]float64, k)
	var bfs traverse.BreadthFirst
	for u := range k {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		reached, sum := 0, 0
		bfs.Reset()
		bfs.Walk(n.g, n.g.Node(int64(u)), func(_ graph.Node, depth int) bool {
			reached, sum = reached+1, sum+depth
			return false
		})
		if sum > 0 {
			r := float64(reached - 1)
			out[u] = r / float64(sum) * r / float64(k-1)
		}
	}
	return out, nil
}

func (n *Network) pageRank(ctx context.Context, lim Limits) ([]float64, error) {
	if err := lim.checkSize(n); err != nil {
		return nil, err
	}
	out := make([]float64, n.Order())
	if len(out) == 0 {
		return out, nil
	}
	var raw map[int64]float64
	if err := bounded(ctx, func() { raw = network.PageRankSparse(n.g, damping, pageRankTolerance) }); err != nil {
		return nil, err
	}
	for id, p := range raw {
		out[id] = p
	}
	return out, nil
}

// rank sorts the nodes by rounded score, best first, ties by id.
func (n *Network) rank(m Measure, scores []float64) *Ranking {
	r := &Ranking{Measure: m, Scores: make([]Score, len(scores))}
	for i, s := range scores {
		r.Scores[i] = Score{Node: n.Snap.Nodes[i], Score: round(s)}
	}
	slices.SortFunc(r.Scores, func(a, b Score) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Node.ID, b.Node.ID))
	})
	r.at = make(map[string]int, len(r.Scores))
	for i := range r.Scores {
		r.at[r.Scores[i].Node.ID] = i
		if i > 0 && r.Scores[i].Score == r.Scores[i-1].Score {
			r.Scores[i].Rank = r.Scores[i-1].Rank
		} else {
			r.Scores[i].Rank = i + 1
		}
	}
	return r
}

// round keeps the significant digits of a score.
func round(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	return v
}
