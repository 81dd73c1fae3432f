// Package synth makes synthetic networks of a chosen size from the default
// dataset, for benchmarks: the same structure, repeated. The sources and
// the territories (the real geography) are kept once; every other node is
// copied factor times with its relations, and a copy's relations to a
// territory or a source reach the one original, so the copies form one
// network through the map, as more centres in the same département would.
package synth

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// MaxFactor bounds the size asked for: 1,000 times the default dataset is
// about 110,000 nodes and 450,000 relations.
const MaxFactor = 1000

// Default returns the embedded default dataset scaled by factor (1 is the
// dataset as it is).
func Default(factor int) (store.Dataset, error) {
	var ds store.Dataset
	for _, f := range store.DefaultDataset() {
		var part store.Dataset
		if err := yaml.Unmarshal(f.Data, &part); err != nil {
			return ds, fmt.Errorf("%s: %w", f.Name, err)
		}
		ds.Nodes = append(ds.Nodes, part.Nodes...)
		ds.Relations = append(ds.Relations, part.Relations...)
	}
	return Scale(ds, factor)
}

// shared are the kinds of node kept once.
var shared = map[domain.Kind]bool{domain.KindSource: true, domain.KindTerritory: true}

// Scale returns ds with its other nodes copied factor times: copy 0 keeps
// the ids, copy i has ids ending in "-xI" and names ending in " (I)".
func Scale(ds store.Dataset, factor int) (store.Dataset, error) {
	if factor < 1 || factor > MaxFactor {
		return store.Dataset{}, fmt.Errorf("synth: factor %d is not between 1 and %d", factor, MaxFactor)
	}
	kept := map[string]bool{}
	var out store.Dataset
	for _, n := range ds.Nodes {
		if shared[n.Kind] {
			kept[n.ID] = true
			out.Nodes = append(out.Nodes, n)
		}
	}
	for i := range factor {
		for _, n := range ds.Nodes {
			if !shared[n.Kind] {
				c := *n
				c.ID, c.Name = copyID(n.ID, i), copyName(n.Name, i)
				out.Nodes = append(out.Nodes, &c)
			}
		}
		for _, r := range ds.Relations {
			if kept[r.From] && kept[r.To] && i > 0 {
				continue // between shared nodes: once
			}
			c := *r
			c.From, c.To = copyEnd(r.From, i, kept), copyEnd(r.To, i, kept)
			if c.OnBehalfOf != "" {
				c.OnBehalfOf = copyEnd(r.OnBehalfOf, i, kept)
			}
			out.Relations = append(out.Relations, &c)
		}
	}
	return out, nil
}

// copyID is the id of copy i of a node: the id with "-xI", shortened with a
// hash of the whole id where that would pass the 80 characters of an id.
func copyID(id string, i int) string {
	if i == 0 {
		return id
	}
	suffix := "-x" + strconv.Itoa(i)
	if len(id)+len(suffix) > maxID {
		h := fnv.New32a()
		h.Write([]byte(id))
		id = fmt.Sprintf("%s-%08x", strings.TrimRight(id[:maxID-len(suffix)-9], "-"), h.Sum32())
	}
	return id + suffix
}

// maxID is the longest node id (domain.ValidID).
const maxID = 80

func copyName(name string, i int) string {
	if i == 0 {
		return name
	}
	return name + " (" + strconv.Itoa(i) + ")"
}

func copyEnd(id string, i int, kept map[string]bool) string {
	if kept[id] {
		return id
	}
	return copyID(id, i)
}

// File writes a dataset as one dataset file, for store.Import.
func File(ds store.Dataset) (store.File, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(&ds); err != nil {
		return store.File{}, err
	}
	if err := enc.Close(); err != nil {
		return store.File{}, err
	}
	return store.File{Name: "synthetic.yaml", Data: buf.Bytes()}, nil
}
