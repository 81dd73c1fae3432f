package domain

import "strings"

// Lifetime says, for a kind of node that has dates, when a node is part of
// the network: an event during its date (or its period) only, an agreement
// from its start (or signature) to its end, a body from its creation, and so
// on. Kinds without one (organizations, territories, people, ...) are there
// at any time.
type Lifetime struct {
	Start []string // the earliest of these date fields starts the node's life
	End   string   // this date field ends it; "" for none
	Point bool     // without an end, the node lasts only its start date (an event)
}

// Lifetime is the interval during which a node is part of the network; an
// open end where its dates say nothing.
func (n *Node) Lifetime() Interval {
	info, ok := KindOf(n.Kind)
	if !ok || info.Lifetime == nil {
		return Interval{}
	}
	lt := info.Lifetime
	var iv Interval
	for _, f := range lt.Start {
		if d := n.DateField(f); !d.IsZero() && (iv.From.IsZero() || d.First().Before(iv.From.First())) {
			iv.From = d
		}
	}
	if lt.End != "" {
		iv.To = n.DateField(lt.End)
	}
	if lt.Point && iv.To.IsZero() {
		iv.To = iv.From
	}
	return iv
}

// ExistsDuring reports whether the node is part of the network at some time
// during asOf. The zero asOf means any time.
func (n *Node) ExistsDuring(asOf Date) bool {
	return asOf.IsZero() || n.Lifetime().Meets(Interval{asOf, asOf})
}

// sortDates are the date fields a node's main date is read from, first found
// first, across kinds.
var sortDates = []string{"startDate", "signedAt", "date", "created", "started", "effectiveFrom"}

// SortDate is the node's main date as a sortable string ("" when none): its
// first day, then the date as written (a tie-break between precisions).
func (n *Node) SortDate() string {
	for _, f := range sortDates {
		if d := n.DateField(f); !d.IsZero() {
			return d.First().Format("2006-01-02") + d.String()
		}
	}
	return ""
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
