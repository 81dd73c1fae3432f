package domain

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The on-disk codes of the kinds, pinned. They equal the positions the kinds
// had in the registry before codes were written down, so stores written then
// still read. A change here remaps every stored key: never edit a line, only
// add one (and retire a removed kind's code in RetiredKindCodes).
var goldenKindCodes = map[Kind]byte{
	"source": 0x01, "organization": 0x02, "territory": 0x03, "facility": 0x04, "facility-type": 0x05,
	"body": 0x06, "agreement": 0x07, "amendment": 0x08, "article": 0x09, "programme": 0x0A,
	"orientation": 0x0B, "theme": 0x0C, "objective": 0x0D, "event": 0x0E, "person": 0x0F, "figure": 0x10,
}

var goldenRelKindCodes = map[RelKind]byte{
	"signatory": 0x01, "signed": 0x02, "party-to": 0x03, "initiated": 0x04, "chairs": 0x05, "member-of": 0x06,
	"holds-office": 0x07, "part-of": 0x08, "amends": 0x09, "modifies": 0x0A, "renews": 0x0B, "establishes": 0x0C,
	"funds": 0x0D, "delivers": 0x0E, "actor-in": 0x0F, "administers": 0x10, "manages": 0x11, "affiliated-to": 0x12,
	"located-in": 0x13, "serves": 0x14, "instance-of": 0x15, "concerns": 0x16, "succeeds": 0x17, "about": 0x18,
}

func TestKindCodesPinned(t *testing.T) {
	kinds := map[Kind]byte{}
	for _, k := range Kinds {
		kinds[k.Kind] = k.Code
	}
	rels := map[RelKind]byte{}
	for _, k := range RelKinds {
		rels[k.Kind] = k.Code
	}
	checkPinned(t, "kind", kinds, goldenKindCodes)
	checkPinned(t, "relation kind", rels, goldenRelKindCodes)
}

func checkPinned[K ~string](t *testing.T, what string, got, golden map[K]byte) {
	for k, c := range golden {
		if got[k] != c {
			t.Errorf("%s %s has code %#x, pinned %#x: stored keys would be misread", what, k, got[k], c)
		}
	}
}

// New kinds take fresh codes: unique, never zero, never a retired one, and
// in registry order (the order of lists), so no code is ever derived from a
// position and none is reused.
func TestKindCodesUnique(t *testing.T) {
	codes := func(what string, cs []byte, retired map[byte]string) {
		for i, c := range cs {
			if c == 0 {
				t.Errorf("%s %d: code 0", what, i)
			}
			if _, ok := retired[c]; ok {
				t.Errorf("%s %d: code %#x is retired", what, i, c)
			}
			if i > 0 && c <= cs[i-1] {
				t.Errorf("%s %d: code %#x not above the previous %#x", what, i, c, cs[i-1])
			}
		}
	}
	var kc, rc []byte
	for _, k := range Kinds {
		kc = append(kc, k.Code)
	}
	for _, k := range RelKinds {
		rc = append(rc, k.Code)
	}
	codes("kind", kc, RetiredKindCodes)
	codes("relation kind", rc, RetiredRelKindCodes)
	if len(Kinds) < len(goldenKindCodes) || len(RelKinds) < len(goldenRelKindCodes) {
		t.Error("a pinned kind left the registry: retire its code instead")
	}
}

// The registry holds what a kind needs: its enum and span fields exist, its
// lifetime dates are date fields, its relation ends are kinds.
func TestRegistryConsistent(t *testing.T) {
	for _, k := range Kinds {
		if k.GraphQLType == "" || k.Collection == "" {
			t.Errorf("kind %s: GraphQL type or collection missing", k.Kind)
		}
		for f := range k.Enums {
			if _, ok := k.Fields[f]; !ok {
				t.Errorf("kind %s: enum field %s is not a field", k.Kind, f)
			}
		}
		var dates []string
		if k.Lifetime != nil {
			dates = append(append(dates, k.Lifetime.Start...), k.Lifetime.End)
		}
		if k.DateSpan != [2]string{} {
			dates = append(dates, k.DateSpan[:]...)
		}
		for _, f := range dates {
			if f != "" && k.Fields[f] != DateField {
				t.Errorf("kind %s: %s is not a date field", k.Kind, f)
			}
		}
	}
	for _, r := range RelKinds {
		for _, k := range append(slices.Clone(r.From), r.To...) {
			if _, ok := KindOf(k); !ok {
				t.Errorf("relation %s: unknown end kind %s", r.Kind, k)
			}
		}
	}
}

// docs/dataset.md documents the registry: the same kinds with the same
// fields and field types, the same enum values, the same relation ends.
func TestRegistryMatchesDatasetDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/dataset.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	row := regexp.MustCompile("(?m)^\\| `?([a-z-]+)`? \\| ([^|]*) \\| ([^|]*) \\|$")
	field := regexp.MustCompile("`([a-zA-Z]+)`( \\((date|int|decimal)[:)])?")
	docKinds, docRels := map[Kind]map[string]FieldType{}, map[RelKind][2]string{}
	for _, m := range row.FindAllStringSubmatch(doc, -1) {
		if m[1] == "kind" {
			continue
		}
		if strings.Contains(m[2], "→") {
			docRels[RelKind(m[1])] = [2]string(strings.Split(m[2], " → "))
			continue
		}
		fields := map[string]FieldType{}
		for _, f := range field.FindAllStringSubmatch(m[3], -1) {
			if _, seen := fields[f[1]]; seen {
				continue // a later mention in a field's explanation
			}
			fields[f[1]] = map[string]FieldType{"": Text, "date": DateField, "int": IntField, "decimal": FloatField}[f[3]]
		}
		docKinds[Kind(m[1])] = fields
	}
	for _, k := range Kinds {
		if !maps.Equal(docKinds[k.Kind], k.Fields) {
			t.Errorf("kind %s: docs/dataset.md has fields %v, the registry %v", k.Kind, docKinds[k.Kind], k.Fields)
		}
		for f, values := range k.Enums {
			for _, v := range values {
				if !strings.Contains(doc, "`"+v+"`") {
					t.Errorf("kind %s: %s value %s is not in docs/dataset.md", k.Kind, f, v)
				}
			}
		}
	}
	if len(docKinds) != len(Kinds) {
		t.Errorf("docs/dataset.md lists %d kinds, the registry %d", len(docKinds), len(Kinds))
	}
	ends := func(ks []Kind) string {
		if ks == nil {
			return "any"
		}
		s := make([]string, len(ks))
		for i, k := range ks {
			s[i] = string(k)
		}
		if len(s) > 1 {
			return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
		}
		return s[0]
	}
	for _, r := range RelKinds {
		if want := [2]string{ends(r.From), ends(r.To)}; docRels[r.Kind] != want {
			t.Errorf("relation %s: docs/dataset.md says %v, the registry %v", r.Kind, docRels[r.Kind], want)
		}
	}
	if len(docRels) != len(RelKinds) {
		t.Errorf("docs/dataset.md lists %d relation kinds, the registry %d", len(docRels), len(RelKinds))
	}
}
