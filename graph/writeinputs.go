package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// Write inputs arrive as maps (gqlgen.yml), so that a field given as null
// (remove it) differs from one not given (keep it). gqlgen has already
// checked and typed their values (strings and enums, *string for optional
// ones, *domain.Date, *int, nested maps); a null is a nil pointer. What is
// left is checked here, every problem with its field path.

// derefInput returns what v points to; nil for null.
func derefInput(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
}

// maxInputText bounds one text field of a write.
const maxInputText = 10_000

// problems collects the problems of one input, with their field paths.
type problems []string

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, path+": "+fmt.Sprintf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return domain.Errorf(domain.EBADINPUT, "%s", strings.Join(p, "; "))
}

// kindField is the name of a kind's sub-object: "facility-type" -> "facilityType".
func kindField(k domain.Kind) string {
	parts := strings.Split(string(k), "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// facilityRelations are the fields of FacilityInput that are relations of
// a new facility: the relation kind and whether it goes out of the facility.
var facilityRelations = map[string]struct {
	kind domain.RelKind
	out  bool
}{
	"manager": {"manages", false}, "federation": {"affiliated-to", true},
	"territory": {"located-in", true}, "type": {"instance-of", true},
}

// enumFields are the fields whose GraphQL values are enum values.
var enumFields = map[string]bool{"organization.category": true, "territory.type": true, "orientation.type": true}

// applyNodeInput sets on n what input says: name, description and the
// fields of n's kind's sub-object. A null removes (only update allows it);
// facility relations are returned, for a creation.
func applyNodeInput(n *domain.Node, input map[string]any, creating bool, probs *problems) []*domain.Relation {
	if v, ok := input["name"]; ok {
		n.Name = text(v, "input.name", probs)
		if n.Name == "" {
			probs.add("input.name", "a node needs a name")
		}
	}
	fields := store.KindFields(n.Kind)
	if v, ok := input["description"]; ok {
		if _, has := fields["description"]; !has {
			probs.add("input.description", "a %s has no description", n.Kind)
		} else {
			setField(n, "description", text(v, "input.description", probs))
		}
	}
	var rels []*domain.Relation
	for _, k := range domain.Kinds {
		name := kindField(k.Kind)
		sub, given := input[name]
		if !given || derefInput(sub) == nil {
			continue
		}
		path := "input." + name
		if k.Kind != n.Kind {
			probs.add(path, "the node is a %s: give its fields in %s", n.Kind, kindField(n.Kind))
			continue
		}
		for key, v := range sub.(map[string]any) {
			v = derefInput(v)
			fpath := path + "." + key
			if rel, ok := facilityRelations[key]; ok && n.Kind == "facility" {
				if !creating {
					probs.add(fpath, "relations of an existing facility change with addRelation and endRelation")
				} else if v != nil {
					rels = append(rels, facilityRelation(n.ID, rel.kind, rel.out, text(v, fpath, probs)))
				}
				continue
			}
			switch key {
			case "location": // a Point is the facility's latitude and longitude fields
				setLocation(n, v, fpath, probs)
			case "shortName":
				n.ShortName = text(v, fpath, probs)
			case "aliases":
				n.Aliases = textList(v, fpath, probs)
			default:
				setTypedField(n, key, fields[key], enumFields[name+"."+key], v, fpath, probs)
			}
		}
	}
	return rels
}

// setLocation sets a facility's latitude and longitude from a PointInput;
// null removes both.
func setLocation(n *domain.Node, v any, path string, probs *problems) {
	p, ok := derefInput(v).(model.PointInput)
	if !ok {
		delete(n.Fields, "latitude")
		delete(n.Fields, "longitude")
		return
	}
	lon, lat := p.Lon, p.Lat
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		probs.add(path, "lon takes -180 to 180 and lat -90 to 90")
		return
	}
	setTypedField(n, "longitude", domain.FloatField, false, lon, path+".lon", probs)
	setTypedField(n, "latitude", domain.FloatField, false, lat, path+".lat", probs)
}

func facilityRelation(facility string, kind domain.RelKind, out bool, other string) *domain.Relation {
	if out {
		return &domain.Relation{Kind: kind, From: facility, To: other}
	}
	return &domain.Relation{Kind: kind, From: other, To: facility}
}

// setTypedField sets a kind's field from its GraphQL value; nil removes it.
func setTypedField(n *domain.Node, key string, t domain.FieldType, enum bool, v any, path string, probs *problems) {
	v = derefInput(v)
	if v == nil {
		delete(n.Fields, key)
		return
	}
	var s string
	switch t {
	case domain.DateField:
		d, ok := v.(domain.Date)
		if !ok {
			probs.add(path, "a date is expected")
			return
		}
		s = d.String()
	case domain.IntField:
		i, err := intOf(v)
		if err != nil {
			probs.add(path, "not a whole number")
			return
		}
		s = strconv.Itoa(i)
	case domain.FloatField:
		f, ok := v.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			probs.add(path, "not a number")
			return
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	default:
		s = text(v, path, probs)
		if enum {
			s = strings.ToLower(strings.ReplaceAll(s, "_", "-"))
		}
	}
	setField(n, key, s)
}

func setField(n *domain.Node, key, v string) {
	if v == "" {
		delete(n.Fields, key)
		return
	}
	if n.Fields == nil {
		n.Fields = map[string]string{}
	}
	n.Fields[key] = v
}

// text reads a string value, bounded, without control characters other
// than line breaks and tabs; "" for null.
func text(v any, path string, probs *problems) string {
	v = derefInput(v)
	if v == nil {
		return ""
	}
	rv := reflect.ValueOf(v)
	ok := rv.Kind() == reflect.String // strings and enum values
	s := ""
	if ok {
		s = rv.String()
	}
	switch {
	case !ok:
		probs.add(path, "a string is expected")
	case len(s) > maxInputText:
		probs.add(path, "at most %d bytes, not %d", maxInputText, len(s))
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		probs.add(path, "control characters are not allowed")
	default:
		return strings.TrimSpace(s)
	}
	return ""
}

func textList(v any, path string, probs *problems) []string {
	list, _ := derefInput(v).([]string)
	if len(list) > model.MaxPageSize {
		probs.add(path, "at most %d items", model.MaxPageSize)
		return nil
	}
	var out []string
	for i, x := range list {
		if s := text(x, fmt.Sprintf("%s[%d]", path, i), probs); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func intOf(v any) (int, error) {
	switch x := derefInput(v).(type) {
	case int64:
		return int(x), nil
	case int:
		return x, nil
	case json.Number:
		i, err := x.Int64()
		return int(i), err
	case float64:
		if x == float64(int(x)) {
			return int(x), nil
		}
	}
	return 0, fmt.Errorf("not an integer")
}

// citationsOf converts checked CitationInput values.
func citationsOf(cs []*model.CitationInput) []domain.Citation {
	out := make([]domain.Citation, 0, len(cs))
	for _, c := range cs {
		cit := domain.Citation{Source: c.Source}
		if c.Excerpt != nil {
			cit.Excerpt = strings.TrimSpace(*c.Excerpt)
		}
		out = append(out, cit)
	}
	return out
}

// citationsFromMap reads and checks a list of CitationInput, typed or from
// a map input: at most MaxPageSize, ids of nodes, bounded excerpts.
func citationsFromMap(v any, path string, probs *problems) []domain.Citation {
	list, _ := derefInput(v).([]*model.CitationInput)
	if len(list) > model.MaxPageSize {
		probs.add(path, "at most %d citations", model.MaxPageSize)
		return nil
	}
	for i, c := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !domain.ValidID(c.Source) {
			probs.add(p+".source", "%q is not a node id", domain.Prefix(c.Source))
		}
		if c.Excerpt != nil {
			text(*c.Excerpt, p+".excerpt", probs)
		}
	}
	return citationsOf(list)
}

// dateFromMap reads an optional Date; the zero Date for null or absent.
func dateFromMap(m map[string]any, key string) domain.Date {
	d, _ := derefInput(m[key]).(domain.Date)
	return d
}

// nodeRelations reads createNode's relations of the new node id.
func nodeRelations(id string, v any, nodeSources []domain.Citation, probs *problems) []*domain.Relation {
	list, _ := derefInput(v).([]map[string]any)
	if len(list) > model.MaxPageSize {
		probs.add("input.relations", "at most %d relations", model.MaxPageSize)
		return nil
	}
	var out []*domain.Relation
	for i, m := range list {
		path := fmt.Sprintf("input.relations[%d]", i)
		other := text(m["node"], path+".node", probs)
		r := &domain.Relation{Kind: domain.RelKind(strings.ToLower(strings.ReplaceAll(text(m["kind"], path+".kind", probs), "_", "-"))), From: id, To: other}
		if text(m["direction"], path+".direction", probs) == "IN" {
			r.From, r.To = other, id
		}
		r.ValidFrom = dateFromMap(m, "validFrom")
		r.ValidTo = dateFromMap(m, "validTo")
		r.Role = text(m["role"], path+".role", probs)
		r.Note = text(m["note"], path+".note", probs)
		r.Sources = nodeSources
		if cs := derefInput(m["sources"]); cs != nil {
			r.Sources = citationsFromMap(cs, path+".sources", probs)
		}
		out = append(out, r)
	}
	return out
}
