package graph

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// The planner's scalar writers write gqlgen's marshalers' bytes.
func TestPlannerScalarsAsGqlgen(t *testing.T) {
	var r plannedRun
	same := func(what string, write func(), want graphql.Marshaler) {
		t.Helper()
		r.buf.Reset()
		write()
		var ref bytes.Buffer
		want.MarshalGQL(&ref)
		if !bytes.Equal(r.buf.Bytes(), ref.Bytes()) {
			t.Errorf("%s: planner wrote %q, gqlgen %q", what, r.buf.Bytes(), ref.Bytes())
		}
	}
	strs := []string{"", "caf-13", `a"b\c`, "tab\there\r\n", "\x00\x01\x1f\x7f", "<&>", "é\u2028\u2029💡",
		"\xff\xfe", "a\xc3", "\xe2\x82", "\xed\xa0\x80x\"", string(utf8.RuneError)}
	for b := range 256 {
		strs = append(strs, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"\"")
	}
	rnd := rand.New(rand.NewPCG(15, 15))
	for range 500 {
		s := make([]byte, rnd.IntN(40))
		for i := range s {
			s[i] = byte(rnd.IntN(256))
		}
		strs = append(strs, string(s))
	}
	for _, s := range strs {
		same("string "+s, func() { r.writeString(s) }, graphql.MarshalString(s))
		same("ID "+s, func() { r.writeString(s) }, graphql.MarshalID(s))
	}
	for _, n := range []int{0, 1, -1, 42, -1000, math.MaxInt, math.MinInt} {
		same("int", func() { r.writeInt(n) }, graphql.MarshalInt(n))
	}
	for _, b := range []bool{true, false} {
		same("bool", func() { r.writeBool(b) }, graphql.MarshalBoolean(b))
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, 4, 2.5, 1e6, 1e21, 1e-7, 123456789.125,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64}
	for range 2000 {
		floats = append(floats, rnd.NormFloat64()*math.Pow(10, float64(rnd.IntN(40)-20)), float64(rnd.IntN(100))/4)
	}
	for _, f := range floats {
		r.buf.Reset()
		if err := r.writeFloat(f); err != nil {
			t.Fatalf("float %v: %v", f, err)
		}
		var ref bytes.Buffer
		if err := graphql.MarshalFloatContext(f).MarshalGQLContext(context.Background(), &ref); err != nil || !bytes.Equal(r.buf.Bytes(), ref.Bytes()) {
			t.Errorf("float %v: planner wrote %q, gqlgen %q (%v)", f, r.buf.Bytes(), ref.Bytes(), err)
		}
	}
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		if err := r.writeFloat(f); err == nil || graphql.MarshalFloatContext(f).MarshalGQLContext(context.Background(), io.Discard) == nil {
			t.Errorf("float %v: not refused by both", f)
		}
	}
	dates := []domain.Date{{}, {Y: 198, Precision: domain.Decade}, {Y: 2006, Precision: domain.Year},
		{Y: 2019, M: 6, Precision: domain.Month}, {Y: 2015, M: 6, D: 30, Precision: domain.Day},
		{Y: 7, M: 1, D: 2, Precision: domain.Day}, {Y: 12345, M: 12, D: 31, Precision: domain.Day}}
	for _, d := range dates {
		same("date "+d.String(), func() { r.writeDate(d) }, model.MarshalDate(d))
	}
	for _, k := range model.AllNodeKind {
		same("node kind", func() { r.writeEnum(string(k)) }, k)
	}
	for _, k := range model.AllRelationKind {
		same("relation kind", func() { r.writeEnum(string(k)) }, k)
	}
	for _, k := range model.AllTerritoryKind {
		same("territory kind", func() { r.writeEnum(string(k)) }, k)
	}
	same("odd enum", func() { r.writeEnum("a\"b\x00é") }, model.NodeKind("a\"b\x00é"))
}

// FuzzPlannerString: the planner's strings are gqlgen's, whatever the bytes.
func FuzzPlannerString(f *testing.F) {
	for _, s := range []string{"", "Centre social", "\"\\\n\x00", "\xff<>&\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r plannedRun
		r.writeString(s)
		var ref bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&ref)
		if !bytes.Equal(r.buf.Bytes(), ref.Bytes()) {
			t.Errorf("planner wrote %q, gqlgen %q", r.buf.Bytes(), ref.Bytes())
		}
	})
}
