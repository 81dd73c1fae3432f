package store

import (
	"bytes"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
)

func TestKeysRoundTrip(t *testing.T) {
	day := domain.Date{Y: 2019, M: 6, D: 27, Precision: domain.Day}
	rel := &domain.Relation{Kind: "signed", From: "person-a", To: "avenant-1", ValidFrom: day, OnBehalfOf: "metropole-amp"}
	out, in := edgeKeys(rel)
	rk, _ := relKindCode("signed")
	for _, tc := range []struct {
		key  []byte
		want Key
	}{
		{metaKey, Key{Prefix: pMeta}},
		{dataVersionKey, Key{Prefix: pDataVersion}},
		{nodeKey("caf-13"), Key{Prefix: pNode, ID: "caf-13"}},
		{geometryKey("insee-13055"), Key{Prefix: pGeometry, ID: "insee-13055"}},
		{kindKey(2, "caf-13"), Key{Prefix: pKindIndex, Kind: 2, ID: "caf-13"}},
		{codeKey(3, "13055", "insee-13055"), Key{Prefix: pCodeIndex, Kind: 3, Other: "13055", ID: "insee-13055"}},
		{out, Key{Prefix: pEdgeOut, Kind: rk, ID: "person-a", Other: "avenant-1", ValidFrom: day, Qualifier: "metropole-amp"}},
		{in, Key{Prefix: pEdgeIn, Kind: rk, ID: "avenant-1", Other: "person-a", ValidFrom: day, Qualifier: "metropole-amp"}},
		{tokenKey([]byte("hash")), Key{Prefix: pToken, ID: "hash"}},
		{tokenNameKey("caf"), Key{Prefix: pTokenName, ID: "caf"}},
		{knownAtKey(time.Unix(0, 1764576000000000000), 42), Key{Prefix: pKnownAt, At: 1764576000000000000, Version: 42}},
		{changeKey(42, 3), Key{Prefix: pChange, Version: 42, Seq: 3}},
		{historyKey(Target{TargetRelation, "a>signatory>b"}, 42, 3), Key{Prefix: pHistory, Kind: 'r', ID: "a>signatory>b", Version: 42, Seq: 3}},
	} {
		got, err := ParseKey(tc.key)
		if err != nil {
			t.Fatalf("ParseKey(%x): %v", tc.key, err)
		}
		if got != tc.want {
			t.Errorf("ParseKey(%x) = %+v, want %+v", tc.key, got, tc.want)
		}
	}
	for _, bad := range [][]byte{{}, {0x7f}, {pEdgeOut, 0, 9, 'a'}, append(append([]byte{}, out...), 1)} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%x) accepted a malformed key", bad)
		}
	}
	for key, want := range map[string]string{string(out): "avenant-1", string(in): "person-a"} {
		if got, err := edgeOther([]byte(key)); err != nil || string(got) != want {
			t.Errorf("edgeOther(%x) = %q, %v; want %q", key, got, err, want)
		}
	}
	for _, bad := range [][]byte{{}, nodeKey("caf-13"), {pEdgeOut, 0, 9, 'a'}, {pEdgeOut, 0, 1, 'a'}, {pEdgeOut, 0, 1, 'a', rk, 0, 5, 'b'}} {
		if _, err := edgeOther(bad); err == nil {
			t.Errorf("edgeOther(%x) accepted a malformed key", bad)
		}
	}
}

func TestKeyOrderIsScanOrder(t *testing.T) {
	// Kind index: id order. Edges: a node's edges sort by kind, and a prefix
	// of one node never covers another node whose id extends it.
	if bytes.Compare(kindKey(1, "a-b"), kindKey(1, "a-c")) >= 0 {
		t.Error("kind index is not in id order")
	}
	if bytes.HasPrefix(edgePrefix(domain.Out, "ab", 0), edgePrefix(domain.Out, "a", 0)) {
		t.Error("edges of node a cover those of node ab")
	}
	early := &domain.Relation{Kind: "signatory", From: "x", To: "y", ValidFrom: domain.Date{Y: 1994, Precision: domain.Year}}
	late := &domain.Relation{Kind: "signatory", From: "x", To: "y", ValidFrom: domain.Date{Y: 2019, M: 1, D: 1, Precision: domain.Day}}
	k1, _ := edgeKeys(early)
	k2, _ := edgeKeys(late)
	if bytes.Compare(k1, k2) >= 0 {
		t.Error("edges between the same nodes are not in date order")
	}
	if bytes.Compare(changeKey(9, 1), changeKey(10, 0)) >= 0 || bytes.Compare(historyKey(Target{TargetNode, "a"}, 9, 9), historyKey(Target{TargetNode, "a"}, 10, 0)) >= 0 {
		t.Error("changes are not in version order")
	}
}
