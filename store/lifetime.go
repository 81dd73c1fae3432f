package store

import "strings"

// lifetimes say, for the kinds of node that have dates, when a node is part
// of the network: an event during its date (or its period) only, an agreement from its start
// (or signature) to its end, a body from its creation, a facility from its
// opening to its closure, a figure at its date, and so on. Nodes of
// other kinds (organizations, territories, people, ...) have no dates and
// are there at any time.
var lifetimes = map[Kind]struct {
	start []string // the earliest of these dates starts the node's life
	end   string   // this date ends it; "" for none
	point bool     // without an end, the node lasts only its start date (an event)
}{
	"event":     {start: []string{"date"}, end: "endDate", point: true},
	"agreement": {start: []string{"startDate", "signedAt"}, end: "endDate"},
	"amendment": {start: []string{"effectiveFrom", "signedAt"}},
	"article":   {start: []string{"effectiveFrom"}},
	"body":      {start: []string{"created"}},
	"programme": {start: []string{"started"}},
	"source":    {start: []string{"date"}},
	"facility":  {start: []string{"opened"}, end: "closed"},
	"figure":    {start: []string{"date"}, point: true}, // a figure holds at its date
}

// Lifetime is the interval during which a node is part of the network; an
// open end where its dates say nothing.
func (n *Node) Lifetime() Interval {
	lt, ok := lifetimes[n.Kind]
	if !ok {
		return Interval{}
	}
	var iv Interval
	for _, f := range lt.start {
		if d := n.DateField(f); !d.IsZero() && (iv.From.IsZero() || d.First().Before(iv.From.First())) {
			iv.From = d
		}
	}
	if lt.end != "" {
		iv.To = n.DateField(lt.end)
	}
	if lt.point && iv.To.IsZero() {
		iv.To = iv.From
	}
	return iv
}

// ExistsDuring reports whether the node is part of the network at some time
// during asOf. The zero asOf means any time.
func (n *Node) ExistsDuring(asOf Date) bool {
	return asOf.IsZero() || n.Lifetime().Meets(Interval{asOf, asOf})
}

// RelationID is a stable, readable identifier of a relation, unique in the
// graph: from, kind and to, then the start date and the organization acted
// for where a relation is one of several between the same nodes.
func RelationID(r *Relation) string {
	var b strings.Builder
	b.WriteString(r.From + ">" + string(r.Kind) + ">" + r.To)
	if !r.ValidFrom.IsZero() {
		b.WriteString("@" + r.ValidFrom.String())
	}
	if r.OnBehalfOf != "" {
		b.WriteString("/" + r.OnBehalfOf)
	}
	return b.String()
}
