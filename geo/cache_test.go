package geo

import (
	"bytes"
	"testing"
)

func TestByteCache(t *testing.T) {
	c := newByteCache[int](80)
	c.put(1, 1, bytes.Repeat([]byte("a"), 10))
	if b, ok := c.get(1, 1); !ok || len(b) != 10 {
		t.Fatalf("get after put: %q %v", b, ok)
	}
	if _, ok := c.get(2, 1); ok {
		t.Error("an entry of version 1 served at version 2")
	}
	c.put(1, 2, bytes.Repeat([]byte("b"), 11)) // above an eighth of the budget: not kept
	if _, ok := c.get(1, 2); ok {
		t.Error("an entry above an eighth of the budget was kept")
	}
	for k := 3; k < 12; k++ {
		c.put(1, k, bytes.Repeat([]byte("c"), 10))
	}
	if _, ok := c.get(1, 1); ok || c.bytes > 80 {
		t.Errorf("the first entry outlived the budget: %d bytes held", c.bytes)
	}
	c.put(2, 1, []byte("new"))
	if _, ok := c.get(2, 5); ok || c.bytes != 3 {
		t.Errorf("a new version kept old entries: %d bytes", c.bytes)
	}
}
