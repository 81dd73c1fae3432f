package store

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Kind is the kind of a node, as written in dataset files ("organization").
type Kind string

// RelKind is the kind of a relation, as written in dataset files ("signatory").
type RelKind string

// FieldType says how a node field's string value is checked.
type FieldType uint8

// Field types.
const (
	Text FieldType = iota
	DateField
	IntField
	FloatField
)

// Kinds lists every node kind with the fields it may carry. The order is the
// order of the kind codes stored in keys: append only, never reorder.
var Kinds = []struct {
	Kind   Kind
	Fields map[string]FieldType
}{
	{"source", map[string]FieldType{"file": Text, "description": Text, "publisher": Text, "date": DateField}},
	{"organization", map[string]FieldType{"category": Text, "description": Text, "website": Text}},
	{"territory", map[string]FieldType{"type": Text, "code": Text, "description": Text,
		"population": IntField, "postcodes": Text, "intercommunality": Text, "intercommunalityCode": Text, "siren": Text}},
	{"facility", map[string]FieldType{"address": Text, "agrement": Text, "agrementFrom": DateField, "description": Text,
		"postcode": Text, "siret": Text, "latitude": FloatField, "longitude": FloatField, "opened": DateField, "closed": DateField, "note": Text}},
	{"facility-type", map[string]FieldType{"description": Text, "rules": Text}},
	{"body", map[string]FieldType{"description": Text, "created": DateField}},
	{"agreement", map[string]FieldType{"startDate": DateField, "endDate": DateField, "signedAt": DateField, "place": Text, "summary": Text}},
	{"amendment", map[string]FieldType{"number": IntField, "signedAt": DateField, "place": Text, "effectiveFrom": DateField, "summary": Text}},
	{"article", map[string]FieldType{"number": Text, "title": Text, "summary": Text, "effectiveFrom": DateField}},
	{"programme", map[string]FieldType{"description": Text, "started": DateField}},
	{"orientation", map[string]FieldType{"type": Text, "number": IntField, "description": Text}},
	{"theme", map[string]FieldType{"number": IntField, "description": Text}},
	{"objective", map[string]FieldType{"number": IntField, "means": Text, "actors": Text, "evaluation": Text, "deadline": Text, "deadlineDate": DateField}},
	{"event", map[string]FieldType{"date": DateField, "endDate": DateField, "description": Text}},
	{"person", map[string]FieldType{"description": Text}},
}

// RelKinds lists every relation kind. The order is the order of the codes
// stored in keys: append only, never reorder.
var RelKinds = []RelKind{
	"signatory", "signed", "party-to", "initiated", "chairs", "member-of", "holds-office", "part-of",
	"amends", "modifies", "renews", "establishes", "funds", "delivers", "actor-in", "administers",
	"manages", "affiliated-to", "located-in", "serves", "instance-of", "concerns", "succeeds",
}

// relationEnds is the relation table of docs/dataset.md: the kinds of node a
// relation may go from and to (nil: any kind). The importer enforces it.
var relationEnds = map[RelKind][2][]Kind{
	"signatory":     {{"organization"}, {"agreement"}},
	"signed":        {{"organization", "person"}, {"agreement", "amendment"}},
	"party-to":      {{"organization"}, {"agreement", "amendment"}},
	"initiated":     {{"organization"}, {"agreement", "programme"}},
	"chairs":        {{"organization"}, {"agreement", "body"}},
	"member-of":     {{"organization"}, {"body"}},
	"holds-office":  {{"person"}, {"organization"}},
	"part-of":       {nil, nil},
	"amends":        {{"amendment"}, {"agreement"}},
	"modifies":      {{"article"}, {"article"}},
	"renews":        {{"agreement"}, {"agreement"}},
	"establishes":   {{"agreement", "amendment"}, {"body", "programme"}},
	"funds":         {{"organization"}, {"programme", "facility"}},
	"delivers":      {{"organization"}, {"programme"}},
	"actor-in":      {{"organization", "body", "facility-type"}, {"objective"}},
	"administers":   {{"organization"}, {"territory"}},
	"manages":       {{"organization"}, {"facility"}},
	"affiliated-to": {{"facility"}, {"organization"}},
	"located-in":    {{"facility", "organization"}, {"territory"}},
	"serves":        {{"facility"}, {"territory"}},
	"instance-of":   {{"facility"}, {"facility-type"}},
	"concerns":      {{"event"}, nil},
	"succeeds":      {{"organization"}, {"organization"}},
}

// endsAllowed reports whether a relation of kind k may go from a node of kind
// from to one of kind to; otherwise it says what the kind takes.
func endsAllowed(k RelKind, from, to Kind) (bool, string) {
	ends := relationEnds[k]
	ok := func(x Kind, allowed []Kind) bool { return allowed == nil || slices.Contains(allowed, x) }
	if ok(from, ends[0]) && ok(to, ends[1]) {
		return true, ""
	}
	name := func(ks []Kind) string {
		if ks == nil {
			return "any"
		}
		return fmt.Sprint(ks)
	}
	return false, fmt.Sprintf("%s goes from %s to %s", k, name(ends[0]), name(ends[1]))
}

// Enumerated field values, checked on import.
var (
	OrganizationCategories = []string{"state", "social-security", "region", "departement", "metropole", "commune",
		"federation", "public-agency", "national-body", "association", "other"}
	TerritoryTypes = []string{"departement", "arrondissement", "canton", "commune", "zone-de-vie-sociale",
		"priority-area", "itc-territory", "arrondissement-municipal"}
	OrientationTypes = []string{"stake", "strategic-orientation", "general-objective", "purpose"}
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

func kindCode(k Kind) (byte, bool) {
	for i, x := range Kinds {
		if x.Kind == k {
			return byte(i + 1), true
		}
	}
	return 0, false
}

func relKindCode(k RelKind) (byte, bool) {
	i := slices.Index(RelKinds, k)
	return byte(i + 1), i >= 0
}

func kindFields(k Kind) map[string]FieldType {
	for _, x := range Kinds {
		if x.Kind == k {
			return x.Fields
		}
	}
	return nil
}

// Validate checks a node on its own (references are checked by the importer).
func (n *Node) Validate() error {
	if !ValidID(n.ID) {
		return Errorf(EBADINPUT, "invalid id %q: use a-z, 0-9 and '-', 1 to 80 characters", n.ID)
	}
	fields := kindFields(n.Kind)
	if fields == nil {
		return Errorf(EBADINPUT, "node %s: unknown kind %q", n.ID, n.Kind)
	}
	if n.Name == "" {
		return Errorf(EBADINPUT, "node %s: name is required", n.ID)
	}
	for name, v := range n.Fields {
		t, ok := fields[name]
		if !ok {
			return Errorf(EBADINPUT, "node %s: unknown field %q for kind %s", n.ID, name, n.Kind)
		}
		if err := checkField(t, v); err != nil {
			return Errorf(EBADINPUT, "node %s: field %s: %v", n.ID, name, err)
		}
	}
	if err := checkEnumFields(n); err != nil {
		return err
	}
	if err := checkDateOrder(n); err != nil {
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

func checkEnumFields(n *Node) error {
	check := func(field string, allowed []string) error {
		v, ok := n.Fields[field]
		if !ok {
			return Errorf(EBADINPUT, "node %s: field %s is required for kind %s", n.ID, field, n.Kind)
		}
		if !slices.Contains(allowed, v) {
			return Errorf(EBADINPUT, "node %s: %s %q is not one of %v", n.ID, field, v, allowed)
		}
		return nil
	}
	switch n.Kind {
	case "organization":
		return check("category", OrganizationCategories)
	case "territory":
		return check("type", TerritoryTypes)
	case "orientation":
		return check("type", OrientationTypes)
	}
	return nil
}

// dateSpans are the (start, end) field pairs of a kind: an end before its
// start is refused.
var dateSpans = map[Kind][2]string{"event": {"date", "endDate"}, "agreement": {"startDate", "endDate"}}

func checkDateOrder(n *Node) error {
	span, ok := dateSpans[n.Kind]
	if !ok {
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
	if _, ok := relKindCode(r.Kind); !ok {
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
