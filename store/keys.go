package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cccs13/cccs-graph/domain"
)

// Key layout: the one place that says how keys are built. Every key starts
// with a one-byte prefix from this table. Codes are never reused; a retired
// code stays here, reserved, as `_ = 0xNN // retired: why`.
const (
	pMeta        byte = 0x01 // pMeta -> schema version (uint32)
	pDataVersion byte = 0x02 // pDataVersion -> uint64 bumped by every write that changes data

	pNode      byte = 0x10 // pNode id -> node value
	pKindIndex byte = 0x11 // pKindIndex kind id -> empty
	pCodeIndex byte = 0x12 // pCodeIndex kind lp(code) id -> empty: natural keys (INSEE codes, ...)

	// A relation is identified by (from, kind, to, validFrom, onBehalfOf): one
	// person may sign the same document on behalf of two organizations.
	pEdgeOut byte = 0x20 // pEdgeOut lp(from) relkind lp(to) date(validFrom) lp(onBehalfOf) -> relation value
	pEdgeIn  byte = 0x21 // pEdgeIn lp(to) relkind lp(from) date(validFrom) lp(onBehalfOf) -> relation value

	// 0x30-0x3F: search index. A token is written raw and ends with a zero
	// byte (tokens are letters and digits), so a prefix scan on a token's
	// beginning finds every longer token: typing "septe" finds "septemes".
	pSearchTerm    byte = 0x30 // pSearchTerm token 0x00 id -> empty: folded words of name, shortName, aliases
	pSearchStem    byte = 0x31 // pSearchStem stem 0x00 id -> empty: their French stems
	pSearchVersion byte = 0x32 // pSearchVersion -> tokenizer version (uint32) the index was built with

	// 0x40-0x4F: geometry and spatial index. The spatial index itself is an
	// in-memory R-tree rebuilt from the pGeometry values (their bbox comes
	// first), so it needs no keys of its own.
	pGeometry byte = 0x40 // pGeometry id -> geometry value: version, bbox, centroid, GeoJSON bytes (geometry.go)
)

// schemaVersion is stored under pMeta; bump it when the layout changes.
const schemaVersion uint32 = 1

var (
	metaKey          = []byte{pMeta}
	dataVersionKey   = []byte{pDataVersion}
	searchVersionKey = []byte{pSearchVersion}
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

func codePrefix(kc byte, code string) []byte { return keyWriter{pCodeIndex}.byte1(kc).lp(code) }

func codeKey(kc byte, code, id string) []byte { return keyWriter(codePrefix(kc, code)).raw(id) }

// searchPrefix is the prefix of the index entries of a token (exact, with
// the terminating zero byte) or of every token that starts with it.
func searchPrefix(p byte, token string, exact bool) []byte {
	k := keyWriter{p}.raw(token)
	if exact {
		k = k.byte1(0)
	}
	return k
}

func searchKey(p byte, token, id string) []byte {
	return keyWriter(searchPrefix(p, token, true)).raw(id)
}

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

// Key is a parsed key, for tests and diagnostics.
type Key struct {
	Prefix    byte
	Kind      byte
	ID        string // node id; for edges, the node the key belongs to
	Other     string // edges: the node at the other end; code index: the code; search: the token
	ValidFrom domain.Date
	Qualifier string // edges: the onBehalfOf part of the identity
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
	case pMeta, pDataVersion, pSearchVersion:
		if len(rest) != 0 {
			return k, fmt.Errorf("key %x: trailing bytes", b)
		}
	case pNode, pGeometry:
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
	case pSearchTerm, pSearchStem:
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return k, fmt.Errorf("key %x: token without its end byte", b)
		}
		k.Other, k.ID = string(rest[:i]), string(rest[i+1:])
	default:
		return k, fmt.Errorf("key %x: unknown prefix", b)
	}
	return k, err
}

func readLP(b []byte) (string, []byte, error) {
	if len(b) < 2 {
		return "", nil, fmt.Errorf("short length prefix")
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		return "", nil, fmt.Errorf("length prefix %d past end", n)
	}
	return string(b[2 : 2+n]), b[2+n:], nil
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
