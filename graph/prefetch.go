package graph

import (
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/loaders"
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
}

// geometryFields read a territory's geometry.
var geometryFields = map[string]bool{"Territory.geometry": true, "Territory.bbox": true, "Territory.centroid": true}

// add notes an object whose field reads.
func (gs *gathered) add(typeName, field string, obj any) {
	const most = 2000 // ids read ahead for one field's result
	if len(gs.relations)+len(gs.geometries)+len(gs.nodes) >= most {
		return
	}
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
	if geometryFields[typeName+"."+field] {
		gs.geometries = append(gs.geometries, n.StoreNode().ID)
	} else {
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
}
