package edge

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
)

// Params checks a request's query: only the allowed parameters, each given
// once (only the first would count, silently: ?dryRun=false&dryRun=true
// would import for real while a proxy's log shows a dry run). taker names
// what takes them in the message ("this resource"). Returns EBADINPUT for
// the first wrong parameter in name order; nothing is allocated when all
// are right.
func Params(q url.Values, taker string, allowed ...string) error {
	for k, vs := range q {
		if len(vs) > 1 || !slices.Contains(allowed, k) {
			return paramError(q, taker, allowed)
		}
	}
	return nil
}

func paramError(q url.Values, taker string, allowed []string) error {
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(allowed, k) {
			return domain.Errorf(domain.EBADINPUT, "unknown parameter %.64q: %s takes %s", k, taker, strings.Join(allowed, ", "))
		}
		if n := len(q[k]); n > 1 {
			return domain.Errorf(domain.EBADINPUT, "parameter %s is given %d times", k, n)
		}
	}
	return nil
}
