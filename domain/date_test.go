package domain

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, s := range []string{"198X", "2006", "2019-06", "1994-07-25", "2020-02-29", "0905-03-01", "0090", "001X"} {
		d, err := ParseDate(s)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
			continue
		}
		if d.String() != s {
			t.Errorf("ParseDate(%q).String() = %q: precision lost", s, d.String())
		}
	}
	for _, s := range []string{"", "19", "06/2019", "2019-13", "2019-02-29", "2019-6-1", "1994-07-25T00:00:00Z", "abcd"} {
		if _, err := ParseDate(s); ErrorCode(err) != EBADINPUT {
			t.Errorf("ParseDate(%q) err = %v, want BAD_USER_INPUT", s, err)
		}
	}
}

// A client's date is a day, a month or a year, and its errors say so (not
// the decades only the dataset takes); a wrong day keeps its own reason.
func TestParseQueryDate(t *testing.T) {
	for s, want := range map[string]string{
		"198X":                 "want YYYY-MM-DD, YYYY-MM or YYYY",
		"2019-06-30T00:00:00Z": "want YYYY-MM-DD, YYYY-MM or YYYY",
		"2019-02-30":           "no such day",
		"2019-13":              "month 13 out of range",
	} {
		if _, err := ParseQueryDate(s); ErrorCode(err) != EBADINPUT || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "decade") {
			t.Errorf("ParseQueryDate(%q): %v, want %q", s, err, want)
		}
	}
	if d, err := ParseQueryDate("2019-06"); err != nil || d.String() != "2019-06" {
		t.Errorf("ParseQueryDate(2019-06) = %v, %v", d, err)
	}
}

func TestDateBounds(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tc := range []struct{ date, first, last string }{
		{"198X", "1980-01-01", "1989-12-31"},
		{"2006", "2006-01-01", "2006-12-31"},
		{"2020-02", "2020-02-01", "2020-02-29"},
		{"1994-07-25", "1994-07-25", "1994-07-25"},
	} {
		d, _ := ParseDate(tc.date)
		if !d.First().Equal(day(tc.first)) || !d.Last().Equal(day(tc.last)) {
			t.Errorf("%s covers %s..%s, want %s..%s", tc.date, d.First().Format(time.DateOnly), d.Last().Format(time.DateOnly), tc.first, tc.last)
		}
	}
	iv := Interval{From: Date{Y: 2015, Precision: Year}, To: Date{Y: 2017, Precision: Year}}
	on := func(s string) bool { d, _ := ParseDate(s); return iv.Meets(Interval{d, d}) }
	if !on("2015-01-01") || !on("2017-12-31") || on("2018-01-01") || on("2014-12-31") {
		t.Error("interval 2015..2017 does not cover exactly 2015-01-01..2017-12-31")
	}
}
