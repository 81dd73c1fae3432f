package model

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// Recorded is what the models read of the edit history.
type Recorded interface {
	History(ctx context.Context, t store.Target) ([]*store.Change, error)
	Relation(ctx context.Context, id string) (*domain.Relation, error)
}

type recordedKey struct{}

// WithRecorded gives ctx the history the models read (the operation's, or
// that of a knownAt field).
func WithRecorded(ctx context.Context, r Recorded) context.Context {
	return context.WithValue(ctx, recordedKey{}, r)
}

func recordedOf(ctx context.Context) Recorded {
	r, _ := ctx.Value(recordedKey{}).(Recorded)
	return r
}

// JSON is a JSON value, written to the response as it is stored.
type JSON []byte

// MarshalGQL writes the stored bytes.
func (j JSON) MarshalGQL(w io.Writer) { w.Write(j) }

// UnmarshalGQL refuses input: JSON is an output type.
func (j *JSON) UnmarshalGQL(v any) error {
	return domain.Errorf(domain.EBADINPUT, "JSON is an output type")
}

// Change is one entry of the edit history.
type Change struct{ C *store.Change }

// Changes wraps store changes.
func Changes(cs []*store.Change) []*Change {
	out := make([]*Change, len(cs))
	for i, c := range cs {
		out[i] = &Change{c}
	}
	return out
}

// Version is the data version the write produced.
func (c *Change) Version() int { return int(c.C.Version) }

// At is when it was recorded.
func (c *Change) At() time.Time { return c.C.At }

// Actor is who wrote.
func (c *Change) Actor() string { return c.C.Actor }

// Operation is what the write did.
func (c *Change) Operation() ChangeOperation { return enumOf[ChangeOperation](c.C.Operation) }

// Target is what the change is about.
func (c *Change) Target() *ChangeTarget { return &ChangeTarget{c.C.Target} }

// Before is the record before, nil for a creation.
func (c *Change) Before() JSON { return JSON(c.C.Before) }

// After is the record after, nil for a deletion.
func (c *Change) After() JSON { return JSON(c.C.After) }

// Reason says why.
func (c *Change) Reason() *string { return textPtr(c.C.Reason) }

// Sources are the write's citations.
func (c *Change) Sources() []*Citation { return citations(c.C.Sources) }

// ChangeTarget names a change's node or relation.
type ChangeTarget struct{ T store.Target }

// Type says whether it is a node or a relation.
func (t *ChangeTarget) Type() ChangeTargetType { return enumOf[ChangeTargetType](t.T.Type) }

// ID is the node's or relation's id.
func (t *ChangeTarget) ID() string { return t.T.ID }

// Node is the node as it stands now, nil when gone or not a node.
func (t *ChangeTarget) Node(ctx context.Context) (Node, error) {
	if t.T.Type != store.TargetNode {
		return nil, nil
	}
	n, err := loaders.For(ctx).Node(ctx, t.T.ID)
	return Wrap(n), err
}

// Relation is the relation as it stands now, nil when gone or not a relation.
func (t *ChangeTarget) Relation(ctx context.Context) (*Relation, error) {
	if t.T.Type != store.TargetRelation {
		return nil, nil
	}
	r, err := recordedOf(ctx).Relation(ctx, t.T.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Relation{R: r}, nil
}

// The connection of changes, bound by gqlgen to the schema's types.
type (
	ChangeConnection = Connection[*Change]
	ChangeEdge       = Edge[*Change]
)

// ChangeConnectionOf cuts a page of changes, oldest first.
func ChangeConnectionOf(changes []*store.Change, first *int, after *string) (*ChangeConnection, error) {
	args, err := PageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	args.Order = "changes"
	page, info, err := Cut(changes, store.ChangeCursor, false, args)
	if err != nil {
		return nil, err
	}
	nodes := make([]*Change, len(page.Items))
	for i, c := range page.Items {
		nodes[i] = &Change{c}
	}
	return &ChangeConnection{TotalCount: page.Total, PageInfo: info, Edges: NewEdges(nodes, page.Cursors), Nodes: nodes}, nil
}

// history resolves a history(first, after) field.
func history(ctx context.Context, t store.Target, first *int, after *string) (*ChangeConnection, error) {
	changes, err := recordedOf(ctx).History(ctx, t)
	if err != nil {
		return nil, err
	}
	return ChangeConnectionOf(changes, first, after)
}

// Version is the data version that last wrote the node.
func (b base) Version() int { return int(b.N.Version) }

// History is the node's edit history.
func (b base) History(ctx context.Context, first *int, after *string) (*ChangeConnection, error) {
	return history(ctx, store.Target{Type: store.TargetNode, ID: b.N.ID}, first, after)
}

// Version is the data version that last wrote the relation.
func (r *Relation) Version() int { return int(r.R.Version) }

// History is the relation's edit history.
func (r *Relation) History(ctx context.Context, first *int, after *string) (*ChangeConnection, error) {
	return history(ctx, store.Target{Type: store.TargetRelation, ID: domain.RelationID(r.R)}, first, after)
}

// MarshalDateTime writes a DateTime scalar: RFC 3339 in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano))) })
}

// UnmarshalDateTime reads a DateTime scalar: RFC 3339 with a time zone.
// Returns BAD_USER_INPUT otherwise.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.EBADINPUT, "invalid DateTime %q: give an RFC 3339 instant such as \"2025-03-01T00:00:00Z\"", domain.Prefix(s))
	}
	return t.UTC(), nil
}
