package bytelru

import "testing"

// The budget holds, the least recently used goes first, a replaced entry is
// weighed once, an entry over the budget is not kept, and a newer version
// empties the cache while an older one finds nothing.
func TestLRU(t *testing.T) {
	c := New(10, 0, func(_ string, v int) int { return v })
	c.At(1)
	c.Add("a", 4)
	c.Add("b", 4)
	c.Get("a") // b is now the least recently used
	if went := c.Add("c", 4); went != 1 || c.Contains("b") || !c.Contains("a") || c.Bytes() != 8 {
		t.Fatalf("evicted %d, b kept %v, a kept %v, %d bytes", went, c.Contains("b"), c.Contains("a"), c.Bytes())
	}
	c.Add("a", 2) // replaced: weighed once
	if c.Bytes() != 6 || c.Len() != 2 {
		t.Fatalf("after a replacement: %d bytes, %d entries; want 6 and 2", c.Bytes(), c.Len())
	}
	if c.Add("big", 11); c.Contains("big") {
		t.Error("an entry over the budget was kept")
	}
	if c.At(0) || c.Len() != 2 {
		t.Errorf("an older version is the cache's, or emptied it: %d entries", c.Len())
	}
	if !c.At(2) || c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("a newer version kept %d entries, %d bytes", c.Len(), c.Bytes())
	}
	c.Add("d", 3)
	c.Reset()
	if !c.At(1) || c.Len() != 0 {
		t.Errorf("after Reset, version 1 is not the cache's or entries remain: %d", c.Len())
	}
	small := New(100, 2, func(_ string, v int) int { return v })
	small.Add("x", 1)
	small.Add("y", 1)
	small.Add("z", 1)
	if small.Len() != 2 || small.Contains("x") || small.Bytes() != 2 {
		t.Errorf("the count bound: %d entries, %d bytes", small.Len(), small.Bytes())
	}
}
