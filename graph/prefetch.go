package graph

import (
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// The planner resolves fields one after another, so a loader waiting for
// a batch (loaders.Wait) would wait once per element of a list. Before it
// writes the result of a field that read, it gathers what the selection
// under it will read (the generated gather functions follow the fields that
// do not read, and note the objects whose selected fields do) and reads
// that in one store call per kind: relation lists with their ends, geometries,
// cited nodes. The resolvers then find everything in the loaders' caches.

// gathered is what one selection will read.
type gathered struct {
	relations, geometries, nodes []string
	pages                        map[*planField][]string // relations fields: the nodes whose page they read
	n                            int
}

// geometryFields read a territory's geometry; a relations field reads a
// page of relations (model.RelationPageQuery); the other fields of a node
// that read, its relation lists (loaders.Prime).
var geometryFields = map[string]bool{"Territory.geometry": true, "Territory.bbox": true, "Territory.centroid": true}

// add notes an object whose field f reads.
func (gs *gathered) add(typeName string, f *planField, obj any) {
	const most = 2000 // ids read ahead for one field's result
	if gs.n >= most {
		return
	}
	gs.n++
	field := f.Name
	switch o := obj.(type) {
	case *model.Citation:
		if field == "source" {
			gs.nodes = append(gs.nodes, o.C.Source)
		}
		return
	case *model.Relation:
		if field == "onBehalfOf" && o.R.OnBehalfOf != "" {
			gs.nodes = append(gs.nodes, o.R.OnBehalfOf)
		}
		return
	}
	n, ok := obj.(interface{ StoreNode() *domain.Node })
	if !ok || field == "history" {
		return
	}
	switch {
	case field == "relations":
		if gs.pages == nil {
			gs.pages = map[*planField][]string{}
		}
		gs.pages[f] = append(gs.pages[f], n.StoreNode().ID)
	case geometryFields[typeName+"."+field]:
		gs.geometries = append(gs.geometries, n.StoreNode().ID)
	default:
		gs.relations = append(gs.relations, n.StoreNode().ID)
	}
}

// prefetch reads what gather finds, priming the operation's loaders. A
// failed read is left to the resolver that needs it, which reports it.
func (r *plannedRun) prefetch(gather func(*gathered)) {
	var gs gathered
	gather(&gs)
	l := loaders.For(r.ctx)
	if len(gs.relations) > 0 {
		_ = l.Prime(r.ctx, gs.relations)
	}
	if len(gs.geometries) > 0 {
		_ = l.PrimeGeometries(r.ctx, gs.geometries)
	}
	if len(gs.nodes) > 0 {
		_ = l.PrimeNodeIDs(r.ctx, gs.nodes)
	}
	var pages []store.RelPageQuery
	for f, ids := range gs.pages {
		fc, err := r.fieldArgs(f)
		if err != nil {
			continue
		}
		// The query model.RelationsOf makes, with the field's arguments.
		direction, _ := fc.Args["direction"].(*model.Direction)
		kinds, _ := fc.Args["kinds"].([]model.RelationKind)
		asOf, _ := fc.Args["asOf"].(*domain.Date)
		first, _ := fc.Args["first"].(*int)
		after, _ := fc.Args["after"].(*string)
		for _, id := range ids {
			if q, err := model.RelationPageQuery(fc.ctx, id, direction, kinds, asOf, first, after); err == nil {
				pages = append(pages, q)
			}
		}
	}
	if len(pages) > 0 {
		_ = l.PrimeRelationPages(r.ctx, pages)
	}
}
