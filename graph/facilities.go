package graph

// Facility queries beyond the generated resolvers: coverage by territory,
// location filters.

import (
	"cmp"
	"context"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// maxCoverageRows bounds facilityCoverage: the communes and arrondissements
// of a département are a few hundred at most.
const maxCoverageRows = 500

// facilityCoverage counts the facilities open at asOf by the commune and the
// arrondissement municipal they lie in (a commune counts those of its
// arrondissements), with the population and whether the commune signs.
func (r *Resolver) facilityCoverage(ctx context.Context, asOf *domain.Date, kinds []model.TerritoryKind, signatory *bool) ([]*model.TerritoryCoverage, error) {
	at := domain.Today()
	if asOf != nil {
		at = *asOf
	}
	wanted := map[string]bool{"commune": len(kinds) == 0, "arrondissement-municipal": len(kinds) == 0}
	for _, k := range kinds {
		name := storeNames([]model.TerritoryKind{k})[0]
		if _, ok := wanted[name]; !ok {
			return nil, domain.Errorf(domain.EBADINPUT, "facilityCoverage counts communes and arrondissements municipaux, not %s", k)
		}
		wanted[name] = true
	}
	facilities, err := r.Store.NodesOfKind(ctx, domain.KindFacility)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	places := map[string]*model.Territory{}
	for _, n := range facilities {
		if model.FacilityStatusOf(n, &at) != model.FacilityStatusOpen {
			continue
		}
		f, _ := model.As[*model.Facility](n)
		t, err := f.Territory(ctx, &at)
		if err != nil {
			return nil, err
		}
		if t != nil && t.N.Field("type") == "arrondissement-municipal" {
			counts[t.N.ID]++
			places[t.N.ID] = t
			if t, err = t.Parent(ctx); err != nil {
				return nil, err
			}
		}
		if t != nil && t.N.Field("type") == "commune" {
			counts[t.N.ID]++
			places[t.N.ID] = t
		}
	}
	var rows []*model.TerritoryCoverage
	for id, t := range places {
		if !wanted[t.N.Field("type")] {
			continue
		}
		signs, err := communeSigns(ctx, t, at)
		if err != nil {
			return nil, err
		}
		if signatory != nil && *signatory != signs {
			continue
		}
		row := &model.TerritoryCoverage{Territory: t, Facilities: counts[id], Population: t.Population(), Signatory: signs}
		if row.Population != nil && *row.Population > 0 {
			per := float64(row.Facilities) * 10000 / float64(*row.Population)
			row.PerTenThousand = &per
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b *model.TerritoryCoverage) int {
		pa, pb := perOrZero(a), perOrZero(b)
		return cmp.Or(cmp.Compare(pb, pa), cmp.Compare(a.Territory.N.Field("code"), b.Territory.N.Field("code")))
	})
	return rows[:min(len(rows), maxCoverageRows)], nil
}

func perOrZero(c *model.TerritoryCoverage) float64 {
	if c.PerTenThousand == nil {
		return 0
	}
	return *c.PerTenThousand
}

// communeSigns reports whether the organisation administering t's commune (an
// arrondissement's parent) is a signatory at at.
func communeSigns(ctx context.Context, t *model.Territory, at domain.Date) (bool, error) {
	if t.N.Field("type") == "arrondissement-municipal" {
		parent, err := t.Parent(ctx)
		if err != nil || parent == nil {
			return false, err
		}
		t = parent
	}
	org, err := t.AdministeredBy(ctx)
	if err != nil || org == nil {
		return false, err
	}
	return org.IsSignatory(ctx, &at)
}

// maxNesting bounds how deep locatedWithin looks: département, commune,
// arrondissement.
const maxNesting = 3

// locatedWithin adds to the facilities located in a territory those located
// in the territories inside it (a commune's arrondissements, a département's
// communes and theirs).
func locatedWithin(ctx context.Context, territory string, located []*domain.Node) ([]*domain.Node, error) {
	level := []string{territory}
	for range maxNesting {
		var next []string
		for _, id := range level {
			inside, err := model.RelatedNodes(ctx, id, domain.In, domain.RelPartOf, nil)
			if err != nil {
				return nil, err
			}
			for _, t := range inside {
				if t.Kind != domain.KindTerritory {
					continue
				}
				more, err := model.RelatedNodes(ctx, t.ID, domain.In, domain.RelLocatedIn, nil)
				if err != nil {
					return nil, err
				}
				located = append(located, more...)
				next = append(next, t.ID)
			}
		}
		level = next
	}
	return located, nil
}

// facilityPlaceAndStatus are the predicates of a facility filter's bbox,
// hasLocation and status (at asOf). Returns BAD_USER_INPUT for a malformed box.
func facilityPlaceAndStatus(filter *model.FacilityFilter) (predicates, error) {
	var f predicates
	if filter.Bbox != nil {
		keep, err := inBox(filter.Bbox)
		if err != nil {
			return nil, err
		}
		f = append(f, keep)
	}
	if filter.HasLocation != nil {
		want := *filter.HasLocation
		f = append(f, func(n *domain.Node) bool { return (n.Field("latitude") != "") == want })
	}
	if filter.Status != nil {
		want, asOf := *filter.Status, filter.AsOf
		f = append(f, func(n *domain.Node) bool { return model.FacilityStatusOf(n, asOf) == want })
	}
	return f, nil
}

// inBox is the predicate of a facility filter's bbox: the facilities whose
// point lies in it. Returns BAD_USER_INPUT for a malformed box.
func inBox(bbox []float64) (func(*domain.Node) bool, error) {
	if len(bbox) != 4 {
		return nil, domain.Errorf(domain.EBADINPUT, "bbox is [west, south, east, north]: 4 numbers, not %d", len(bbox))
	}
	b := store.BBox{bbox[0], bbox[1], bbox[2], bbox[3]}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return func(n *domain.Node) bool {
		lat, okLat := n.FloatField("latitude")
		lon, okLon := n.FloatField("longitude")
		return okLat && okLon && b.Contains(store.Point{Lon: lon, Lat: lat})
	}, nil
}
