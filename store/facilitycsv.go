package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// FacilityColumns are the columns of a facility spreadsheet
// (../shared/data/network/facilities.csv), in any order.
var FacilityColumns = []string{"name", "type", "street_address", "postcode", "commune", "insee_code", "federation",
	"manager", "first_agrement_date", "siret", "latitude", "longitude", "source_url", "source_excerpt"}

// facilityTypeIDs maps the type column to the facility-type node.
var facilityTypeIDs = map[string]string{
	"centre social": "centre-social", "MPT": "maison-pour-tous", "EVS": "espace-de-vie-sociale", "other": "autre-equipement",
}

// Bounds of a facility spreadsheet: it is edited by hand, so these are far
// above any real one and only stop what is not a spreadsheet of facilities.
const (
	MaxFacilityFile  = 4 << 20
	maxFacilityRows  = 5000
	maxFacilityCell  = 4000
	maxFacilityLinks = 10
)

// FacilitySheet is a spreadsheet of facilities to import.
type FacilitySheet struct {
	File   File   // name (for messages and the source node) and CSV content
	Source string // id of an existing source node the rows cite; "" creates csv-FILE
	DryRun bool   // check and count, write nothing
	Actor  string // recorded in the history; "import" when empty
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// FacilityResult counts what a facility import changed (or would change, in a dry run).
type FacilityResult struct {
	Rows                        int
	Created, Updated, Unchanged int // facility nodes
	SourcesCreated              int // source nodes for URLs not yet in the graph, and the file's own
	RelationsWritten            int
}

// Changed reports whether the import wrote anything.
func (r FacilityResult) Changed() bool {
	return r.Created+r.Updated+r.SourcesCreated+r.RelationsWritten > 0
}

// FacilityID is the stable id of a facility: its commune and its name made
// an id, so that a spreadsheet row joins the same node on every import, and
// a move between arrondissements keeps it.
func FacilityID(commune, name string) string { return slugID(Fold(commune + " " + name)) }

// facilityRow is one row of a spreadsheet, checked.
type facilityRow struct {
	line                int
	id, name, typeID    string
	territory           string // id of the commune or arrondissement
	fields              map[string]string
	federation, manager string // organisation ids, "" when the cell is empty
	links               []webCitation
}

// webCitation is an excerpt of a page, by URL.
type webCitation struct{ url, excerpt string }

// ImportFacilities imports a facility spreadsheet (CSV, FacilityColumns) in
// one transaction: every row is checked against the graph first, and any bad
// row stops the import with a list of every problem, by line. Rows join the
// facility with their FacilityID: the columns' fields are set from the row
// (an empty cell removes its field), the other fields, names and citations of
// the node are kept, and the type, territory, federation and manager
// relations are added unless one already links the same nodes, whatever its
// period (curated periods stay). Each URL is cited through the source node
// that has it as `url`, created when there is none; the file itself is the
// source node sh.Source (created as csv-FILE when ""). Importing the same file
// twice writes nothing; a dry run checks and counts the same and writes
// nothing. Returns EBADINPUT.
func (s *Store) ImportFacilities(ctx context.Context, sh FacilitySheet) (FacilityResult, error) {
	f, source := sh.File, sh.Source
	recs, probs := readFacilityCSV(f)
	var res FacilityResult
	actor := cmp.Or(sh.Actor, "import")
	_, err := s.write(ctx, func(txn *badger.Txn, v uint64, at time.Time) error {
		res = FacilityResult{Rows: len(recs)}
		log := &changeLog{v: v, at: at, meta: Meta{Actor: actor, Reason: "facility spreadsheet " + filepath.Base(f.Name)}}
		ix, err := newGraphIndex(ctx, txn)
		if err != nil {
			return err
		}
		src, srcProbs := facilitySource(txn, f, source, len(recs))
		rows, rowProbs := checkFacilityRows(txn, ix, recs)
		if all := slices.Concat(probs, srcProbs, rowProbs); len(all) > 0 {
			return facilityError(f.Name, all)
		}
		if err := writeFacilities(txn, ix, src, rows, &res, log); err != nil {
			return err
		}
		if sh.DryRun {
			return errDryRun
		}
		for _, c := range log.changes { // the history of every record written
			if err := putChange(txn, c); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		return FacilityResult{}, domain.Errorf(domain.EBADINPUT, "%s: too many rows to import in one transaction; split the file", f.Name)
	}
	return res, err
}

func facilityError(file string, probs []string) error { return problemsError(file+":", probs) }

// csvRecord is a row of cells by column name, with its line.
type csvRecord struct {
	line  int
	cells map[string]string
}

// notUTF8 says where data is not UTF-8 ("line 2: byte 0xE9 is not
// UTF-8"), "" when it all is: a file saved as Latin-1 would otherwise be
// stored as it is (CSV) or with U+FFFD (JSON) for each accented letter.
func notUTF8(data []byte) string {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Sprintf("line %d: byte 0x%02X is not UTF-8", 1+bytes.Count(data[:i], []byte("\n")), data[i])
		}
		i += n
	}
	return ""
}

// readFacilityCSV reads the header and rows, reporting what is not a
// spreadsheet of facilities.
func readFacilityCSV(f File) ([]csvRecord, []string) {
	if len(f.Data) > MaxFacilityFile {
		return nil, []string{fmt.Sprintf("the file has %d bytes, more than %d", len(f.Data), MaxFacilityFile)}
	}
	data := bytes.TrimPrefix(f.Data, []byte("\ufeff"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return nil, []string{"line 1: this looks like JSON: the facility layer is a CSV file with the columns " + strings.Join(FacilityColumns, ", ") + " (GeoJSON layers are for territory types)"}
	}
	if msg := notUTF8(data); msg != "" {
		return nil, []string{msg + ": save the file as CSV UTF-8 (it is likely Latin-1 or Windows-1252)"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, []string{"line 1: no header: " + short(err.Error())}
	}
	var probs []string
	for _, h := range header {
		if !slices.Contains(FacilityColumns, h) {
			probs = append(probs, fmt.Sprintf("line 1: unknown column %q (columns: %s)", short(h), strings.Join(FacilityColumns, ", ")))
		}
	}
	for _, c := range FacilityColumns {
		if !slices.Contains(header, c) {
			probs = append(probs, fmt.Sprintf("line 1: missing column %q", c))
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	var recs []csvRecord
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, append(probs, short(err.Error()))
		}
		line, _ := r.FieldPos(0)
		if len(recs) == maxFacilityRows {
			return nil, append(probs, fmt.Sprintf("more than %d rows", maxFacilityRows))
		}
		if len(row) != len(header) {
			probs = append(probs, fmt.Sprintf("line %d: %d cells, the header has %d", line, len(row), len(header)))
			continue
		}
		cells := make(map[string]string, len(row))
		for i, v := range row {
			cells[header[i]] = strings.TrimSpace(v)
		}
		recs = append(recs, csvRecord{line, cells})
	}
	return recs, probs
}

// short quotes at most a short prefix of what it was given.
func short(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

// graphIndex finds what rows name: territories by INSEE code, organisations
// by name, source nodes by URL, and the facilities already stored.
type graphIndex struct {
	territories map[string]*domain.Node // code -> commune or arrondissement municipal
	orgs        map[string]string
	sources     map[string]string       // url -> source id
	nodes       map[string]*domain.Node // every node read, by id
}

func newGraphIndex(ctx context.Context, txn *badger.Txn) (*graphIndex, error) {
	ix := &graphIndex{territories: map[string]*domain.Node{}, orgs: map[string]string{}, sources: map[string]string{}, nodes: map[string]*domain.Node{}}
	for _, kind := range []domain.Kind{domain.KindTerritory, domain.KindOrganization, domain.KindSource} {
		kc, _ := kindCode(kind)
		nodes, err := nodesOfKind(ctx, txn, kc)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			ix.nodes[n.ID] = n
			switch kind {
			case domain.KindTerritory:
				if t := n.Field("type"); t == "commune" || t == "arrondissement-municipal" {
					ix.territories[n.Field("code")] = n
				}
			case domain.KindOrganization:
				for _, name := range slices.Concat([]string{n.ID, n.Name, n.ShortName}, n.Aliases) {
					if name != "" {
						ix.orgs[Fold(name)] = n.ID
					}
				}
			case domain.KindSource:
				if u := n.Field("url"); u != "" {
					ix.sources[u] = n.ID
				}
			}
		}
	}
	return ix, nil
}

// organisation resolves a federation or manager cell: the name before any
// " (" or ";" (what follows is a comment, as in the shared spreadsheet).
func (ix *graphIndex) organisation(cell string) (string, bool) {
	name := cell
	if i := strings.IndexAny(name, "(;"); i >= 0 {
		name = name[:i]
	}
	id, ok := ix.orgs[Fold(strings.TrimSpace(name))]
	return id, ok
}

var (
	postcodeRE = regexp.MustCompile(`^[0-9]{5}$`)
	siretRE    = regexp.MustCompile(`^[0-9]{14}$`)
	excerptRE  = regexp.MustCompile(`^\[([0-9]{1,2})\] (.+)$`)
)

// checkFacilityRows turns records into rows, reporting each bad cell by line.
func checkFacilityRows(txn *badger.Txn, ix *graphIndex, recs []csvRecord) ([]*facilityRow, []string) {
	var rows []*facilityRow
	var probs []string
	seen := map[string]int{}
	for _, rec := range recs {
		row, rowProbs := checkFacilityRow(ix, rec)
		for _, p := range rowProbs {
			probs = append(probs, fmt.Sprintf("line %d: %s", rec.line, p))
		}
		if row == nil {
			continue
		}
		if first, dup := seen[row.id]; dup {
			probs = append(probs, fmt.Sprintf("line %d: same facility as line %d (id %s: same commune and name)", rec.line, first, row.id))
			continue
		}
		seen[row.id] = rec.line
		var old domain.Node
		if err := getNode(txn, row.id, &old); err == nil && old.Kind != domain.KindFacility {
			probs = append(probs, fmt.Sprintf("line %d: id %s is a node of kind %s", rec.line, row.id, old.Kind))
			continue
		}
		rows = append(rows, row)
	}
	return rows, probs
}

func checkFacilityRow(ix *graphIndex, rec csvRecord) (*facilityRow, []string) {
	c := rec.cells
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	for _, col := range FacilityColumns {
		if len(c[col]) > maxFacilityCell {
			bad("%s has %d bytes, more than %d", col, len(c[col]), maxFacilityCell)
			c[col] = ""
		}
	}
	row := &facilityRow{line: rec.line, name: c["name"], fields: map[string]string{}}
	if row.name == "" {
		bad("name is empty")
	}
	var ok bool
	if row.typeID, ok = facilityTypeIDs[c["type"]]; !ok {
		bad("type %q is not one of centre social, MPT, EVS, other", short(c["type"]))
	}
	row.territory = checkFacilityPlace(ix, c, bad)
	row.id = FacilityID(c["commune"], row.name)
	if row.name != "" && !domain.ValidID(row.id) {
		bad("no id can be made of commune %q and name %q", short(c["commune"]), short(row.name))
	}
	setField := func(field, col string) {
		if v := c[col]; v != "" {
			row.fields[field] = v
		}
	}
	setField("address", "street_address")
	setField("postcode", "postcode")
	setField("siret", "siret")
	if v := c["siret"]; v != "" && !siretRE.MatchString(v) {
		bad("siret %q is not 14 digits", short(v))
	}
	if v := c["first_agrement_date"]; v != "" {
		if _, err := domain.ParseDate(v); err != nil {
			bad("first_agrement_date %q is not a date (2019-06-27, 2019-06, 2019)", short(v))
		}
		row.fields["agrementFrom"] = v
	}
	checkFacilityPoint(c, row.fields, bad)
	for _, col := range []string{"federation", "manager"} {
		if v := c[col]; v != "" {
			id, found := ix.organisation(v)
			if !found {
				bad("%s %q is not an organisation of the graph (by name, short name or alias): add it first", col, short(v))
			}
			if col == "federation" {
				row.federation = id
			} else {
				row.manager = id
			}
		}
	}
	row.links = checkFacilityLinks(c["source_url"], c["source_excerpt"], bad)
	if len(probs) > 0 {
		return nil, probs
	}
	// What the dataset format checks of any facility holds for the row too.
	n := domain.Node{ID: row.id, Kind: domain.KindFacility, Name: row.name, Fields: row.fields, Sources: []domain.Citation{{Source: "csv"}}}
	if err := n.Validate(); err != nil {
		return nil, []string{err.Error()}
	}
	return row, nil
}

// checkFacilityPlace checks the commune, INSEE code and postcode together and
// returns the territory the facility lies in.
func checkFacilityPlace(ix *graphIndex, c map[string]string, bad func(string, ...any)) string {
	t, ok := ix.territories[c["insee_code"]]
	if !ok {
		bad("insee_code %q is not a commune or arrondissement municipal of the graph", short(c["insee_code"]))
		return ""
	}
	commune := t
	if t.Field("type") == "arrondissement-municipal" {
		commune = ix.territories[t.Field("code")[:2]+"055"]
		if commune == nil {
			return t.ID
		}
	}
	if Fold(c["commune"]) != Fold(commune.Name) {
		bad("commune %q does not match insee_code %s (%s)", short(c["commune"]), t.Field("code"), commune.Name)
	}
	if pc := c["postcode"]; pc != "" {
		if !postcodeRE.MatchString(pc) {
			bad("postcode %q is not 5 digits", short(pc))
		} else if pcs := strings.Fields(t.Field("postcodes")); len(pcs) > 0 && !slices.Contains(pcs, pc) {
			bad("postcode %s is not one of %s (%s)", pc, t.Name, strings.Join(pcs, " "))
		}
	}
	return t.ID
}

// checkFacilityPoint checks the coordinates: both or none, WGS84 degrees.
func checkFacilityPoint(c map[string]string, fields map[string]string, bad func(string, ...any)) {
	lat, lon := c["latitude"], c["longitude"]
	if lat == "" && lon == "" {
		return
	}
	if lat == "" || lon == "" {
		bad("latitude and longitude go together")
		return
	}
	y, errY := strconv.ParseFloat(lat, 64)
	x, errX := strconv.ParseFloat(lon, 64)
	if errY != nil || errX != nil || y < -90 || y > 90 || x < -180 || x > 180 {
		bad("latitude %q, longitude %q is not a point in WGS84 degrees", short(lat), short(lon))
		return
	}
	fields["latitude"], fields["longitude"] = lat, lon
}

// checkFacilityLinks pairs the URLs (" | ") with the excerpts (" || ", each
// "[n] text" for the n-th URL): at least one of each, every URL cited.
func checkFacilityLinks(urls, excerpts string, bad func(string, ...any)) []webCitation {
	if urls == "" || excerpts == "" {
		bad("a facility needs at least one source_url and one source_excerpt")
		return nil
	}
	us := strings.Split(urls, " | ")
	if len(us) > maxFacilityLinks {
		bad("%d URLs, more than %d", len(us), maxFacilityLinks)
		return nil
	}
	for _, u := range us {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u) > 500 {
			bad("source_url %q is not an http(s) URL", short(u))
		}
	}
	cited := make([]bool, len(us))
	var out []webCitation
	for _, e := range strings.Split(excerpts, " || ") {
		m := excerptRE.FindStringSubmatch(e)
		if m == nil {
			bad("source_excerpt %q does not start with [n], the number of its URL", short(e))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(us) {
			bad("source_excerpt [%d] names no URL: there are %d", n, len(us))
			continue
		}
		cited[n-1] = true
		out = append(out, webCitation{us[n-1], m[2]})
	}
	for i, c := range cited {
		if !c {
			bad("source_url [%d] %s has no excerpt", i+1, short(us[i]))
		}
	}
	return out
}

// facilitySource is the source node of the file: source, which must exist,
// or csv-FILE, created when absent.
func facilitySource(txn *badger.Txn, f File, source string, rows int) (*domain.Node, []string) {
	var n domain.Node
	if source != "" {
		if err := getNode(txn, source, &n); err != nil || n.Kind != domain.KindSource {
			return nil, []string{fmt.Sprintf("source %q is not a node of kind source", short(source))}
		}
		return &n, nil
	}
	base := filepath.Base(f.Name)
	id := slugID("csv-" + base)
	if err := getNode(txn, id, &n); err == nil {
		return &n, nil
	}
	return &domain.Node{
		ID: id, Kind: domain.KindSource, Name: "Tableau des équipements : " + base,
		Fields: map[string]string{"file": base, "description": fmt.Sprintf(
			"Tableau d'équipements importé par « cccs-graph import -layer facility » : %d lignes. SHA-256 du fichier : %x.", rows, sha256.Sum256(f.Data))},
		Sources: []domain.Citation{{Source: id, Excerpt: base}},
	}, nil
}

func writeFacilities(txn *badger.Txn, ix *graphIndex, src *domain.Node, rows []*facilityRow, res *FacilityResult, log *changeLog) error {
	if ix.nodes[src.ID] == nil {
		if _, err := putNode(txn, src); err != nil {
			return err
		}
		ix.nodes[src.ID] = src
		res.SourcesCreated++
		log.add(OpCreateNode, Target{TargetNode, src.ID}, []domain.Kind{domain.KindSource}, nil, recordJSON(src, log.v))
	}
	for _, row := range rows {
		if err := writeFacility(txn, ix, src.ID, row, res, log); err != nil {
			return err
		}
	}
	if res.Changed() {
		return bumpDataVersion(txn)
	}
	return nil
}

func writeFacility(txn *badger.Txn, ix *graphIndex, fileSource string, row *facilityRow, res *FacilityResult, log *changeLog) error {
	cites := []domain.Citation{{Source: fileSource, Excerpt: row.name}}
	for _, l := range row.links {
		id, err := ix.webSource(txn, l.url, res, log)
		if err != nil {
			return err
		}
		cites = append(cites, domain.Citation{Source: id, Excerpt: l.excerpt})
	}
	var old domain.Node
	hadOld := getNode(txn, row.id, &old) == nil
	n, existed, err := facilityNode(txn, row, cites)
	if err != nil {
		return err
	}
	changed, err := putNode(txn, n)
	if err != nil {
		return err
	}
	t := Target{TargetNode, n.ID}
	switch {
	case !existed:
		res.Created++
		log.add(OpCreateNode, t, []domain.Kind{domain.KindFacility}, nil, recordJSON(n, log.v))
	case changed:
		res.Updated++
		var before json.RawMessage
		if hadOld {
			before = recordJSON(&old, old.Version)
		}
		log.add(OpUpdateNode, t, []domain.Kind{domain.KindFacility}, before, recordJSON(n, log.v))
	default:
		res.Unchanged++
	}
	rels := []*domain.Relation{{Kind: domain.RelInstanceOf, From: row.id, To: row.typeID}}
	if !locatedWithin(txn, row.id, row.territory) {
		rels = append(rels, &domain.Relation{Kind: domain.RelLocatedIn, From: row.id, To: row.territory})
	}
	if row.federation != "" {
		rels = append(rels, &domain.Relation{Kind: domain.RelAffiliatedTo, From: row.id, To: row.federation})
	}
	if row.manager != "" {
		rels = append(rels, &domain.Relation{Kind: domain.RelManages, From: row.manager, To: row.id})
	}
	for _, r := range rels {
		r.Sources = cites
		wrote, err := ensureRelation(txn, r)
		if err != nil {
			return err
		}
		if wrote {
			res.RelationsWritten++
			var other domain.Node
			otherID := r.To
			if r.To == row.id {
				otherID = r.From
			}
			getNode(txn, otherID, &other)
			log.add(OpAddRelation, Target{TargetRelation, domain.RelationID(r)}, []domain.Kind{domain.KindFacility, other.Kind}, nil, recordJSON(r, log.v))
		}
	}
	return nil
}

// facilityNode is the stored facility with the row's columns applied
// (existed), or a new one.
func facilityNode(txn *badger.Txn, row *facilityRow, cites []domain.Citation) (n *domain.Node, existed bool, err error) {
	var old domain.Node
	err = getNode(txn, row.id, &old)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return &domain.Node{ID: row.id, Kind: domain.KindFacility, Name: row.name, Fields: row.fields, Sources: cites}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	n = &old
	n.Name = row.name
	kept := old.Fields
	n.Fields = map[string]string{}
	for k, v := range kept {
		if !slices.Contains(facilityColumnFields, k) {
			n.Fields[k] = v
		}
	}
	for k, v := range row.fields {
		n.Fields[k] = v
	}
	n.Sources = slices.Clone(old.Sources)
	for _, c := range cites {
		if !slices.Contains(n.Sources, c) {
			n.Sources = append(n.Sources, c)
		}
	}
	return n, true, nil
}

// facilityColumnFields are the node fields a spreadsheet's columns own.
var facilityColumnFields = []string{"address", "postcode", "siret", "agrementFrom", "latitude", "longitude"}

// locatedWithin reports whether the facility is already located in the
// territory or in one that lies in it (an arrondissement of its commune):
// a spreadsheet that says "Marseille" does not undo a precise location.
func locatedWithin(txn *badger.Txn, facility, territory string) bool {
	rels, err := relations(txn, RelQuery{ID: facility, Dir: domain.Out, Kinds: []domain.RelKind{domain.RelLocatedIn}})
	if err != nil {
		return false
	}
	for _, r := range rels {
		if r.To == territory {
			return true
		}
		parents, err := relations(txn, RelQuery{ID: r.To, Dir: domain.Out, Kinds: []domain.RelKind{domain.RelPartOf}})
		if err == nil && slices.ContainsFunc(parents, func(p *domain.Relation) bool { return p.To == territory }) {
			return true
		}
	}
	return false
}

// webSource returns the source node citing a URL, creating web-HOST-PATH when
// no node has it.
func (ix *graphIndex) webSource(txn *badger.Txn, u string, res *FacilityResult, log *changeLog) (string, error) {
	if id, ok := ix.sources[u]; ok {
		return id, nil
	}
	p, _ := url.Parse(u)
	id := slugID("web-" + p.Host + "-" + p.Path + "-" + p.RawQuery)
	if _, taken := ix.nodes[id]; taken {
		id = strings.Trim(id[:min(len(id), 70)], "-") + fmt.Sprintf("-%x", sha256.Sum256([]byte(u)))[:9]
	}
	n := &domain.Node{ID: id, Kind: domain.KindSource, Name: p.Host + p.Path, Fields: map[string]string{"url": u},
		Sources: []domain.Citation{{Source: id, Excerpt: u}}}
	if _, err := putNode(txn, n); err != nil {
		return "", err
	}
	ix.sources[u], ix.nodes[id] = id, n
	res.SourcesCreated++
	log.add(OpCreateNode, Target{TargetNode, id}, []domain.Kind{domain.KindSource}, nil, recordJSON(n, log.v))
	return id, nil
}
