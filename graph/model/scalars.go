// Package model holds the GraphQL models: thin views over store nodes whose
// methods resolve fields, related reads going through the operation's loaders.
package model

import (
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
)

// MarshalDate writes a Date scalar with its precision.
func MarshalDate(d domain.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(d.String())) })
}

// UnmarshalDate reads a Date scalar: YYYY-MM-DD, YYYY-MM or YYYY.
// Returns BAD_USER_INPUT otherwise.
func UnmarshalDate(v any) (domain.Date, error) {
	s, ok := v.(string)
	if !ok {
		return domain.Date{}, domain.Errorf(domain.EBADINPUT, "a Date is a string such as \"2015-06-30\", \"2015-06\" or \"2015\"")
	}
	return domain.ParseQueryDate(s)
}

// GeoJSON is a GeoJSON geometry object, written to the response as stored.
type GeoJSON []byte

// MarshalGQL writes the stored bytes without re-encoding them.
func (g GeoJSON) MarshalGQL(w io.Writer) { w.Write(g) }

// UnmarshalGQL refuses input: geometry is imported, not sent in queries.
func (g *GeoJSON) UnmarshalGQL(v any) error {
	return domain.Errorf(domain.EBADINPUT, "GeoJSON is an output type")
}

// enumOf converts a store name ("party-to") to a GraphQL enum value
// ("PARTY_TO"): the values of the schema's enums without allocating (every
// node's kind, every relation's), anything else converted.
func enumOf[T ~string](s string) T {
	if v, ok := enumValues[s]; ok {
		return T(v)
	}
	return T(strings.ToUpper(strings.ReplaceAll(s, "-", "_")))
}

// enumValues maps the store name of every value of the schema's enums to
// the value, made once: the conversion is the same for every enum type.
var enumValues = func() map[string]string {
	m := map[string]string{}
	add := func(values ...string) {
		for _, v := range values {
			if name := storeName(v); strings.ToUpper(strings.ReplaceAll(name, "-", "_")) == v {
				m[name] = v
			}
		}
	}
	add(enumStrings(AllCentralityMeasure)...)
	add(enumStrings(AllChangeOperation)...)
	add(enumStrings(AllChangeTargetType)...)
	add(enumStrings(AllDirection)...)
	add(enumStrings(AllFacilityChange)...)
	add(enumStrings(AllFacilityStatus)...)
	add(enumStrings(AllNodeKind)...)
	add(enumStrings(AllNodeOrderField)...)
	add(enumStrings(AllOrderDirection)...)
	add(enumStrings(AllOrganizationCategory)...)
	add(enumStrings(AllOrientationType)...)
	add(enumStrings(AllRelationKind)...)
	add(enumStrings(AllTerritoryKind)...)
	add(enumStrings(AllTimelineEntryType)...)
	return m
}()

func enumStrings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// storeName converts a GraphQL enum value back to a store name.
func storeName[T ~string](v T) string {
	return strings.ToLower(strings.ReplaceAll(string(v), "_", "-"))
}

// StoreKind is the store kind of a NodeKind.
func StoreKind(k NodeKind) domain.Kind { return domain.Kind(storeName(k)) }

// StoreRelKind is the store kind of a RelationKind.
func StoreRelKind(k RelationKind) domain.RelKind { return domain.RelKind(storeName(k)) }

// StoreRelKinds converts a list of relation kinds.
func StoreRelKinds(ks []RelationKind) []domain.RelKind {
	out := make([]domain.RelKind, len(ks))
	for i, k := range ks {
		out[i] = StoreRelKind(k)
	}
	return out
}

// StoreName is the store value of any GraphQL enum value (categories, territory kinds).
func StoreName[T ~string](v T) string { return storeName(v) }

func textPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func datePtr(d domain.Date) *domain.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func intPtr(n *domain.Node, field string) *int {
	if v, ok := n.IntField(field); ok {
		return &v
	}
	return nil
}
