package graph

import (
	"context"
	"strings"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// writer checks that the caller may write and returns who it is, as the
// history records it.
func (r *Resolver) writer(ctx context.Context) (string, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return "", err
	}
	if r.Writer == nil {
		return "", domain.Errorf(domain.EFORBIDDEN, "this server is read-only")
	}
	return auth.From(ctx).Name, nil
}

// meta is the history's record of who writes, why and on which sources.
func meta(actor string, reason *string, sources []domain.Citation) store.Meta {
	m := store.Meta{Actor: actor, Sources: sources}
	if reason != nil {
		m.Reason = strings.TrimSpace(*reason)
	}
	return m
}

func optText(m map[string]any, key string, probs *problems) *string {
	v := derefInput(m[key])
	if v == nil {
		return nil
	}
	s := text(v, "input."+key, probs)
	return &s
}

// expectedVersion reads an Int! expectedVersion.
func expectedVersion(v any, probs *problems) uint64 {
	i, err := intOf(v)
	if err != nil || i < 0 {
		probs.add("input.expectedVersion", "a version is a whole number, 0 or more")
	}
	return uint64(max(i, 0))
}

func (r *mutationResolver) createNode(ctx context.Context, input map[string]any) (*model.NodePayload, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	var probs problems
	id := text(input["id"], "input.id", &probs)
	if !domain.ValidID(id) {
		probs.add("input.id", "%q: use a-z, 0-9 and '-', 1 to 80 characters", domain.Prefix(id))
	}
	kind := domain.Kind(strings.ToLower(strings.ReplaceAll(text(input["kind"], "input.kind", &probs), "_", "-")))
	sources := citationsFromMap(input["sources"], "input.sources", &probs)
	n := &domain.Node{ID: id, Kind: kind, Sources: sources}
	rels := applyNodeInput(n, input, true, &probs)
	rels = append(rels, nodeRelations(id, input["relations"], sources, &probs)...)
	for _, rel := range rels {
		if rel.Sources == nil {
			rel.Sources = sources
		}
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	w, err := r.Writer.CreateNode(ctx, n, rels, meta(actor, optText(input, "reason", &probs), sources))
	if err != nil {
		return nil, err
	}
	return nodePayload(w), nil
}

// updateInput is what every update input holds: the target, the version it was
// read at, and the write's sources and reason.
type updateInput struct {
	id       string
	expected uint64
	meta     store.Meta
}

// readUpdate checks the caller and reads an update input's common fields.
func (r *mutationResolver) readUpdate(ctx context.Context, input map[string]any) (updateInput, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return updateInput{}, err
	}
	var probs problems
	u := updateInput{id: text(input["id"], "input.id", &probs), expected: expectedVersion(input["expectedVersion"], &probs)}
	u.meta = meta(actor, optText(input, "reason", &probs), citationsFromMap(input["sources"], "input.sources", &probs))
	return u, probs.err()
}

func (r *mutationResolver) updateNode(ctx context.Context, input map[string]any) (*model.NodePayload, error) {
	u, err := r.readUpdate(ctx, input)
	if err != nil {
		return nil, err
	}
	if !domain.ValidID(u.id) {
		return nil, domain.Errorf(domain.EBADINPUT, "input.id: %q is not a node id", domain.Prefix(u.id))
	}
	w, err := r.Writer.UpdateNode(ctx, u.id, u.expected, func(n *domain.Node) error {
		var probs problems
		applyNodeInput(n, input, false, &probs)
		return probs.err()
	}, u.meta)
	if err != nil {
		return nil, err
	}
	return nodePayload(w), nil
}

func (r *mutationResolver) deleteNode(ctx context.Context, input model.DeleteNodeInput) (*model.NodePayload, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkID(input.ID); err != nil {
		return nil, err
	}
	var probs problems
	sources := citationsFromMap(input.Sources, "input.sources", &probs)
	reason := text(input.Reason, "input.reason", &probs)
	if err := probs.err(); err != nil {
		return nil, err
	}
	withRelations := input.DeleteRelations != nil && *input.DeleteRelations
	w, err := r.Writer.DeleteNode(ctx, input.ID, uint64(max(input.ExpectedVersion, 0)), withRelations, meta(actor, &reason, sources))
	if err != nil {
		return nil, err
	}
	return nodePayload(w), nil
}

// nodePayload answers a node write: the node, its change (the last change
// of the node itself), and every change.
func nodePayload(w *store.Written) *model.NodePayload {
	p := &model.NodePayload{Node: model.Wrap(w.Node), Changes: model.Changes(w.Changes)}
	for _, c := range p.Changes {
		if c.C.Target.Type == store.TargetNode {
			p.Change = c
		}
	}
	return p
}

func relationPayload(w *store.Written) *model.RelationPayload {
	return &model.RelationPayload{Relation: &model.Relation{R: w.Relations[0]}, Change: &model.Change{C: w.Changes[len(w.Changes)-1]}}
}

func (r *mutationResolver) addRelation(ctx context.Context, in model.AddRelationInput) (*model.RelationPayload, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	var probs problems
	rel := &domain.Relation{Kind: model.StoreRelKind(in.Kind), From: in.From, To: in.To, Sources: citationsFromMap(in.Sources, "input.sources", &probs)}
	rel.ValidFrom, rel.ValidTo = or(in.ValidFrom, domain.Date{}), or(in.ValidTo, domain.Date{})
	rel.Role = text(or(in.Role, ""), "input.role", &probs)
	rel.Note = text(or(in.Note, ""), "input.note", &probs)
	rel.OnBehalfOf = or(in.OnBehalfOf, "")
	if err := probs.err(); err != nil {
		return nil, err
	}
	w, err := r.Writer.AddRelation(ctx, rel, meta(actor, in.Reason, rel.Sources))
	if err != nil {
		return nil, err
	}
	return relationPayload(w), nil
}

func (r *mutationResolver) updateRelation(ctx context.Context, input map[string]any) (*model.RelationPayload, error) {
	u, err := r.readUpdate(ctx, input)
	if err != nil {
		return nil, err
	}
	w, err := r.Writer.UpdateRelation(ctx, u.id, u.expected, store.OpUpdateRelation, func(rel *domain.Relation) error {
		var probs problems
		if _, ok := input["validTo"]; ok {
			rel.ValidTo = dateFromMap(input, "validTo")
		}
		if v, ok := input["role"]; ok {
			rel.Role = text(v, "input.role", &probs)
		}
		if v, ok := input["note"]; ok {
			rel.Note = text(v, "input.note", &probs)
		}
		return probs.err()
	}, u.meta)
	if err != nil {
		return nil, err
	}
	return relationPayload(w), nil
}

func (r *mutationResolver) endRelation(ctx context.Context, in model.EndRelationInput) (*model.RelationPayload, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	var probs problems
	sources := citationsFromMap(in.Sources, "input.sources", &probs)
	if err := probs.err(); err != nil {
		return nil, err
	}
	w, err := r.Writer.UpdateRelation(ctx, in.ID, uint64(max(in.ExpectedVersion, 0)), store.OpEndRelation, func(rel *domain.Relation) error {
		rel.ValidTo = in.ValidTo
		return nil
	}, meta(actor, in.Reason, sources))
	if err != nil {
		return nil, err
	}
	return relationPayload(w), nil
}

func (r *mutationResolver) deleteRelation(ctx context.Context, in model.DeleteRelationInput) (*model.RelationPayload, error) {
	actor, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	w, err := r.Writer.DeleteRelation(ctx, in.ID, uint64(max(in.ExpectedVersion, 0)), meta(actor, &in.Reason, nil))
	if err != nil {
		return nil, err
	}
	return relationPayload(w), nil
}

// changes resolves the root changes field.
func (r *queryResolver) changes(ctx context.Context, q store.ChangeQuery, kinds []model.NodeKind, first *int, after *string) (*model.ChangeConnection, error) {
	if len(kinds) > model.MaxPageSize {
		return nil, domain.Errorf(domain.EBADINPUT, "kinds: at most %d", model.MaxPageSize)
	}
	for _, k := range kinds {
		q.Kinds = append(q.Kinds, model.StoreKind(k))
	}
	all, err := r.reader(ctx).Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	return model.ChangeConnectionOf(all, first, after)
}
