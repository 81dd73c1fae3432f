package geo

import (
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
)

// propDef is a feature property as the queryables, the OpenAPI definition
// and the tiles' schema describe it. Every feature of a collection carries
// every property of its schema (null where unknown), in this order, so that
// GeoPackage and shapefile columns are the same for all.
type propDef struct {
	Name, Type, Format, Title string // Type: string, integer or boolean
}

// territoryProps are the properties of a territory feature: those of the
// import contract first (code, nom, type, commune), then what the network
// says of it as of the date asked.
var territoryProps = []propDef{
	{"code", "string", "", "Code officiel (code INSEE pour une commune)"},
	{"nom", "string", "", "Nom"},
	{"type", "string", "", "Type de territoire"},
	{"commune", "string", "", "Code INSEE de la commune où il se trouve (zones, arrondissements municipaux, quartiers)"},
	{"population", "integer", "", "Population légale"},
	{"signatory", "boolean", "", "Signataire de la Convention Cadre à la date (l'organisation qui administre le territoire ou sa commune); null si aucune ne l'administre"},
	{"signatorySince", "string", "date", "Début de la signature en cours (précision de la source : jour, mois ou année)"},
	{"signatoryName", "string", "", "L'organisation signataire"},
	{"facilityCount", "integer", "", "Équipements ouverts à la date sur le territoire"},
	{"centresSociaux", "integer", "", "Dont centres sociaux"},
	{"maisonsPourTous", "integer", "", "Dont Maisons Pour Tous"},
	{"espacesDeVieSociale", "integer", "", "Dont Espaces de Vie Sociale"},
	{"otherFacilities", "integer", "", "Dont autres équipements"},
	{"federations", "integer", "", "Fédérations auxquelles ces équipements adhèrent"},
	{"federationCounts", "string", "", "Équipements par fédération (« FAIL 13: 6, IFAC: 3 »)"},
	{"facilityNames", "string", "", "Zones de vie sociale : les équipements qui la desservent ou s'y trouvent"},
	{"asOf", "string", "date", "La date que décrivent ces attributs"},
}

// facilityProps are the properties of a facility feature.
var facilityProps = []propDef{
	{"nom", "string", "", "Nom"},
	{"type", "string", "", "Type d'équipement (centre-social, maison-pour-tous, espace-de-vie-sociale)"},
	{"typeName", "string", "", "Nom du type"},
	{"status", "string", "", "open, closed à la date (null avant l'ouverture)"},
	{"manager", "string", "", "Gestionnaire à la date"},
	{"managerId", "string", "", "Identifiant du gestionnaire"},
	{"federation", "string", "", "Fédération à la date"},
	{"federationId", "string", "", "Identifiant de la fédération"},
	{"commune", "string", "", "Code INSEE de la commune"},
	{"territory", "string", "", "Identifiant du territoire où il se trouve"},
	{"address", "string", "", "Adresse"},
	{"opened", "string", "date", "Ouverture"},
	{"closed", "string", "date", "Fermeture"},
	{"asOf", "string", "date", "La date que décrivent ces attributs"},
}

// prop is one property value: a string, an int, a bool or nil.
type prop struct {
	name  string
	value any
}

// props are a feature's properties in schema order.
type props []prop

// get returns the value of a property; false when the feature has none of
// that name.
func (p props) get(name string) (any, bool) {
	i := slices.IndexFunc(p, func(x prop) bool { return x.name == name })
	if i < 0 {
		return nil, false
	}
	return p[i].value, true
}

// only keeps the properties named in keep (all when keep is nil).
func (p props) only(keep []string) props {
	if keep == nil {
		return p
	}
	return slices.DeleteFunc(p, func(x prop) bool { return !slices.Contains(keep, x.name) })
}

// orNil is s, or nil when empty.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateOrNil is d as written in the dataset, or nil.
func dateOrNil(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// properties are the properties of a territory as of the network's date.
func (nw *network) territoryProperties(t *territory) props {
	n := t.node
	var commune, population, signatory, since, signer, names any
	if t.commune != nil {
		commune = t.commune.Field("code")
	}
	if v, ok := n.IntField("population"); ok {
		population = v
	}
	if t.signer != nil {
		signatory = t.signatory != nil
	}
	if t.signatory != nil {
		since, signer = dateOrNil(t.signatory.ValidFrom), t.signer.Name
	}
	open := t.open()
	byType := map[string]int{}
	for _, f := range open {
		typ := ""
		if f.typ != nil {
			typ = f.typ.ID
		}
		byType[typ]++
	}
	known := byType[typeCentreSocial] + byType[typeMaisonPourTous] + byType[typeEspaceDeVieSociale]
	counts, federations := federationCounts(open)
	if n.Field("type") == "zone-de-vie-sociale" {
		list := make([]string, len(t.facilities))
		for i, f := range t.facilities {
			list[i] = f.node.Name
		}
		names = orNil(strings.Join(list, "; "))
	}
	return props{
		{"code", orNil(n.Field("code"))}, {"nom", n.Name}, {"type", n.Field("type")}, {"commune", commune},
		{"population", population}, {"signatory", signatory}, {"signatorySince", since}, {"signatoryName", signer},
		{"facilityCount", len(open)}, {"centresSociaux", byType[typeCentreSocial]}, {"maisonsPourTous", byType[typeMaisonPourTous]},
		{"espacesDeVieSociale", byType[typeEspaceDeVieSociale]}, {"otherFacilities", len(open) - known},
		{"federations", federations}, {"federationCounts", orNil(counts)}, {"facilityNames", names},
		{"asOf", nw.asOf.String()},
	}
}

// facilityProperties are the properties of a facility as of the network's
// date.
func (nw *network) facilityProperties(f *facility) props {
	n := f.node
	var typ, typeName, manager, managerID, federation, federationID, commune, place any
	if f.typ != nil {
		typ, typeName = f.typ.ID, f.typ.Name
	}
	if f.manager != nil {
		manager, managerID = f.manager.Name, f.manager.ID
	}
	if f.federation != nil {
		federation, federationID = label(f.federation), f.federation.ID
	}
	if f.place != nil {
		place = f.place.ID
		if f.place.Field("type") == "commune" {
			commune = f.place.Field("code")
		} else if t := nw.territories[f.place.ID]; t != nil && t.commune != nil {
			commune = t.commune.Field("code")
		}
	}
	return props{
		{"nom", n.Name}, {"type", typ}, {"typeName", typeName}, {"status", orNil(f.status)},
		{"manager", manager}, {"managerId", managerID}, {"federation", federation}, {"federationId", federationID},
		{"commune", commune}, {"territory", place}, {"address", orNil(n.Field("address"))},
		{"opened", dateOrNil(f.life.From)}, {"closed", dateOrNil(f.life.To)}, {"asOf", nw.asOf.String()},
	}
}
