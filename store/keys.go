package store

import (
	"encoding/binary"
	"fmt"

	"github.com/cccs13/cccs-graph/domain"
)

// Key layout: the one place that says how keys are built. Every key starts
// with a one-byte prefix from this table. Codes are never reused; a retired
// code stays here, reserved, as `_ = 0xNN // retired: why`.
const (
	pMeta        byte = 0x01 // pMeta -> schema version (uint32)
	pDataVersion byte = 0x02 // pDataVersion -> uint64: the version published last (each write's commit timestamp)
	pKnownAt     byte = 0x03 // pKnownAt be64(unix nanoseconds) be64(version) -> empty: when each version was published

	pNode      byte = 0x10 // pNode id -> node value
	pKindIndex byte = 0x11 // pKindIndex kind id -> empty
	pCodeIndex byte = 0x12 // pCodeIndex kind lp(code) id -> empty: natural keys (INSEE codes, ...)

	// 0x13-0x1F: the ordered indexes of the collections (order.go). Each
	// entry is the position of a node in one order: the cursor's sort key,
	// escaped and terminated (ordered), then the id, so that byte order is
	// the order of the pages and a page is a seek and k reads. The id order
	// is pKindIndex itself.
	pOrderVersion  byte = 0x13 // pOrderVersion -> be32(orderIndexVersion): the ordered indexes are complete at this version
	pOrderName     byte = 0x14 // pOrderName kind ordered(fold(name)) id -> empty
	pOrderDateAsc  byte = 0x15 // pOrderDateAsc kind ordered(sort date, "~" when none) id -> empty
	pOrderDateDesc byte = 0x16 // pOrderDateDesc kind ordered(sort date, "" when none) id -> empty: read backwards

	// A relation is identified by (from, kind, to, validFrom, onBehalfOf): one
	// person may sign the same document on behalf of two organizations.
	pEdgeOut byte = 0x20 // pEdgeOut lp(from) relkind lp(to) date(validFrom) lp(onBehalfOf) -> relation value
	pEdgeIn  byte = 0x21 // pEdgeIn lp(to) relkind lp(from) date(validFrom) lp(onBehalfOf) -> relation value
	// A node's relations in the order of their cursors (RelationCursor), so
	// that a page of them is a seek and k reads (relpage.go). The last byte
	// is the list the entry stands in (0 out, 1 in): a relation of a node
	// to itself is in both.
	pRelOrder byte = 0x22 // pRelOrder lp(node) ordered(cursor key) ordered(cursor id) list -> out-edge key

	// 0x30-0x3F: search index (postings.go). A token is written raw and ends
	// with a zero byte (tokens are letters and digits); a posting list is
	// one token and one kind, in the order search answers: best score first,
	// then folded name, then id.
	_              byte = 0x30 // retired: pSearchTerm token 0x00 id (tokenizer version 1)
	_              byte = 0x31 // retired: pSearchStem stem 0x00 id (tokenizer version 1)
	pSearchVersion byte = 0x32 // pSearchVersion -> tokenizer version (uint32) the index was built with
	pPrefixPosting byte = 0x33 // pPrefixPosting prefix 0x00 kind posting -> empty: every beginning of every token, scored for that query
	pStemPosting   byte = 0x34 // pStemPosting stem 0x00 kind posting -> the node's tokens: French stems, scored as a word

	// 0x40-0x4F: geometry and spatial index. The spatial index itself is an
	// in-memory R-tree rebuilt from the pGeometry values (their bbox comes
	// first), so it needs no keys of its own.
	pGeometry byte = 0x40 // pGeometry id -> geometry value: version, bbox, centroid, GeoJSON bytes (geometry.go)

	// 0x50-0x5F: API tokens (apitokens.go). Only their SHA-256 hashes are kept.
	pToken     byte = 0x50 // pToken sha256(token) -> token record (name, role, created, revoked)
	pTokenName byte = 0x51 // pTokenName name -> sha256(token): names are unique

	// 0x60-0x6F: the edit history (history.go).
	pChange  byte = 0x60 // pChange be64(version) be32(seq) -> change record
	pHistory byte = 0x61 // pHistory type('n'|'r') lp(id) be64(version) be32(seq) -> empty: a target's changes
)

// schemaVersion is stored under pMeta; bump it when the layout changes.
const schemaVersion uint32 = 2 // 2: managed timestamps (data versions), history, tokens

var (
	metaKey          = []byte{pMeta}
	dataVersionKey   = []byte{pDataVersion}
	searchVersionKey = []byte{pSearchVersion}
	orderVersionKey  = []byte{pOrderVersion}
)

// keyWriter appends key parts: integers big-endian, variable parts length-prefixed,
// so that byte order is scan order and a key parses back unambiguously.
type keyWriter []byte

func (k keyWriter) byte1(b byte) keyWriter { return append(k, b) }

// lp appends a length-prefixed string (uint16 length).
func (k keyWriter) lp(s string) keyWriter {
	k = binary.BigEndian.AppendUint16(k, uint16(len(s)))
	return append(k, s...)
}

// ordered appends a string so that the byte order of what follows is the
// order of the strings, then of what comes after: every zero byte escaped
// as 0x00 0xFF, then the terminator 0x00 0x01, which sorts before both an
// escaped zero and any other byte (a string before its extensions).
func (k keyWriter) ordered(s string) keyWriter {
	for i := range len(s) {
		if s[i] == 0 {
			k = append(k, 0, 0xFF)
		} else {
			k = append(k, s[i])
		}
	}
	return append(k, 0, 1)
}

// readOrdered inverts keyWriter.ordered: the string, and what follows it.
func readOrdered(b []byte) (string, []byte, error) {
	var s []byte
	for i := 0; i+1 < len(b); i++ {
		if b[i] != 0 {
			s = append(s, b[i])
			continue
		}
		switch b[i+1] {
		case 1:
			return string(s), b[i+2:], nil
		case 0xFF:
			s = append(s, 0)
			i++
		default:
			return "", nil, fmt.Errorf("bad escape 0x00 0x%02x", b[i+1])
		}
	}
	return "", nil, fmt.Errorf("ordered string without its terminator")
}

// raw appends a string with no prefix: only ever as a key's last part.
func (k keyWriter) raw(s string) keyWriter { return append(k, s...) }

// date appends a Date in 5 fixed bytes (year, month, day, precision), in date order.
func (k keyWriter) date(d domain.Date) keyWriter {
	k = binary.BigEndian.AppendUint16(k, uint16(d.Y))
	return append(k, byte(d.M), byte(d.D), byte(d.Precision))
}

func nodeKey(id string) []byte { return keyWriter{pNode}.raw(id) }

func geometryKey(id string) []byte { return keyWriter{pGeometry}.raw(id) }

func kindPrefix(kc byte) []byte { return keyWriter{pKindIndex}.byte1(kc) }

func kindKey(kc byte, id string) []byte { return keyWriter(kindPrefix(kc)).raw(id) }

// orderPrefix is the prefix of one kind's entries in an ordered index.
func orderPrefix(p, kc byte) []byte { return keyWriter{p}.byte1(kc) }

// orderKey is a node's entry in an ordered index: its cursor in that order.
func orderKey(p, kc byte, c Cursor) []byte {
	return keyWriter(orderPrefix(p, kc)).ordered(c.Key).raw(c.ID)
}

func codePrefix(kc byte, code string) []byte { return keyWriter{pCodeIndex}.byte1(kc).lp(code) }

func codeKey(kc byte, code, id string) []byte { return keyWriter(codePrefix(kc, code)).raw(id) }

// edgePrefix is the prefix of a node's edges in one direction, optionally of one kind.
func edgePrefix(dir domain.Direction, id string, rk byte) []byte {
	p := byte(pEdgeOut)
	if dir == domain.In {
		p = pEdgeIn
	}
	k := keyWriter{p}.lp(id)
	if rk != 0 {
		k = k.byte1(rk)
	}
	return k
}

// edgeKeys returns the out and in keys of a relation.
func edgeKeys(r *domain.Relation) (out, in []byte) {
	rk, _ := relKindCode(r.Kind)
	out = keyWriter(edgePrefix(domain.Out, r.From, rk)).lp(r.To).date(r.ValidFrom).lp(r.OnBehalfOf)
	in = keyWriter(edgePrefix(domain.In, r.To, rk)).lp(r.From).date(r.ValidFrom).lp(r.OnBehalfOf)
	return out, in
}

// relOrderPrefix is the prefix of a node's entries in the relation order.
func relOrderPrefix(id string) []byte { return keyWriter{pRelOrder}.lp(id) }

// relOrderPos is the position of a cursor among a node's relations: its
// entries (one per list it stands in) come right after it.
func relOrderPos(id string, c Cursor) []byte {
	return keyWriter(relOrderPrefix(id)).ordered(c.Key).ordered(c.ID)
}

// relOrderKeys returns a relation's entries in the relation order: one in
// its From's list (out), one in its To's (in).
func relOrderKeys(r *domain.Relation) (out, in []byte) {
	out = keyWriter(relOrderPos(r.From, RelationCursor(r.From, r))).byte1(0)
	in = keyWriter(relOrderPos(r.To, RelationCursor(r.To, r))).byte1(1)
	return out, in
}

// Key is a parsed key, for tests and diagnostics.
type Key struct {
	Prefix    byte
	Kind      byte
	ID        string // node id; for edges, the node the key belongs to
	Other     string // edges: the node at the other end; code index: the code; search: the token; ordered indexes: the sort key
	ValidFrom domain.Date
	Qualifier string // edges: the onBehalfOf part of the identity; relation order: the cursor id
	Version   uint64 // history and knownAt keys: the data version
	Seq       uint32 // change keys: the change's place in its version
	At        int64  // knownAt keys: unix nanoseconds
	Score     uint32 // postings: the inverted score (hitCursor's number)
	Name      string // postings: the folded name, as far as the key holds it
}

// ParseKey inverts every key builder above.
func ParseKey(b []byte) (Key, error) {
	if len(b) == 0 {
		return Key{}, fmt.Errorf("empty key")
	}
	k := Key{Prefix: b[0]}
	rest := b[1:]
	var err error
	switch k.Prefix {
	case pMeta, pDataVersion, pSearchVersion, pOrderVersion:
		if len(rest) != 0 {
			return k, fmt.Errorf("key %x: trailing bytes", b)
		}
	case pNode, pGeometry, pToken, pTokenName:
		k.ID = string(rest)
	case pKindIndex:
		if len(rest) < 1 {
			return k, fmt.Errorf("key %x: short", b)
		}
		k.Kind, k.ID = rest[0], string(rest[1:])
	case pCodeIndex:
		if len(rest) < 1 {
			return k, fmt.Errorf("key %x: short", b)
		}
		k.Kind = rest[0]
		if k.Other, rest, err = readLP(rest[1:]); err == nil {
			k.ID = string(rest)
		}
	case pOrderName, pOrderDateAsc, pOrderDateDesc:
		if len(rest) < 1 {
			return k, fmt.Errorf("key %x: short", b)
		}
		k.Kind = rest[0]
		if k.Other, rest, err = readOrdered(rest[1:]); err == nil {
			k.ID = string(rest)
		}
	case pEdgeOut, pEdgeIn:
		if k.ID, rest, err = readLP(rest); err != nil {
			break
		}
		if len(rest) < 1 {
			return k, fmt.Errorf("key %x: short", b)
		}
		k.Kind = rest[0]
		if k.Other, rest, err = readLP(rest[1:]); err != nil {
			break
		}
		if len(rest) < 5 {
			return k, fmt.Errorf("key %x: bad date part", b)
		}
		k.ValidFrom = domain.Date{Y: int(binary.BigEndian.Uint16(rest)), M: int(rest[2]), D: int(rest[3]), Precision: domain.Precision(rest[4])}
		if k.Qualifier, rest, err = readLP(rest[5:]); err == nil && len(rest) != 0 {
			err = fmt.Errorf("key %x: trailing bytes", b)
		}
	case pRelOrder:
		if k.ID, rest, err = readLP(rest); err != nil {
			break
		}
		if k.Other, rest, err = readOrdered(rest); err != nil {
			break
		}
		if k.Qualifier, rest, err = readOrdered(rest); err == nil && (len(rest) != 1 || rest[0] > 1) {
			err = fmt.Errorf("key %x: want the list byte last", b)
		}
		if err == nil {
			k.Kind = rest[0]
		}
	case pKnownAt:
		if len(rest) != 16 {
			return k, fmt.Errorf("key %x: want 16 bytes after the prefix", b)
		}
		k.At, k.Version = int64(binary.BigEndian.Uint64(rest)), binary.BigEndian.Uint64(rest[8:])
	case pChange:
		if len(rest) != 12 {
			return k, fmt.Errorf("key %x: want 12 bytes after the prefix", b)
		}
		k.Version, k.Seq = binary.BigEndian.Uint64(rest), binary.BigEndian.Uint32(rest[8:])
	case pHistory:
		if len(rest) < 1 {
			return k, fmt.Errorf("key %x: short", b)
		}
		k.Kind = rest[0]
		if k.ID, rest, err = readLP(rest[1:]); err == nil {
			if len(rest) != 12 {
				return k, fmt.Errorf("key %x: want version and sequence", b)
			}
			k.Version, k.Seq = binary.BigEndian.Uint64(rest), binary.BigEndian.Uint32(rest[8:])
		}
	case pPrefixPosting, pStemPosting:
		var p posting
		if p, err = parsePosting(b); err == nil {
			k.Other, k.Kind, k.ID, k.Score, k.Name = p.token, p.kind, p.id, p.inv, p.name
		}
	default:
		return k, fmt.Errorf("key %x: unknown prefix", b)
	}
	return k, err
}

// edgeOther is the other end of an edge key (ParseKey's Other), without a
// copy: a walk tests the ends of a hub's edges before it decodes any.
func edgeOther(b []byte) ([]byte, error) {
	if len(b) < 1 || (b[0] != pEdgeOut && b[0] != pEdgeIn) {
		return nil, fmt.Errorf("key %x: not an edge", b)
	}
	_, rest, ok := splitLP(b[1:])
	if ok && len(rest) > 0 {
		if other, _, ok := splitLP(rest[1:]); ok {
			return other, nil
		}
	}
	return nil, fmt.Errorf("key %x: short edge", b)
}

// splitLP is readLP without a copy: the value and what follows it.
func splitLP(b []byte) (v, rest []byte, ok bool) {
	if len(b) < 2 {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		return nil, nil, false
	}
	return b[2 : 2+n], b[2+n:], true
}

func readLP(b []byte) (string, []byte, error) {
	v, rest, ok := splitLP(b)
	if !ok {
		return "", nil, fmt.Errorf("short length prefix or value")
	}
	return string(v), rest, nil
}

// kindCode is the pinned key code of a node kind (domain.Kinds).
func kindCode(k domain.Kind) (byte, bool) {
	info, ok := domain.KindOf(k)
	if !ok {
		return 0, false
	}
	return info.Code, true
}

// relKindCode is the pinned key code of a relation kind (domain.RelKinds).
func relKindCode(k domain.RelKind) (byte, bool) {
	info, ok := domain.RelKindOf(k)
	if !ok {
		return 0, false
	}
	return info.Code, true
}
