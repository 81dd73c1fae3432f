package domain

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Citation says which source document states a fact, with a short excerpt.
type Citation struct {
	Source  string `json:"source" yaml:"source"`
	Excerpt string `json:"excerpt,omitempty" yaml:"excerpt,omitempty"`
}

// Node is an entity of the graph.
type Node struct {
	ID        string            `json:"id" yaml:"id"`
	Kind      Kind              `json:"kind" yaml:"kind"`
	Name      string            `json:"name" yaml:"name"`
	ShortName string            `json:"shortName,omitempty" yaml:"shortName,omitempty"`
	Aliases   []string          `json:"aliases,omitempty" yaml:"aliases,omitempty,flow"`
	Fields    map[string]string `json:"fields,omitempty" yaml:"fields,omitempty"`
	Sources   []Citation        `json:"sources" yaml:"sources"`
}

// Field returns the value of a field, "" when absent.
func (n *Node) Field(name string) string { return n.Fields[name] }

// DateField returns a date field; the zero Date when absent. Values were
// checked on import, so a parse error cannot happen for stored nodes.
func (n *Node) DateField(name string) Date {
	d, _ := ParseDate(n.Fields[name])
	return d
}

// FloatField returns a decimal field and whether it is set.
func (n *Node) FloatField(name string) (float64, bool) {
	v, err := strconv.ParseFloat(n.Fields[name], 64)
	return v, err == nil
}

// IntField returns an int field and whether it is set.
func (n *Node) IntField(name string) (int, bool) {
	v, err := strconv.Atoi(n.Fields[name])
	return v, err == nil
}

// Relation is a typed, directed edge with its own validity interval.
type Relation struct {
	Kind       RelKind    `json:"kind" yaml:"kind"`
	From       string     `json:"from" yaml:"from"`
	To         string     `json:"to" yaml:"to"`
	ValidFrom  Date       `json:"validFrom,omitzero" yaml:"validFrom,omitempty"`
	ValidTo    Date       `json:"validTo,omitzero" yaml:"validTo,omitempty"`
	Role       string     `json:"role,omitempty" yaml:"role,omitempty"`
	OnBehalfOf string     `json:"onBehalfOf,omitempty" yaml:"onBehalfOf,omitempty"`
	Note       string     `json:"note,omitempty" yaml:"note,omitempty"`
	Sources    []Citation `json:"sources" yaml:"sources"`
}

// Interval is the relation's validity.
func (r *Relation) Interval() Interval { return Interval{r.ValidFrom, r.ValidTo} }

// InForce reports whether the relation is in force at some time during asOf
// (a day, or a whole year for "2015"). The zero asOf matches every relation.
func (r *Relation) InForce(asOf Date) bool {
	if asOf.IsZero() {
		return true
	}
	return r.Interval().Meets(Interval{asOf, asOf})
}

// Today is the date used when a temporal query gives none.
func Today() Date { return DayOf(time.Now()) }

var idRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$`)

// ValidID reports whether id has the form of a node id.
func ValidID(id string) bool { return idRE.MatchString(id) }

// Validate checks a node on its own (references are checked by the importer).
func (n *Node) Validate() error {
	if !ValidID(n.ID) {
		return Errorf(EBADINPUT, "invalid id %q: use a-z, 0-9 and '-', 1 to 80 characters", n.ID)
	}
	info, ok := KindOf(n.Kind)
	if !ok {
		return Errorf(EBADINPUT, "node %s: unknown kind %q", n.ID, n.Kind)
	}
	if n.Name == "" {
		return Errorf(EBADINPUT, "node %s: name is required", n.ID)
	}
	for name, v := range n.Fields {
		t, ok := info.Fields[name]
		if !ok {
			return Errorf(EBADINPUT, "node %s: unknown field %q for kind %s", n.ID, name, n.Kind)
		}
		if err := checkField(t, v); err != nil {
			return Errorf(EBADINPUT, "node %s: field %s: %v", n.ID, name, err)
		}
	}
	if err := checkEnumFields(n, info); err != nil {
		return err
	}
	if err := checkDateOrder(n, info); err != nil {
		return err
	}
	if err := checkFacility(n); err != nil {
		return err
	}
	return checkCitations("node "+n.ID, n.Sources)
}

func checkField(t FieldType, v string) error {
	switch t {
	case DateField:
		_, err := ParseDate(v)
		return err
	case IntField:
		if _, err := strconv.Atoi(v); err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
	case FloatField:
		if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("%q is not a decimal number", v)
		}
	}
	return nil
}

func checkEnumFields(n *Node, info *KindInfo) error {
	for field, allowed := range info.Enums {
		v, ok := n.Fields[field]
		if !ok {
			return Errorf(EBADINPUT, "node %s: field %s is required for kind %s", n.ID, field, n.Kind)
		}
		if !slices.Contains(allowed, v) {
			return Errorf(EBADINPUT, "node %s: %s %q is not one of %v", n.ID, field, v, allowed)
		}
	}
	return nil
}

func checkDateOrder(n *Node, info *KindInfo) error {
	span := info.DateSpan
	if span == [2]string{} {
		return nil
	}
	from, to := n.DateField(span[0]), n.DateField(span[1])
	if !to.IsZero() && from.IsZero() {
		return Errorf(EBADINPUT, "node %s: %s %s without %s", n.ID, span[1], to, span[0])
	}
	if !to.IsZero() && to.Last().Before(from.First()) {
		return Errorf(EBADINPUT, "node %s: %s %s is before %s %s", n.ID, span[1], to, span[0], from)
	}
	return nil
}

func checkCitations(what string, cs []Citation) error {
	if len(cs) == 0 {
		return Errorf(EBADINPUT, "%s: at least one source is required", what)
	}
	for _, c := range cs {
		if !ValidID(c.Source) {
			return Errorf(EBADINPUT, "%s: invalid source id %q", what, c.Source)
		}
	}
	return nil
}

// Validate checks a relation on its own (endpoints are checked by the importer).
func (r *Relation) Validate() error {
	what := fmt.Sprintf("relation %s %s -> %s", r.Kind, r.From, r.To)
	if _, ok := RelKindOf(r.Kind); !ok {
		return Errorf(EBADINPUT, "%s: unknown relation kind %q", what, r.Kind)
	}
	if !ValidID(r.From) || !ValidID(r.To) {
		return Errorf(EBADINPUT, "%s: invalid endpoint id", what)
	}
	if r.OnBehalfOf != "" && !ValidID(r.OnBehalfOf) {
		return Errorf(EBADINPUT, "%s: invalid onBehalfOf id %q", what, r.OnBehalfOf)
	}
	if !r.ValidFrom.IsZero() && !r.ValidTo.IsZero() && r.ValidTo.Last().Before(r.ValidFrom.First()) {
		return Errorf(EBADINPUT, "%s: validTo %s is before validFrom %s", what, r.ValidTo, r.ValidFrom)
	}
	return checkCitations(what, r.Sources)
}

// checkFacility checks what ties a facility's fields together: a point needs
// both coordinates, in range; a closure cannot come before the opening.
func checkFacility(n *Node) error {
	if n.Kind != KindFacility {
		return nil
	}
	lat, hasLat := n.FloatField("latitude")
	lon, hasLon := n.FloatField("longitude")
	switch {
	case hasLat != hasLon:
		return Errorf(EBADINPUT, "node %s: latitude and longitude go together", n.ID)
	case hasLat && (lat < -90 || lat > 90 || lon < -180 || lon > 180):
		return Errorf(EBADINPUT, "node %s: latitude %v, longitude %v is not a WGS84 point", n.ID, lat, lon)
	}
	opened, closed := n.DateField("opened"), n.DateField("closed")
	if !opened.IsZero() && !closed.IsZero() && closed.Last().Before(opened.First()) {
		return Errorf(EBADINPUT, "node %s: closed %s is before opened %s", n.ID, closed, opened)
	}
	return nil
}

// FacilityStatus says whether a facility is open at asOf (a day, or any time
// of a year for "2018"): "closed" once the first day of its closure has come
// (for a closure known to the year, from 1 January of that year), "open"
// otherwise, from its opening when that is known ("" before it).
func FacilityStatus(n *Node, asOf Date) string {
	if c := n.DateField("closed"); !c.IsZero() && !asOf.Last().Before(c.First()) {
		return "closed"
	}
	if o := n.DateField("opened"); !o.IsZero() && asOf.Last().Before(o.First()) {
		return ""
	}
	return "open"
}
