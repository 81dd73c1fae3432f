package graph

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// The facts of the files gathered after the seeds (../shared/data/): one
// table a file, asked through the API on the embedded default dataset, as
// the seed tables do. Each row quotes the file's text it checks.

// ../shared/data/network/network-facts.md: the conventions after 2019, the
// figures, openings, moves and closures.
var networkFacts = []seedFact{
	// ------------------------------------------------------------ who signs when
	signatoryCount("2019 - les partenaires passent à 23 (seed 000): unchanged", "2019", 23),
	signatoryCount("signée par l'ensemble des partenaires pour une durée de 4 ans allant du 1er janvier 2018 au 31 décembre 2021", "2021", 23),
	signatoryCount("signée pour la période 2018-2021 et déjà prolongée d'un an (no source lists the parties: those of 2018-2021)", "2022", 23),
	signatoryCount("un nouvel avenant [...] a été conclu / d'une durée d'une année (2023: no party named, those of 2018-2021 stay)", "2023", 23),
	signatoryCount("l'État, la CAF, le Département, la Métropole; Aix, Arles, Berre, [...] et Tarascon; la Mutualité sociale agricole", "2025", 19),
	signatoryCount("today (2026-12-01) follows the 2024-2027 convention", "2026-12-01", 19),
	signatoryCount("pour la période 2024-2027: nothing is known after 2027", "2028", 0),
	{"Aix, Arles, Berre, Châteauneuf-les-Martigues, La Ciotat, Istres, Marseille, Martigues, Miramas, Port-de-Bouc, Salon-de-Provence, Septèmes-les-Vallons, Vitrolles et Tarascon; l'État, la CAF, le Département, la Métropole; la Mutualité sociale agricole",
		`{ signatories(asOf: "2025", first: 100) { nodes { id } } }`, "signatories.nodes.id", factSet{
			"etat", "caf-13", "departement-13", "metropole-amp", "msa-provence-azur",
			"commune-aix-en-provence", "commune-arles", "commune-berre-l-etang", "commune-chateauneuf-les-martigues", "commune-la-ciotat",
			"commune-istres", "commune-marseille", "commune-martigues", "commune-miramas", "commune-port-de-bouc",
			"commune-salon-de-provence", "commune-septemes-les-vallons", "commune-vitrolles", "commune-tarascon"}},
	joinedBetween("Berre(-l'Étang), Châteauneuf-les-Martigues, Istres and Martigues are named for 2024-2027 but not in the 2018-2021 avenant",
		"2023", "2024-06-01", factSet{"commune-berre-l-etang", "commune-chateauneuf-les-martigues", "commune-istres", "commune-martigues"}),
	{"The excerpt of the 2024 article does not name the Région or the Carsat (their periods end with what is known)",
		`{ organizations(filter: {ids: ["region-sud", "carsat-sud-est", "commune-les-pennes-mirabeau"]}) { nodes { isSignatory(asOf: "2025") signatoryPeriods { validTo } } } }`,
		"organizations.nodes.{isSignatory,signatoryPeriods.validTo}", factSet{"false | 2023", "false | 2023", "false | 2023"}},
	{"it does not say whether they signed",
		`{ node(id: "region-sud") { ... on Organization { signatoryPeriods { note } } } }`, "node.signatoryPeriods.note",
		factHas{"Whether it signed in 2024 is not said", "not a known departure"}},
	// ------------------------------------------------------------ the conventions
	{"Une nouvelle convention cadre a été signée le 16 avril 2024 à Marseille [...] pour la période 2024-2027 · sous les ors de la préfecture",
		onNode("cccs-2024-2027", "Agreement", "signedAt startDate endDate place renews { id }"), "node.{signedAt,startDate,endDate,place,renews.id}",
		"2024-04-16 | 2024 | 2027 | Préfecture, Marseille | cccs-2023"},
	{"d'une durée d'une année, quand elle est d'ordinaire scellée pour quatre ans · avait été adoptée dans la douleur, pour un an seulement",
		onNode("cccs-2023", "Agreement", "startDate endDate renews { id }"), "node.{startDate,endDate,renews.id}", "2023 | 2023 | cccs-2018-2021"},
	{"fin 2022, un nouvel avenant à la convention, signée pour la période 2018-2021 et déjà prolongée d'un an, a été conclu",
		onNode("avenant-2022", "Amendment", "signedAt amends { id } summary"), "node.{signedAt,amends.id}", "2022 | cccs-2018-2021"},
	{"déjà prolongée d'un an",
		`{ events(filter: {nameContains: "Prolongation d'un an"}) { nodes { date endDate concerns { id } } } }`, "events.nodes.{date,endDate,concerns.id}",
		factSet{"2022 | 2022 | cccs-2018-2021"}},
	{"Parties: institutions: l'État, la CAF, le Département, la Métropole; communes [14]; others: la Mutualité sociale agricole",
		`{ node(id: "cccs-2024-2027") { relations(kinds: [PARTY_TO], direction: IN, first: 50) { totalCount } } }`, "node.relations.totalCount", 19},
	// ------------------------------------------------------------ figures
	{"Le département des Bouches-du-Rhône compte 97 équipements agréés \"centres sociaux\"",
		`{ figures(filter: {ids: ["figure-2013-centres-sociaux-agrees"]}) { nodes { value unit date sources { source { ... on Source { url } } } } } }`,
		"figures.nodes.{value,unit,date,sources.source.url}", factSet{"97 | centres sociaux | 2013 | http://animation-vie-sociale-13.fr/theme/se-situer"}},
	{"117 au total, dont : 99 centres sociaux, 10 espaces de vie sociale, 8 foyers de jeunes travailleurs",
		`{ figures(filter: {from: "2023-07", to: "2023-07"}) { nodes { value } } }`, "figures.nodes.value", factSet{"117", "99", "10", "8", "100000"}},
	{"près de 25 millions d'euros sont mobilisés pour 96 centres sociaux",
		`{ figures(filter: {about: "cccs-2024-2027", nameContains: "Montant"}) { nodes { value unit date note } } }`, "figures.nodes.{value,unit,date}",
		factSet{"25000000 | EUR | 2024-04-16"}},
	{"IFAC Provence: \"12 « maisons pour tous » (MPT) municipales\" in one passage and \"les onze MPT que l'Ifac gère à Marseille\" in another (both kept)",
		`{ figures(filter: {about: "ifac"}) { nodes { value } } }`, "figures.nodes.value", factSet{"12", "11", "35"}},
	{"the CAF adds 3.6 M€, the État 472 000 € and the Département 925 000 €",
		`{ figures(filter: {about: "cccs-2024-2027", nameContains: "Apport supplémentaire"}) { nodes { value } } }`, "figures.nodes.value",
		factSet{"3600000", "472000", "925000", "1500000"}},
	// ------------------------------------------------------------ sources
	{"https://marsactu.fr/ce-qui-se-joue-la-cest-la-disparition-des-centres-sociaux (2022-11-22)",
		`{ node(id: "marsactu-2022-11-22-centres-sociaux") { ... on Source { url publisher date licence } } }`, "node.{url,publisher,date,licence}",
		"https://marsactu.fr/ce-qui-se-joue-la-cest-la-disparition-des-centres-sociaux | Marsactu | 2022-11-22 | Aucune licence indiquée : seules de courtes citations sont reprises"},
	// ------------------------------------------------------------ openings, moves, closures
	{"Centre social de la Gavotte (Les Pennes-Mirabeau) closed after 63 years",
		`{ node(id: "les-pennes-mirabeau-centre-social-de-la-gavotte-ferme-en-2018") { ... on Facility { closed in2017: status(asOf: "2017") in2019: status(asOf: "2019") } } }`,
		"node.{closed,in2017,in2019}", "2018 | OPEN | CLOSED"},
	{"The Centre social Saint-Just La Solitude moved to \"2, impasse Signoret (13e)\" [...] renamed Germaine Tillion at its inauguration on \"samedi 18 mars\"",
		`{ node(id: "marseille-centre-social-germaine-tillion-ex-centre-social-saint-just-corot-la-so") { ... on Facility { before: territory(asOf: "2020") { code } after: territory(asOf: "2024") { code } commune { code } geometry } } }`,
		"node.{before.code,after.code,commune.code,geometry}", "13214 | 13213 | 13055 | <nil>"},
	{"moved to \"2, impasse Signoret (13e)\" [...] inauguration on \"samedi 18 mars\"; Destimed reports it on 20 March 2023",
		`{ node(id: "marseille-centre-social-germaine-tillion-ex-centre-social-saint-just-corot-la-so") { ... on Facility { locations { to { id } validFrom validTo } } } }`,
		"node.locations.{to.id,validFrom,validTo}", factSeq{"insee-13214 | <nil> | 2023-03-18", "insee-13213 | 2023-03-18 | <nil>"}},
	{"status over time: Gavotte closed in 2018; Germaine Tillion moved in 2023; Mer et Colline \"Fondé en 1983\"",
		`{ g: node(id: "les-pennes-mirabeau-centre-social-de-la-gavotte-ferme-en-2018") { ... on Facility { statusHistory { date change territory { code } } } }
		   t: node(id: "marseille-centre-social-germaine-tillion-ex-centre-social-saint-just-corot-la-so") { ... on Facility { statusHistory { date change territory { code } } } }
		   m: node(id: "marseille-centre-social-mer-et-colline") { ... on Facility { statusHistory { date change territory { code } } } } }`,
		"{g.statusHistory.change,g.statusHistory.date,t.statusHistory.change,t.statusHistory.date,t.statusHistory.territory.code,m.statusHistory.change,m.statusHistory.date,m.statusHistory.territory.code}",
		"CLOSED | 2018 | MOVED | 2023-03-18 | 13213 | OPENED | 1983 | 13208"},
	{"Episec [...] put into liquidation on 28 July 2023 [...] The MPTs go to the Ligue de l'enseignement",
		`{ node(id: "marseille-maison-pourtous-mpt-ifac-corderie") { ... on Facility { in2020: manager(asOf: "2020") { id } in2024: manager(asOf: "2024-01") { id } } } }`,
		"node.{in2020.id,in2024.id}", "episec | fail-13"},
	{"Centre social de l'Estaque / bassin de Séon, rue Rabelais: 1 600 m², opened officially on 29 November 2013",
		`{ events(filter: {from: "2013-11-29", to: "2013-11-29"}) { nodes { concerns { id } } } }`, "events.nodes.concerns.id",
		factSet{"marseille-centre-social-de-l-estaque-du-bassin-de-seon", "fail-13"}},
	{"\"L'arrêt du centre social de la Solidarité ... a été voté ce lundi 7 octobre\". The year is not in the excerpt",
		`{ node(id: "marseille-maison-pour-tous-centre-social-et-culturel-la-solidarite") { ... on Facility { closed note } } }`, "node.note",
		factHas{"7 octobre", "année n'est pas donnée"}},
	{"Début juin, elles intégreront ainsi la nouvelle convention cadre des centres sociaux 2024-2027",
		`{ events(filter: {from: "2024-06", to: "2024-06"}) { nodes { concerns { id } } } }`, "events.nodes.concerns.id",
		factIncludes{"maison-pour-tous", "centre-social", "cccs-2024-2027"}},
}

func TestNetworkFacts(t *testing.T) { checkFacts(t, networkFacts) }

// ../shared/data/network/facilities.csv and its PROVENANCE.md.
var facilitiesFacts = []seedFact{
	{"77 rows", `{ facilities { totalCount } }`, "facilities.totalCount", 77},
	{"48 `centre social`, 17 `MPT` (the name says Maison pour tous), 12 `other`, 0 EVS",
		`{ cs: facilities(filter: {type: "centre-social"}) { totalCount } mpt: facilities(filter: {type: "maison-pour-tous"}) { totalCount }
		   other: facilities(filter: {type: "autre-equipement"}) { totalCount } evs: facilities(filter: {type: "espace-de-vie-sociale"}) { totalCount } }`,
		"{cs.totalCount,mpt.totalCount,other.totalCount,evs.totalCount}", factSet{"48 | 17 | 12 | 0"}},
	{"67 in Marseille; 10 elsewhere (Port-de-Bouc 4, Aix-en-Provence 2, Miramas 2, Arles 1, Les Pennes-Mirabeau 1)",
		`{ m: facilities(filter: {within: "insee-13055"}) { totalCount } pdb: facilities(filter: {within: "insee-13077"}) { totalCount }
		   aix: facilities(filter: {within: "insee-13001"}) { totalCount } mir: facilities(filter: {within: "insee-13063"}) { totalCount }
		   arl: facilities(filter: {within: "insee-13004"}) { totalCount } pen: facilities(filter: {within: "insee-13071"}) { totalCount } }`,
		"{m.totalCount,pdb.totalCount,aix.totalCount,mir.totalCount,arl.totalCount,pen.totalCount}", factSet{"67 | 4 | 2 | 2 | 1 | 1"}},
	{"Coordinates (53 rows) come only from the Ville de Marseille open-data file",
		`{ facilities(filter: {hasLocation: true}) { totalCount } }`, "facilities.totalCount", 53},
	{"Coordinates (53 rows) [...] They were dropped for Germaine Tillion",
		`{ facilities(filter: {hasLocation: false}) { totalCount } }`, "facilities.totalCount", 24},
	{"Centre Social Baussenque,centre social,34 rue Baussenque,13002,Marseille,13202,,,,,43.29916275245,5.3669288849211",
		`{ node(id: "marseille-centre-social-baussenque") { ... on Facility { address postcode territory { code } location { lon lat } geometry type { id } } } }`,
		"node.{address,postcode,territory.code,location.lon,location.lat,type.id}", "34 rue Baussenque | 13002 | 13202 | 5.3669288849211 | 43.29916275245 | centre-social"},
	{"Centre social Lucia Tichadou [...] En juin 1985, la demande d’agrément centre social délivré par la CAF fut obtenue pour 3 ans.",
		`{ node(id: "port-de-bouc-centre-social-lucia-tichadou") { ... on Facility { agrementFrom manager { id } territory { code } } } }`,
		"node.{agrementFrom,manager.id,territory.code}", "1985-06 | aasec | 13077"},
	{"Maison pour Tous (mpt) la Pauline [...] CCO (from 1965, per CCO history) · the CCO lost its MPT in 2018",
		`{ node(id: "marseille-maison-pour-tous-mpt-la-pauline") { ... on Facility { in1970: federation(asOf: "1970") { id } in2020: federation(asOf: "2020") { id } } } }`,
		"node.{in1970.id,in2020.id}", "cco | <nil>"},
	{"possible duplicates not merged for lack of proof: \"Centre Tivoli\" and \"Centre social Tivoli le Camas (IFAC)\"",
		`{ node(id: "marseille-centre-tivoli") { ... on Facility { note type { id } } } }`, "node.note", factHas{"Doublon possible de marseille-centre-social-tivoli-le-camas", "pas un centre social agréé"}},
	{"Centre social de la Gavotte (fermé en 2018) · historical rows: [...] closed in 2018",
		`{ facilities(filter: {status: CLOSED, asOf: "2026-12-01"}) { nodes { id } } }`, "facilities.nodes.id",
		factSet{"les-pennes-mirabeau-centre-social-de-la-gavotte-ferme-en-2018"}},
	{"Centre Social Maison pour Tous (mpt) Belle de Mai [...] Léo Lagrange Méditerranée (délégation de service public)",
		`{ facilities(filter: {manager: "leo-lagrange-mediterranee"}) { nodes { id } } }`, "facilities.nodes.id",
		factSet{"marseille-centre-social-maison-pour-tous-mpt-belle-de-mai", "marseille-centre-social-saint-louis-leo-lagrange"}},
	// The README's "centres near you" example.
	{"Centre Social Echelle Treize la Rose Rollandin,centre social,203 chemin Notre-Dame de la Consolation,13013,Marseille,13213,,,,,43.3367809233829,5.43275245386347",
		`{ facilities(filter: {within: "insee-13213", status: OPEN}, first: 1) { totalCount nodes { name type { name } address postcode location { lon lat } } } }`,
		"facilities.nodes.{name,type.name,address,postcode,location.lon,location.lat}",
		factSeq{"Centre Social Echelle Treize la Rose Rollandin | Centre social | 203 chemin Notre-Dame de la Consolation | 13013 | 5.43275245386347 | 43.3367809233829"}},
	{"the 13th arrondissement: 8 rows of the open data and the Germaine Tillion (2, impasse Signoret (13e))",
		`{ facilities(filter: {within: "insee-13213", status: OPEN}) { totalCount } }`, "facilities.totalCount", 9},
}

func TestFacilitiesFacts(t *testing.T) { checkFacts(t, facilitiesFacts) }

// ../shared/data/admin/communes-13.csv.
var communesFacts = []seedFact{
	{"the 119 communes of the département 13 and the 16 arrondissements municipaux of Marseille",
		`{ c: territories(filter: {kinds: [COMMUNE]}) { totalCount } a: territories(filter: {kinds: [ARRONDISSEMENT_MUNICIPAL]}) { totalCount } }`,
		"{c.totalCount,a.totalCount}", factSet{"119 | 16"}},
	{"13055,Marseille,commune,,13001 [...] 13016,886040,200054807,Métropole d'Aix-Marseille-Provence,211300553",
		`{ territories(filter: {codes: ["13055"]}) { nodes { population intercommunality intercommunalityCode siren postcodes children(kinds: [ARRONDISSEMENT_MUNICIPAL]) { totalCount } } } }`,
		"territories.nodes.{population,intercommunality,intercommunalityCode,siren,children.totalCount}",
		factSet{"886040 | Métropole d'Aix-Marseille-Provence | 200054807 | 211300553 | 16"}},
	{"13213,Marseille 13e Arrondissement,arrondissement-municipal,13055,13013,95112",
		`{ territories(filter: {codes: ["13213"]}) { nodes { name type population postcodes parent { code } sources { source { id } } } } }`,
		"territories.nodes.{name,type,population,postcodes,parent.code,sources.source.id}",
		factSet{"Marseille 13e Arrondissement | ARRONDISSEMENT_MUNICIPAL | 95112 | 13013 | 13055 | cog-insee-2026"}},
	{"13004,Arles,commune,,13104 13123 13129 13200 13280,51811,241300417,CA d'Arles-Crau-Camargue-Montagnette",
		`{ territories(filter: {codes: ["13004"]}) { nodes { population postcodes intercommunality } } }`,
		"territories.nodes.{population,postcodes,intercommunality}", factSet{"51811 | 13104, 13123, 13129, 13200, 13280 | CA d'Arles-Crau-Camargue-Montagnette"}},
	{"epci_name (the intercommunality: Métropole d'Aix-Marseille-Provence and three others)",
		`{ territories(filter: {kinds: [COMMUNE]}, first: 200) { nodes { intercommunality } } }`, "territories.nodes.intercommunality",
		factIncludes{"Métropole d'Aix-Marseille-Provence", "CA d'Arles-Crau-Camargue-Montagnette", "CA Terre de Provence", "CC Vallée des Baux-Alpilles (CC VBA)"}},
}

func TestCommunesFacts(t *testing.T) { checkFacts(t, communesFacts) }

func TestFacilityCoverageRefusesOtherKinds(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, kind := range []string{"DEPARTEMENT", "ZONE_DE_VIE_SOCIALE"} {
		wantCode(t, c, domain.EBADINPUT, `{ facilityCoverage(kinds: [`+kind+`]) { facilities } }`)
	}
}

// A facility's point is a GeoJSON Point with the coordinates as the source
// gives them, like Territory.geometry; none without coordinates.
func TestFacilityGeometryIsAGeoJSONPoint(t *testing.T) {
	c := newClient(defaultDataset(t))
	data := postQuery(t, c, `{ with: node(id: "marseille-centre-social-baussenque") { ... on Facility { geometry } }
		without: node(id: "marseille-les-musardises") { ... on Facility { geometry } } }`)
	got, _ := json.Marshal(data)
	want := `{"with":{"geometry":{"coordinates":[5.3669288849211,43.29916275245],"type":"Point"}},"without":{"geometry":null}}`
	if string(got) != want {
		t.Errorf("geometry = %s, want %s", got, want)
	}
}

func TestFacilitiesWithinTheDepartement(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct{ Facilities struct{ TotalCount int } }
	query(t, c, `{ facilities(filter: {within: "fr-13"}) { totalCount } }`, &resp)
	if resp.Facilities.TotalCount != 77 {
		t.Errorf("facilities within fr-13 = %d, want all 77 (communes and arrondissements)", resp.Facilities.TotalCount)
	}
}

// "Centres near you": the facilities in a box around the Vieux-Port.
func TestFacilitiesInABox(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Facilities struct{ Nodes []struct{ ID string } }
	}
	query(t, c, `{ facilities(filter: {bbox: [5.36, 43.29, 5.37, 43.30]}) { nodes { id } } }`, &resp)
	var ids []string
	for _, n := range resp.Facilities.Nodes {
		ids = append(ids, n.ID)
	}
	if want := []string{"marseille-centre-social-baussenque", "marseille-maison-pourtous-mpt-ifac-corderie"}; !slices.Equal(ids, want) {
		t.Errorf("facilities in the box = %v, want %v", ids, want)
	}
	for _, box := range []string{"[5.36, 43.29, 5.37]", "[5.36, 43.30, 5.37, 43.29]", "[5.36, 91, 5.37, 92]"} {
		wantCode(t, c, domain.EBADINPUT, `{ facilities(filter: {bbox: `+box+`}) { totalCount } }`)
	}
}
