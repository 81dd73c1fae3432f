package edge

import (
	"net/url"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

func TestParams(t *testing.T) {
	for query, want := range map[string]string{
		"":                        "",
		"asOf=2019&kinds=a":       "",
		"asof=2019":               `unknown parameter "asof": an export takes asOf, kinds`,
		"zz=1&aa=2":               `unknown parameter "aa"`, // the first in name order, whatever the map's
		"asOf=2019&asOf=2021":     "parameter asOf is given 2 times",
		strings.Repeat("x", 5000): `unknown parameter "` + strings.Repeat("x", 64) + `": an export`,
	} {
		q, _ := url.ParseQuery(query)
		err := Params(q, "an export", "asOf", "kinds")
		if want == "" {
			if err != nil {
				t.Errorf("%.40s: %v", query, err)
			}
			continue
		}
		if domain.ErrorCode(err) != domain.EBADINPUT || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want %s containing %q", query, err, domain.EBADINPUT, want)
		}
	}
	q, allowed := url.Values{"datetime": {"2019"}}, []string{"datetime", "crs"}
	if n := testing.AllocsPerRun(100, func() { Params(q, "this resource", allowed...) }); n != 0 {
		t.Errorf("right parameters: %v allocations", n)
	}
}
