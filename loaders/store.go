package loaders

import "github.com/cccs13/cccs-graph/store"

// Store is the store the loaders read: the operation's view of the graph
// (the latest version, or an earlier one for knownAt).
func (l *Loaders) Store() *store.Store { return l.store }
