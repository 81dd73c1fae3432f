package domain

import (
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Precision says how much of a Date is known.
type Precision uint8

// Precisions, coarsest first.
const (
	Decade Precision = iota + 1
	Year
	Month
	Day
)

// Date is a partial calendar date: "198X" (a decade), "2006", "2019-06" or
// "1994-07-25". Its precision is kept; no day is ever invented. The zero Date
// is "no date" (an open interval end).
type Date struct {
	Y         int
	M, D      int
	Precision Precision
}

var dateRE = regexp.MustCompile(`^(\d{3})X$|^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// ParseQueryDate reads a date a client asks with (GraphQL's Date, an
// export's asOf): a day, a month or a year; decades are for the dataset's
// sources only. Returns EBADINPUT otherwise, saying which forms it takes.
func ParseQueryDate(s string) (Date, error) {
	d, err := ParseDate(s)
	if (err != nil && !dateRE.MatchString(s)) || (err == nil && d.Precision == Decade) {
		return Date{}, Errorf(EBADINPUT, "invalid date %.40q: want YYYY-MM-DD, YYYY-MM or YYYY", s)
	}
	return d, err
}

// ParseDate reads an ISO 8601 date of day, month or year precision, or a decade
// written "198X". Returns EBADINPUT for anything else, including impossible days.
func ParseDate(s string) (Date, error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return Date{}, Errorf(EBADINPUT, "invalid date %.40q: want YYYY-MM-DD, YYYY-MM, YYYY or a decade such as 198X", s)
	}
	if m[1] != "" {
		y, _ := strconv.Atoi(m[1])
		return Date{Y: y * 10, Precision: Decade}, nil
	}
	d := Date{Precision: Year}
	d.Y, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		d.M, _ = strconv.Atoi(m[3])
		d.Precision = Month
		if d.M < 1 || d.M > 12 {
			return Date{}, Errorf(EBADINPUT, "invalid date %.40q: month %d out of range", s, d.M)
		}
	}
	if m[4] != "" {
		d.D, _ = strconv.Atoi(m[4])
		d.Precision = Day
		t := time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC)
		if t.Day() != d.D {
			return Date{}, Errorf(EBADINPUT, "invalid date %.40q: no such day", s)
		}
	}
	return d, nil
}

// DayOf returns the Date of day precision for t.
func DayOf(t time.Time) Date {
	return Date{Y: t.Year(), M: int(t.Month()), D: t.Day(), Precision: Day}
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.Precision == 0 }

// String writes d with its precision, as ParseDate reads it.
func (d Date) String() string { return string(d.Append(make([]byte, 0, 10))) }

// Append appends the text of d (String) to b: the planner writes dates
// into its answer with it.
func (d Date) Append(b []byte) []byte {
	switch d.Precision {
	case Decade:
		return append(pad(b, d.Y/10, 3), 'X')
	case Year:
		return pad(b, d.Y, 4)
	case Month:
		return pad(append(pad(b, d.Y, 4), '-'), d.M, 2)
	case Day:
		return pad(append(pad(append(pad(b, d.Y, 4), '-'), d.M, 2), '-'), d.D, 2)
	}
	return b
}

// pad appends n in decimal with at least width characters, zeros first (as
// strconv.Itoa padded on the left; dates are written on every relation
// cursor and answer: no fmt, no allocation).
func pad(b []byte, n, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(n), 10)
	for len(b)-start < width {
		b = slices.Insert(b, start, '0')
	}
	return b
}

// First is the first day d covers.
func (d Date) First() time.Time {
	switch d.Precision {
	case Decade, Year:
		return time.Date(d.Y, 1, 1, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(d.Y, time.Month(d.M), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC)
}

// Last is the last day d covers.
func (d Date) Last() time.Time {
	switch d.Precision {
	case Decade:
		return time.Date(d.Y+10, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	case Year:
		return time.Date(d.Y+1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	case Month:
		return time.Date(d.Y, time.Month(d.M)+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	return d.First()
}

// Interval is a validity period; a zero end is open.
type Interval struct {
	From, To Date
}

// Meets reports whether two intervals share a day; open ends reach forever.
func (iv Interval) Meets(o Interval) bool {
	if !iv.To.IsZero() && !o.From.IsZero() && iv.To.Last().Before(o.From.First()) {
		return false
	}
	return o.To.IsZero() || iv.From.IsZero() || !o.To.Last().Before(iv.From.First())
}

// MarshalText writes the date as String does (used by JSON and YAML).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date as ParseDate does; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
