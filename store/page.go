package store

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
)

// Cursor is a position in an ordered list: the sort key and the id of the item
// at that position. Cursors are keys, not offsets, so they stay valid when
// items are added before them.
type Cursor struct {
	Key   string `json:"k"`
	ID    string `json:"i"`
	Order string `json:"o,omitempty"` // the ordering the cursor belongs to
	List  string `json:"l,omitempty"` // the collection it belongs to
	// text is the cursor already encoded, set by the read cache on the
	// cursors it hands out whole (rellist.go); "" to encode on demand.
	text string
}

// String encodes the cursor for clients (opaque, URL-safe).
func (c Cursor) String() string {
	if c.text != "" {
		return c.text
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxCursor is the longest cursor: a key and an id, base64-encoded JSON.
const maxCursor = 1024

// ParseCursor decodes a client's cursor. Returns EBADINPUT if it is not one;
// a cursor longer than any this server writes is refused without decoding.
func ParseCursor(s string) (Cursor, error) {
	var c Cursor
	if len(s) > maxCursor {
		return Cursor{}, domain.Errorf(domain.EBADINPUT, "invalid cursor %q: longer than %d bytes", s, maxCursor)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return Cursor{}, domain.Errorf(domain.EBADINPUT, "invalid cursor %q", s)
	}
	return c, nil
}

// Compare orders cursors by key, then id.
func (c Cursor) Compare(o Cursor) int {
	return cmp.Or(cmp.Compare(c.Key, o.Key), cmp.Compare(c.ID, o.ID))
}

// PageArgs are Relay's pagination arguments, checked by the caller.
type PageArgs struct {
	First, Last   *int
	After, Before *string
	Order         string // names the ordering: a cursor of another one is refused
	List          string // names the collection: a cursor of another one is refused
}

// Page is one page of an ordered list.
type Page[T any] struct {
	Items            []T
	Cursors          []Cursor
	Total            int
	HasPrev, HasNext bool
}

// Paginate cuts a page out of items, which must be sorted by cursorOf in
// ascending order, or descending when desc. Returns EBADINPUT for a bad cursor.
func Paginate[T any](items []T, cursorOf func(T) Cursor, desc bool, args PageArgs) (Page[T], error) {
	p := Page[T]{Total: len(items)}
	before := func(a, b Cursor) bool { // a comes before b in the list's order
		if desc {
			return a.Compare(b) > 0
		}
		return a.Compare(b) < 0
	}
	lo, hi := 0, len(items)
	if args.After != nil {
		c, err := args.parse(*args.After)
		if err != nil {
			return p, err
		}
		for lo < hi && !before(c, cursorOf(items[lo])) {
			lo++
		}
	}
	if args.Before != nil {
		c, err := args.parse(*args.Before)
		if err != nil {
			return p, err
		}
		for hi > lo && !before(cursorOf(items[hi-1]), c) {
			hi--
		}
	}
	p.HasPrev, p.HasNext = lo > 0 && args.After != nil, hi < len(items) && args.Before != nil
	if args.First != nil && hi-lo > *args.First {
		hi = lo + *args.First
		p.HasNext = true
	}
	if args.Last != nil && hi-lo > *args.Last {
		lo = hi - *args.Last
		p.HasPrev = true
	}
	p.Items = items[lo:hi]
	for _, it := range p.Items {
		c := cursorOf(it)
		c.Order, c.List = args.Order, args.List
		p.Cursors = append(p.Cursors, c)
	}
	return p, nil
}

// Check parses the cursors of args as a page read would, so that a bad
// one is refused before a batch read. Returns EBADINPUT.
func (args PageArgs) Check() error {
	for _, c := range []*string{args.After, args.Before} {
		if c != nil {
			if _, err := args.parse(*c); err != nil {
				return err
			}
		}
	}
	return nil
}

// parse reads a cursor given with these arguments. Returns EBADINPUT for a
// cursor that is none, or that belongs to another ordering (its position
// would mean nothing in this one).
func (args PageArgs) parse(s string) (Cursor, error) {
	c, err := ParseCursor(s)
	if err == nil && c.List != args.List {
		err = domain.Errorf(domain.EBADINPUT, "cursor %s belongs to another list (%s), not to %s: use the cursors of this list's own pages", quoteShort(s), cmp.Or(c.List, "relations or search"), cmp.Or(args.List, "this one"))
	} else if err == nil && c.Order != args.Order {
		err = domain.Errorf(domain.EBADINPUT, "cursor %q belongs to another ordering: ask again without it", s)
	}
	return c, err
}

// quoteShort quotes at most a short prefix of a client's text.
func quoteShort(s string) string {
	const max = 24
	if len(s) > max {
		return strconv.Quote(strings.ToValidUTF8(s[:max], "")) + "..."
	}
	return strconv.Quote(s)
}
