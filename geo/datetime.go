package geo

import (
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/domain"
)

// when is the time a map request is about: the `datetime` of OGC API -
// Features Part 1 (an instant or an interval, either end open) or the
// `asOf` date of /geo and GraphQL. The network's attributes are those of
// one date, asOf, read as GraphQL's asOf is; features with a life of their own (facilities) are kept when
// they exist at some time between from and to.
type when struct {
	from, to domain.Date // zero: open
	asOf     domain.Date // the date the attributes describe
}

// today is the default: the network as it stands now.
func today() when {
	d := domain.Today()
	return when{from: d, to: d, asOf: d}
}

// maxDatetimeLen bounds the parameter before it is parsed.
const maxDatetimeLen = 64

// parseDatetime reads the OGC `datetime` parameter: an instant
// ("2019-06-27" or RFC 3339 "2019-06-27T10:00:00Z") or an interval of two
// instants separated by "/", where ".." or nothing leaves an end open. The
// attributes describe the last day of the interval, today when it is open
// at the end. Returns BAD_USER_INPUT.
func parseDatetime(v string) (when, error) {
	if len(v) > maxDatetimeLen {
		return when{}, domain.Errorf(domain.EBADINPUT, "datetime=%.20s...: too long for an instant or an interval", v)
	}
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		d, err := instant(v, v)
		return when{from: d, to: d, asOf: d}, err
	}
	var w when
	var err error
	if w.from, err = openInstant(start, v); err != nil {
		return w, err
	}
	if w.to, err = openInstant(end, v); err != nil {
		return w, err
	}
	if w.from.IsZero() && w.to.IsZero() {
		return w, domain.Errorf(domain.EBADINPUT, "datetime=%s: an interval needs at least one end (such as 2015-01-01/..)", v)
	}
	if !w.from.IsZero() && !w.to.IsZero() && w.to.First().Before(w.from.First()) {
		return w, domain.Errorf(domain.EBADINPUT, "datetime=%s: the interval ends before it starts", v)
	}
	w.asOf = w.to
	if w.asOf.IsZero() {
		w.asOf = domain.Today()
	}
	return w, nil
}

// openInstant reads one end of an interval: "" or ".." is open (zero).
func openInstant(s, whole string) (domain.Date, error) {
	if s == "" || s == ".." {
		return domain.Date{}, nil
	}
	return instant(s, whole)
}

// instant reads a date or an RFC 3339 date-time as the day it falls on (in
// UTC).
func instant(s, whole string) (domain.Date, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return domain.DayOf(t.UTC()), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return domain.DayOf(t), nil
	}
	return domain.Date{}, domain.Errorf(domain.EBADINPUT,
		"datetime=%s: %q is neither a date (2019-06-27) nor an RFC 3339 date-time (2019-06-27T10:00:00Z); an interval is start/end with .. for an open end", whole, s)
}

// parseAsOf reads the `asOf` parameter of /geo: a date as GraphQL takes it
// (2019-06-27, 2019-06, 2019: relations in force at some time of it count).
func parseAsOf(v string) (when, error) {
	if len(v) > maxDatetimeLen {
		return when{}, domain.Errorf(domain.EBADINPUT, "asOf=%.20s...: too long for a date", v)
	}
	d, err := domain.ParseDate(v)
	if err != nil {
		return when{}, domain.Errorf(domain.EBADINPUT, "asOf=%s: a date such as 2019-06-27, 2019-06 or 2019", v)
	}
	return when{from: d, to: d, asOf: d}, nil
}

// meets reports whether the interval [from, to] of a node's life (zero ends
// open) shares a day with w.
func (w when) meets(iv domain.Interval) bool {
	return iv.Meets(domain.Interval{From: w.from, To: w.to})
}
