// Package domain holds what the network is, independent of how it is stored
// or served: nodes, relations, partial dates and intervals, citations, their
// validation, the one error type with its codes, and the registry of node and
// relation kinds (kinds.go) with their pinned on-disk codes. It imports only
// the standard library; every other package may import it.
package domain
