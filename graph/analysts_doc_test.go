package graph

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAnalystsExamplesAnswerAsDocumented runs each query of docs/analysts.md
// and compares the answer with the JSON printed after it, which may be
// shortened with "..." (see shortenedJSON): what it shows must be there.
func TestAnalystsExamplesAnswerAsDocumented(t *testing.T) {
	checkDocExamples(t, "analysts.md", 4, shortenedAnswerDiff)
}

// shortenedAnswerDiff says where the data got departs from an answer printed
// without its "data" wrapper and maybe shortened; "" when it does not.
func shortenedAnswerDiff(got any, printed string) string {
	want, err := shortenedJSON(printed)
	if err != nil {
		return "the printed answer does not parse: " + err.Error()
	}
	return shortenedDiff(got, want, "data")
}

// TestAnalystsFiguresAsDocumented reads the figures and names of the prose of
// docs/analysts.md (and of the NetworkX output it prints) and asks the server.
func TestAnalystsFiguresAsDocumented(t *testing.T) {
	checkDocFigures(t, "analysts.md", analystsFigures)
}

// checkDocFigures reads the figures of the prose of a page of docs/.
func checkDocFigures(t *testing.T, page string, figures []docFigure) {
	// The prose with its code spans unquoted and its white space collapsed, as
	// the figures match it.
	prose := strings.Join(strings.Fields(strings.ReplaceAll(readDoc(t, page), "`", "")), " ")
	c := newClient(defaultDataset(t))
	answers := map[string]any{}
	for _, f := range figures {
		m := regexp.MustCompile(f.said).FindStringSubmatch(prose)
		if m == nil {
			t.Errorf("docs/%s no longer says %q: update the page or its figures", page, f.said)
			continue
		}
		if len(m)-1 != len(f.paths) {
			t.Fatalf("%q has %d groups and %d paths", f.said, len(m)-1, len(f.paths))
		}
		data, ok := answers[f.q]
		if !ok {
			data = postQuery(t, c, f.q)
			answers[f.q] = data
		}
		for i, path := range f.paths {
			got, want := answerTexts(figureAnswer(data, path)), figureWant(m[i+1], path)
			if len(got) != 1 || got[0] != want {
				t.Errorf("docs/%s: %q\n\tsays %q where the answer has %q at %s\n\tquery: %s", page, m[0], want, got, path, f.q)
			}
		}
	}
}

// docFigure is a sentence of docs/analysts.md and where the answer of a query
// holds each figure or name it gives.
type docFigure struct {
	said string // a regexp on the page's prose; its groups are the figures
	q    string // the GraphQL query
	// paths has one path a group: a seedFact path, ending with "[i]" for its
	// i-th value (from 0); "#P" is the number of values at P, "#P=v" of
	// those that are v (the group may then be a number word).
	paths []string
}

// analystsSearches are the searches of the first section.
const analystsSearches = `{
	septe: search(query: "septe") { edges { score matched node { name } } }
	leo: search(query: "leo lagrange", first: 1) { edges { score node { name } } }
	caf: search(query: "caf", first: 1) { edges { score matched node { ... on Organization { shortName } } } }
	dla: search(query: "dla", first: 1) { edges { node { name } } }
	instruction: search(query: "l'instruction", first: 1) { edges { node { name } } }
	oeuvre: search(query: "oeuvre") { edges { node { kind } } }
	ligature: search(query: "œuvre") { edges { node { kind } } }
}`

// analystsTimeline is the timeline of section 4.
const analystsTimeline = `{ t: timeline(from: "2019-01-01", to: "2019-01-01", kinds: [SIGNATORY]) {
	totalCount nodes { date type event { date } relation { from { name ... on Organization { shortName } } } } } }`

var analystsFigures = []docFigure{
	{`embedded default dataset \((\d+) nodes, (\d+) relations\)`,
		`{ stats { nodeCount relationCount } }`, []string{"stats.nodeCount", "stats.relationCount"}},

	// 1. Find an organisation
	{`search\(query: "septe"\) gives (.+?) \(score ([\d.]+), via the alias "(.+?)"\) then the territory (.+?) \(([\d.]+)\)\.`,
		analystsSearches, []string{"septe.edges.node.name[0]", "septe.edges.score[0]", "septe.edges.matched[0]",
			"septe.edges.node.name[1]", "septe.edges.score[1]"}},
	{`"leo lagrange" finds (.+?) \(([\d.]+)\),`, analystsSearches, []string{"leo.edges.node.name", "leo.edges.score"}},
	{`"caf" the (.+?) \(([\d.]+), via the alias "(.+?)"\),`, analystsSearches,
		[]string{"caf.edges.node.shortName", "caf.edges.score", "caf.edges.matched"}},
	{`"dla" the (.+?), "l'instruction" the (.+?), "oeuvre"`, analystsSearches,
		[]string{"dla.edges.node.name", "instruction.edges.node.name"}},
	{`"oeuvre" and "œuvre" the same (\w+) answers, (\w+) objectives`, analystsSearches,
		[]string{"#oeuvre.edges", "#oeuvre.edges.node.kind=OBJECTIVE"}},
	{`"oeuvre" and "œuvre" the same (\w+) answers, (\w+) objectives`, analystsSearches,
		[]string{"#ligature.edges", "#ligature.edges.node.kind=OBJECTIVE"}},

	// 2. Its neighbourhood in 2015 and in 2019
	{`neighborhood\(id: "ucs-13"\) has (\d+) nodes and (\d+) relations in 2000 .*?, (\d+) nodes and (\d+) relations in 2015 .*?, (\d+) and (\d+) in 2019`,
		`{ y2000: neighborhood(id: "ucs-13", asOf: "2000") { nodes { id } relations { kind } }
		y2015: neighborhood(id: "ucs-13", asOf: "2015") { nodes { id } relations { kind } }
		y2019: neighborhood(id: "ucs-13", asOf: "2019") { nodes { id } relations { kind } } }`,
		[]string{"#y2000.nodes", "#y2000.relations", "#y2015.nodes", "#y2015.relations", "#y2019.nodes", "#y2019.relations"}},

	// 3. The path from MSA Provence Azur to a federation
	{`shortestPath\(from: "msa-provence-azur", to: "fail-13", asOf: "2019"\) is the same through ([\w-]+); asOf: "2015" gives (null)`,
		`{ p2019: shortestPath(from: "msa-provence-azur", to: "fail-13", asOf: "2019") { nodes { id } }
		p2015: shortestPath(from: "msa-provence-azur", to: "fail-13", asOf: "2015") { length } }`,
		[]string{"p2019.nodes.id[1]", "p2015"}},

	// 4. Time: the timeline and the figures
	{`(\d+) entries in date order: (\w+) events dated "2019" .*?, the (\w+) events of 1 January 2019 .*?, then (\w+) RELATION_START: (.+?), the (.+?) and (.+?) become signatories`,
		analystsTimeline, []string{"#t.nodes", "#t.nodes.date=2019", "#t.nodes.event.date=2019-01-01",
			"#t.nodes.type=RELATION_START", "t.nodes.relation.from.shortName[4]", "t.nodes.relation.from.name[5]",
			"t.nodes.relation.from.shortName[6]"}},
	// signatoriesByYear from 1994: 2000 is [6], 2019 [25].
	{`the figure the seed documents give \((\d+) in 1994, (\d+) in 2000, (\d+) in 2006, (\d+) in 2015, (\d+) in 2017, (\d+) in 2018, (\d+) in 2019\)`,
		`{ stats { signatoriesByYear(from: 1994, to: 2019) { atYearEnd } } }`,
		[]string{"stats.signatoriesByYear.atYearEnd[0]", "stats.signatoriesByYear.atYearEnd[6]", "stats.signatoriesByYear.atYearEnd[12]",
			"stats.signatoriesByYear.atYearEnd[21]", "stats.signatoriesByYear.atYearEnd[23]", "stats.signatoriesByYear.atYearEnd[24]",
			"stats.signatoriesByYear.atYearEnd[25]"}},
	{`Without asOf it counts everything: (\d+) nodes and (\d+) relations`,
		`{ stats { nodeCount relationCount } }`, []string{"stats.nodeCount", "stats.relationCount"}},
	{`stats\(asOf: "1975"\) counts .*? remain: (\d+) nodes, (\d+) relations\)`,
		`{ stats(asOf: "1975") { nodeCount relationCount } }`, []string{"stats.nodeCount", "stats.relationCount"}},

	// 5. What changed between two dates
	{`(\w+) joined and (no) one left: (\d+) signatories in 2015, (\d+) in 2019`,
		`{ diff(from: "2015", to: "2019", kinds: [SIGNATORY]) { started { kind } ended { kind } }
		s2015: signatories(asOf: "2015") { totalCount } s2019: signatories(asOf: "2019") { totalCount } }`,
		[]string{"#diff.started", "#diff.ended", "s2015.totalCount", "s2019.totalCount"}},
	{`so appeared lists the same (\w+) organisations`,
		`{ diff(from: "2015", to: "2019", kinds: [SIGNATORY]) { appeared(first: 50) { kind } } }`,
		[]string{"#diff.appeared.kind=ORGANIZATION"}},
	{`diff\(from: "2006", to: "2015", kinds: \[SIGNATORY\]\) has (\d+) started and (\d+) ended: ([\w-]+), until (\d+)`,
		`{ diff(from: "2006", to: "2015", kinds: [SIGNATORY]) { relationKinds { started ended } ended { from { id } validTo } } }`,
		[]string{"diff.relationKinds.started", "diff.relationKinds.ended", "diff.ended.from.id", "diff.ended.validTo"}},

	// 6. Who is central
	{`fr-13 has (\d+) neighbours, most of them the (\d+) communes`,
		`{ centrality(measure: DEGREE, asOf: "2019", ids: ["fr-13"]) { score } territories(filter: { kinds: [COMMUNE] }) { totalCount } }`,
		[]string{"centrality.score", "territories.totalCount"}},
	{`here below ([\w-]+) and ([\w-]+) \(ranks (\d) and (\d)\)`,
		`{ centrality(measure: BETWEENNESS, asOf: "2019", kinds: [SIGNATORY, MEMBER_OF, CHAIRS, FUNDS, DELIVERS, PARTY_TO], first: 2) { node { id } rank } }`,
		[]string{"centrality.node.id[0]", "centrality.node.id[1]", "centrality.rank[0]", "centrality.rank[1]"}},
	{`puts ([\w-]+) first with (\d+) .*?, then ([\w-]+) and ([\w-]+) with (\d+)`,
		`{ stats(asOf: "2019") { organizationDegrees(first: 3, kinds: [SIGNATORY, MEMBER_OF, CHAIRS]) { organization { id } degree } } }`,
		[]string{"stats.organizationDegrees.organization.id[0]", "stats.organizationDegrees.degree[0]",
			"stats.organizationDegrees.organization.id[1]", "stats.organizationDegrees.organization.id[2]", "stats.organizationDegrees.degree[2]"}},

	// 8. Take the network into your own tools: the NetworkX output
	{`text (\d+) (\d+) (.+?) True \[`, `{ stats { nodeCount relationCount } node(id: "caf-13") { name } }`,
		[]string{"stats.nodeCount", "stats.relationCount", "node.name"}},
	{`\[\((\d+), '([\w-]+)'\), \((\d+), '([\w-]+)'\), \((\d+), '[\w-]+'\)\]`,
		`{ stats { organizationDegrees(first: 3) { organization { id } degree } } }`,
		[]string{"stats.organizationDegrees.degree[0]", "stats.organizationDegrees.organization.id[0]",
			"stats.organizationDegrees.degree[1]", "stats.organizationDegrees.organization.id[1]",
			"stats.organizationDegrees.degree[2]"}},
	{`\] (\d+) (\d+) False`, `{ stats(asOf: "2015") { nodeCount relationCount } }`, []string{"stats.nodeCount", "stats.relationCount"}},
	{`text dynamic (\d+) (\d+) ([\d-]+) ([\d-]+) ([\w-]+) ([\d.]+)`,
		`{ stats { nodeCount relationCount } node(id: "avenant-1") { ... on Amendment { effectiveFrom } }
		centrality(measure: BETWEENNESS, first: 1) { node { id } score } }`,
		[]string{"stats.nodeCount", "stats.relationCount", "node.effectiveFrom", "node.effectiveFrom", "centrality.node.id", "centrality.score"}},
	{`centrality\(measure: BETWEENNESS, first: 1\) answers ([\w-]+) with ([\d.]+) too`,
		`{ centrality(measure: BETWEENNESS, first: 1) { node { id } score } }`, []string{"centrality.node.id", "centrality.score"}},
	{`stats\(asOf: "2015"\) gives (\d+) and (\d+)\)`,
		`{ stats(asOf: "2015") { nodeCount relationCount } }`, []string{"stats.nodeCount", "stats.relationCount"}},
}

// figureIndex is a path's trailing "[i]".
var figureIndex = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// figureAnswer returns the values at a docFigure path in data.
func figureAnswer(data any, path string) []any {
	if counted, ok := strings.CutPrefix(path, "#"); ok {
		p, value, only := strings.Cut(counted, "=")
		n := 0
		for _, v := range answerAt(data, p) {
			if !only || answerText(v) == value {
				n++
			}
		}
		return []any{n}
	}
	if m := figureIndex.FindStringSubmatch(path); m != nil {
		values := answerAt(data, m[1])
		if i, _ := strconv.Atoi(m[2]); i < len(values) {
			return values[i : i+1]
		}
		return nil
	}
	return answerAt(data, path)
}

// numberWords are the counts the prose spells out.
var numberWords = map[string]string{"no": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
	"six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12"}

// figureWant is what the page says at a docFigure path, as answerText
// renders the answer.
func figureWant(said, path string) string {
	if n, ok := numberWords[strings.ToLower(said)]; ok && strings.HasPrefix(path, "#") {
		return n
	}
	if said == "null" {
		return answerText(nil)
	}
	return said
}

// elision stands for what a shortened answer leaves out (see shortenedJSON).
const elision = "…"

// elisionCount is what "..." may say about a list: how many items it has.
var elisionCount = regexp.MustCompile(`^(\d+) [\pL ]+ in all$`)

// shortenedJSON decodes an answer shortened with "...". Outside strings, "..."
// at the end of an object stands for fields left out and becomes the key
// elision; in a list it stands for items left out and becomes the item
// elision, followed by the words after it, which may say how many items the
// list has ("... 14 relations in all").
func shortenedJSON(text string) (any, error) {
	var b strings.Builder
	inString := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString && c == '\\' && i+1 < len(text):
			b.WriteString(text[i : i+2])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && strings.HasPrefix(text[i:], "..."):
			end := strings.IndexAny(text[i:], ",]}")
			if end < 0 {
				return nil, fmt.Errorf("%q ends nothing", text[i:])
			}
			end += i
			words := strings.TrimSpace(text[i+3 : end])
			switch {
			case text[end] == '}' && words == "":
				fmt.Fprintf(&b, "%q: true", elision)
			case text[end] == '}':
				return nil, fmt.Errorf("%q in an object", text[i:end])
			case words != "" && !elisionCount.MatchString(words):
				return nil, fmt.Errorf("%q: say \"... N items in all\" or nothing", text[i:end])
			default:
				q, _ := json.Marshal(strings.TrimSpace(elision + " " + words))
				b.Write(q)
			}
			i = end - 1
			continue
		}
		b.WriteByte(c)
	}
	var v any
	err := json.Unmarshal([]byte(b.String()), &v)
	return v, err
}

// shortenedDiff says where got departs from want, a shortened answer decoded
// by shortenedJSON; "" when every field and item that want shows is in got,
// at its place. at names the place of got in the answer.
func shortenedDiff(got, want any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s is %s, the page prints an object", at, jsonText(got))
		}
		_, partial := w[elision]
		for _, k := range slices.Sorted(maps.Keys(w)) {
			if k == elision {
				continue
			}
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s has no field %q", at, k)
			}
			if d := shortenedDiff(gv, w[k], at+"."+k); d != "" {
				return d
			}
		}
		if !partial && len(g) != len(w) {
			return fmt.Sprintf("%s has the fields %q, the page prints %q", at, slices.Sorted(maps.Keys(g)), slices.Sorted(maps.Keys(w)))
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s is %s, the page prints a list", at, jsonText(got))
		}
		return shortenedListDiff(g, w, at)
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("%s is %s, the page prints %s", at, jsonText(got), jsonText(want))
		}
	}
	return ""
}

// shortenedListDiff is shortenedDiff for lists: the runs of items between
// elisions appear in got in this order, the first at the start unless the list
// starts with an elision, the last at the end unless it ends with one.
func shortenedListDiff(got, want []any, at string) string {
	runs := [][]any{nil}
	for _, w := range want {
		s, ok := w.(string)
		if !ok || !strings.HasPrefix(s, elision) {
			runs[len(runs)-1] = append(runs[len(runs)-1], w)
			continue
		}
		if m := elisionCount.FindStringSubmatch(strings.TrimSpace(strings.TrimPrefix(s, elision))); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != len(got) {
				return fmt.Sprintf("%s has %d items, the page says %q", at, len(got), m[0])
			}
		}
		runs = append(runs, nil)
	}
	first, last := runs[0], runs[len(runs)-1]
	if len(runs) == 1 {
		if len(got) != len(first) {
			return fmt.Sprintf("%s has %d items, the page prints %d", at, len(got), len(first))
		}
		return runDiff(got, first, 0, at)
	}
	if len(got) < len(first)+len(last) {
		return fmt.Sprintf("%s has %d items, the page prints at least %d", at, len(got), len(first)+len(last))
	}
	end := len(got) - len(last)
	if d := runDiff(got, first, 0, at); d != "" {
		return d
	}
	if d := runDiff(got, last, end, at); d != "" {
		return d
	}
	from := len(first)
	for _, run := range runs[1 : len(runs)-1] {
		i := from
		for ; i+len(run) <= end && runDiff(got, run, i, at) != ""; i++ {
		}
		if i+len(run) > end {
			return fmt.Sprintf("%s has no %s from its item %d on, as the page prints", at, jsonText(run), from)
		}
		from = i + len(run)
	}
	return ""
}

// runDiff says where got, from its item i, departs from the items run.
func runDiff(got, run []any, i int, at string) string {
	for j, w := range run {
		if d := shortenedDiff(got[i+j], w, fmt.Sprintf("%s[%d]", at, i+j)); d != "" {
			return d
		}
	}
	return ""
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
