package domain

// Direction is the side of a node a relation is read from.
type Direction uint8

// Directions: Out reads relations whose From is the node, In those whose To is.
const (
	Out Direction = iota + 1
	In
	Both
)

// Reverse returns the direction seen from the other end.
func (d Direction) Reverse() Direction {
	switch d {
	case Out:
		return In
	case In:
		return Out
	}
	return d
}
