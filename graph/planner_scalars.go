package graph

import (
	"errors"
	"math"
	"strconv"

	"github.com/cccs13/cccs-graph/domain"
)

// The planner's writers of scalars and enums (internal/generate/plangen
// calls them where gqlgen's marshaler of the type would be): the same bytes
// as gqlgen's, written straight into the answer, without the closure each
// of gqlgen's marshalers returns (TestPlannerScalarsAsGqlgen).

// writeString writes s as graphql.MarshalString (and MarshalID) do: quoted,
// with ", \ and the control characters escaped, everything else as is
// (invalid UTF-8 too; the transport's json.HTMLEscape does the rest).
func (r *plannedRun) writeString(s string) {
	const hex = "0123456789ABCDEF"
	r.buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue // bytes of multibyte sequences are all >= 0x80
		}
		r.buf.WriteString(s[start:i])
		switch c {
		case '\t':
			r.buf.WriteString(`\t`)
		case '\r':
			r.buf.WriteString(`\r`)
		case '\n':
			r.buf.WriteString(`\n`)
		case '\\':
			r.buf.WriteString(`\\`)
		case '"':
			r.buf.WriteString(`\"`)
		default:
			r.buf.WriteString(`\u00`)
			r.buf.WriteByte(hex[c>>4])
			r.buf.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	r.buf.WriteString(s[start:])
	r.buf.WriteByte('"')
}

// writeInt writes n as graphql.MarshalInt does.
func (r *plannedRun) writeInt(n int) {
	r.buf.Write(strconv.AppendInt(r.buf.AvailableBuffer(), int64(n), 10))
}

// writeBool writes b as graphql.MarshalBoolean does.
func (r *plannedRun) writeBool(b bool) {
	r.buf.Write(strconv.AppendBool(r.buf.AvailableBuffer(), b))
}

// writeFloat writes f as graphql.MarshalFloatContext does (%g, the
// shortest form), and refuses infinities and NaN as it does.
func (r *plannedRun) writeFloat(f float64) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return errors.New("cannot marshal infinite no NaN float values")
	}
	r.buf.Write(strconv.AppendFloat(r.buf.AvailableBuffer(), f, 'g', -1, 64))
	return nil
}

// writeDate writes d as model.MarshalDate does: its text (digits, '-' and
// 'X', which need no escaping) quoted.
func (r *plannedRun) writeDate(d domain.Date) {
	b := append(r.buf.AvailableBuffer(), '"')
	r.buf.Write(append(d.Append(b), '"'))
}

// writeEnum writes the value of an enum type of gqlgen's models file as its
// MarshalGQL does (strconv.Quote).
func (r *plannedRun) writeEnum(s string) {
	r.buf.Write(strconv.AppendQuote(r.buf.AvailableBuffer(), s))
}
