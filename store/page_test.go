package store

import (
	"fmt"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

func TestPaginate(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	cur := func(s string) Cursor { return Cursor{ID: s} }
	ptr := func(n int) *int { return &n }
	str := func(s string) *string { return &s }
	ids := func(p Page[string]) string { return fmt.Sprint(p.Items, p.HasPrev, p.HasNext) }

	p, _ := Paginate(items, cur, false, PageArgs{First: ptr(2)})
	if ids(p) != "[a b] false true" || p.Total != 5 {
		t.Errorf("first 2 = %s", ids(p))
	}
	p, _ = Paginate(items, cur, false, PageArgs{First: ptr(2), After: str(p.Cursors[1].String())})
	if ids(p) != "[c d] true true" {
		t.Errorf("next 2 = %s", ids(p))
	}
	p, _ = Paginate(items, cur, false, PageArgs{Last: ptr(2), Before: str(cur("e").String())})
	if ids(p) != "[c d] true true" {
		t.Errorf("last 2 before e = %s", ids(p))
	}
	// A cursor stays valid when its item is gone: keys, not offsets.
	p, _ = Paginate([]string{"a", "c", "e"}, cur, false, PageArgs{First: ptr(5), After: str(cur("b").String())})
	if ids(p) != "[c e] true false" {
		t.Errorf("after a removed item = %s", ids(p))
	}
	desc := []string{"e", "d", "c", "b", "a"}
	p, _ = Paginate(desc, cur, true, PageArgs{First: ptr(2), After: str(cur("d").String())})
	if ids(p) != "[c b] true true" {
		t.Errorf("descending after d = %s", ids(p))
	}
	for _, bad := range []string{"", "not base64!", "bm90IGpzb24"} {
		if _, err := Paginate(items, cur, false, PageArgs{After: str(bad)}); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("cursor %q err = %v, want BAD_USER_INPUT", bad, err)
		}
	}
}
