package graph

import "testing"

// Seed 000: the history of the Convention Cadre, from the 1980s to 2019.
var seed000 = []seedFact{
	// ------------------------------------------------------------ Année 80
	{"Année 80 · Dès le milieu des années 1980, des travaux émergent autour d’un document d’engagement réciproque",
		`{ events(filter: {to: "1993"}) { nodes { date } } }`, "events.nodes.date", factSet{"198X"}},
	{"un document d’engagement réciproque pour apporter un soutien aux centres sociaux de la ville de Marseille",
		`{ events(filter: {to: "1993"}) { nodes { concerns { id } } } }`, "events.nodes.concerns.id", factIncludes{"commune-marseille", "cccs"}},

	// ------------------------------------------------------------ 1994
	{"le 25 juillet 1994 à la signature [...] à la première Convention Cadre des Centres Sociaux",
		`{ agreements(orderBy: {field: DATE}, first: 1) { nodes { signedAt } } }`, "agreements.nodes.signedAt", "1994-07-25"},
	{"le 25 juillet 1994", `{ events(filter: {from: "1994", to: "1994"}) { nodes { date } } }`, "events.nodes.date", factSet{"1994-07-25"}},
	{"la signature entre l’Etat, la Caf des Bouches-du-Rhône (Caf 13) et la ville de Marseille",
		`{ signatories(asOf: "1994-07-25") { nodes { id } } }`, "signatories.nodes.id", factSet{"etat", "caf-13", "commune-marseille"}},
	signatoryCount("la première Convention Cadre (3 signataires : l’Etat, la Caf 13, la ville de Marseille)", "1994", 3),
	signatoryCount("Ils aboutissement le 25 juillet 1994 à la signature (rien avant ce jour)", "1994-07-24", 0),
	{"la signature entre l’Etat, la Caf des Bouches-du-Rhône (Caf 13) et la ville de Marseille (qui signe quoi)",
		onNode("cccs-1994", "Agreement", "signatures { organization { id } date }"), "node.signatures.{organization.id,date}",
		factSet{"etat | 1994-07-25", "caf-13 | 1994-07-25", "commune-marseille | 1994-07-25"}},

	// ------------------------------------------------------------ 19 mai 2000
	{"19 mai 2000 – Signature de la Convention Cadre des Centres Sociaux à 12",
		onNode("cccs-2000", "Agreement", "signedAt"), "node.signedAt", "2000-05-19"},
	signatoryCount("Signature de la Convention Cadre des Centres Sociaux à 12", "2000-05-19", 12),
	{"Le 19 mai 2000, de nouveaux signataires s’engagent [...] : l’Etat, la Région [...], le Département [...], le FASILD, la Caf 13 et 7 communes",
		onNode("cccs-2000", "Agreement", "signatures { organization { id } date }"), "node.signatures.{organization.id,date}",
		factSet{"etat | 2000-05-19", "region-sud | 2000-05-19", "departement-13 | 2000-05-19", "fasild | 2000-05-19", "caf-13 | 2000-05-19",
			"commune-aix-en-provence | 2000-05-19", "commune-la-ciotat | 2000-05-19", "commune-les-pennes-mirabeau | 2000-05-19",
			"commune-marseille | 2000-05-19", "commune-miramas | 2000-05-19", "commune-port-de-bouc | 2000-05-19",
			"commune-septemes-les-vallons | 2000-05-19"}},
	joinedBetween("de nouveaux signataires s’engagent : [...] la Région Sud [...], le Département [...], le FASILD [...] et 7 communes", "2000-05-18", "2000-05-19",
		factSet{"region-sud", "departement-13", "fasild", "commune-aix-en-provence", "commune-la-ciotat", "commune-les-pennes-mirabeau",
			"commune-miramas", "commune-port-de-bouc", "commune-septemes-les-vallons"}),
	{"7 communes du Département : Aix-en-Provence, La Ciotat, Les Pennes-Mirabeau, Marseille, Miramas, Port-de-Bouc et Septèmes-les-Vallons",
		`{ organizations(filter: {signatoryAsOf: "2000-05-19", categories: [COMMUNE]}) { nodes { territory { name code } } } }`,
		"organizations.nodes.territory.{name,code}",
		factSet{"Aix-en-Provence | 13001", "La Ciotat | 13028", "Les Pennes-Mirabeau | 13071", "Marseille | 13055", "Miramas | 13063",
			"Port-de-Bouc | 13077", "Septèmes-les-Vallons | 13106"}},

	// ------------------------------------------------------------ 2001-2002
	{"2001 – Mise en place des missions d'appui comptable et financière",
		`{ programmes(filter: {nameContains: "appui comptable"}) { nodes { started } } }`, "programmes.nodes.started", "2001"},
	{"2001 – Mise en place des missions d'appui comptable et financière",
		`{ events(filter: {from: "2001", to: "2002"}) { nodes { date } } }`, "events.nodes.date", factSet{"2001"}},
	{"la mise en évidence de la nécessité de répondre à des besoins de formation et de soutien technique (mise en œuvre de la mission d’appui à caractère social)",
		`{ programmes(filter: {nameContains: "appui à caractère social"}) { totalCount } }`, "programmes.totalCount", 1},
	{"l’engagement des réflexions de fond (cartographie des centres sociaux)",
		`{ programmes(filter: {nameContains: "cartographie des centres sociaux"}) { nodes { relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } } } } } }`,
		"programmes.nodes.relations.nodes.from.id", factIncludes{"cccs-2000"}},

	// ------------------------------------------------------------ 2003
	{"La Convention Cadre des Centres Sociaux signée en 2003",
		`{ agreements(filter: {from: "2003", to: "2003"}) { nodes { signedAt } } }`, "agreements.nodes.signedAt", "2003"},
	{"signée en 2003 [...] avec la mise en place d’une procédure de recrutement des directeurs",
		`{ programmes(filter: {nameContains: "procédure de recrutement des directeurs"}) { nodes { started } } }`, "programmes.nodes.started", "2003"},
	signatoryCount("2000 à 2005 : aucun nouveau signataire n’est cité avant 2006 (12)", "2005", 12),

	// ------------------------------------------------------------ 2006
	{"La Convention est renouvelée en 2006 et 2007",
		`{ agreements(filter: {from: "2006", to: "2007"}) { nodes { startDate endDate } } }`, "agreements.nodes.{startDate,endDate}", factSet{"2006 | 2007"}},
	{"La Convention est renouvelée en 2006 et 2007",
		`{ events(filter: {from: "2006", to: "2007"}) { nodes { date } } }`, "events.nodes.date", factSet{"2006", "2007"}},
	signatoryCount("2006 – Les signataires passent à 14", "2006", 14),
	joinedBetween("intégrant deux nouvelles communes : Salon-de-Provence et Vitrolles", "2005", "2006",
		factSet{"commune-salon-de-provence", "commune-vitrolles"}),

	// ------------------------------------------------------------ 2008 à 2010
	{"Pour la période 2008 à 2010", `{ agreements(filter: {from: "2008", to: "2010"}) { nodes { startDate endDate } } }`,
		"agreements.nodes.{startDate,endDate}", factSet{"2008 | 2010"}},
	{"un plan de financement pérenne, allant jusqu’à 112 % du plafond Cnaf pour les centres sociaux classés en territoire de Contrats Urbains de Cohésion Sociale (Cucs)",
		`{ programmes(filter: {nameContains: "financement pérenne"}) { nodes { started description } } }`, "programmes.nodes.description",
		factHas{"112 %", "plafond Cnaf", "Contrats Urbains de Cohésion Sociale", "note de cadrage"}},
	{"Pour la période 2008 à 2010, [...] un plan de financement pérenne",
		`{ programmes(filter: {nameContains: "financement pérenne"}) { nodes { started } } }`, "programmes.nodes.started", "2008"},
	{"ils réalisent un bilan de la Convention Cadre des Centres Sociaux mené par un groupe de travail",
		`{ bodies(filter: {nameContains: "groupe de travail"}) { nodes { relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } validFrom validTo } } } } }`,
		"bodies.nodes.relations.nodes.{from.id,validFrom,validTo}", factSet{"cccs-2008-2010 | 2008 | 2010"}},

	// ------------------------------------------------------------ 2011 à 2014
	{"Des années 2011 à 2014 : une Convention prorogée à deux reprises · la Convention Cadre des Centres Sociaux 2011/2012",
		`{ agreements(filter: {nameContains: "2011"}) { nodes { startDate endDate } } }`, "agreements.nodes.{startDate,endDate}", factSet{"2011 | 2014"}},
	{"une Convention prorogée à deux reprises",
		`{ events(filter: {nameContains: "prorogation"}) { totalCount } }`, "events.totalCount", 2},
	{"la création de l’Instance d’Évaluation de la Convention Cadre (sur la période 2011-2014) · 2015 - Création de nouvelles instances : l’Instance d’Évaluation",
		`{ bodies(filter: {nameContains: "instance d'évaluation"}) { nodes { created relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } } } } } }`,
		"bodies.nodes.relations.nodes.from.id", factSet{"cccs-2011-2012", "cccs-2015-2017"}},
	{"la création et l’animation du site internet de la Convention Cadre des Centres Sociaux",
		`{ programmes(filter: {nameContains: "site internet"}) { nodes { relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } } } } } }`,
		"programmes.nodes.relations.nodes.from.id", factSet{"cccs-2011-2012"}},
	{"la conduite de groupes de réflexion thématiques",
		`{ bodies(filter: {nameContains: "réflexion thématiques"}) { totalCount } }`, "bodies.totalCount", 1},

	// ------------------------------------------------------------ 2013
	{"2013 - Mise en place d’Instances Territoriales de Concertation sur des territoires pilotes",
		`{ bodies(filter: {nameContains: "Instances Territoriales de Concertation"}) { nodes { created } } }`, "bodies.nodes.created", "2013"},
	{"2013 - Mise en place d’Instances Territoriales de Concertation",
		`{ events(filter: {from: "2013", to: "2013"}) { nodes { date concerns { id } } } }`, "events.nodes.{date,concerns.id}", factIncludes{"2013 | cccs-2011-2012, itc"}}, // and the Estaque's inauguration (web sources)

	// ------------------------------------------------------------ 2015
	{"La Convention Cadre des Centres Sociaux 2015/2017",
		onNode("cccs-2015-2017", "Agreement", "startDate endDate"), "node.{startDate,endDate}", "2015 | 2017"},
	{"Intégration des Maisons Pour Tous (MPT), relevant d’une délégation de service public, agréées « centres sociaux » dans la Convention Cadre",
		`{ facilityTypes(filter: {nameContains: "MPT"}) { nodes { name rules } } }`, "facilityTypes.nodes.rules",
		factHas{"délégation de service public", "centre social", "2015"}},
	{"2015 - Intégration de nouveaux types d'équipements : les Maisons Pour Tous",
		`{ events(filter: {nameContains: "Maisons Pour Tous", from: "2015", to: "2015"}) { nodes { date concerns { id } } } }`, "events.nodes.{date,concerns.id}",
		factSet{"2015 | cccs-2015-2017, maison-pour-tous"}},
	{"la démarche d’observation et d’évaluation renforcée, grâce aux travaux de l’Instance d’évaluation et de l’Observatoire des centres sociaux Senacs",
		`{ programmes(filter: {nameContains: "Observatoire des centres sociaux"}) { nodes { name } } }`, "programmes.nodes.name", factHas{"SENACS"}},
	{"2015 - Création [...] du Soutien Technique Renforcé qui vise l'accompagnement ciblé et soutenu des équipements",
		`{ programmes(filter: {nameContains: "Soutien Technique Renforcé"}) { nodes { started } } }`, "programmes.nodes.started", "2015"},
	{"2015 - Création de nouvelles instances : l’Instance d’Évaluation [...] et du Soutien Technique Renforcé",
		`{ events(filter: {nameContains: "Création de nouvelles instances"}) { nodes { date concerns { id } } } }`, "events.nodes.{date,concerns.id}",
		factSet{"2015 | cccs-2015-2017, instance-evaluation, senacs, soutien-technique-renforce"}},
	signatoryCount("2015 - Les signataires passent à 18", "2015", 18),
	signatoryCount("2015 - Les signataires passent à 18 (14 jusqu’alors)", "2014", 14),

	// ------------------------------------------------------------ 2017
	signatoryCount("2017 - Les signataires passent à 19", "2017", 19),
	joinedBetween("Les signataires passent à 19 avec l’intégration de la commune d’Arles (les fédérations : 2015, voir seed 001)", "2016", "2017",
		factSet{"commune-arles"}),
	{"Les signataires passent à 19 avec l’intégration de la commune d’Arles et des fédérations d'éducation populaires (les deux lectures sont citées)",
		onNode("fail-13", "Organization", "signatoryPeriods { sources { source { id } } }"), "node.signatoryPeriods.sources.source.id",
		factIncludes{"seed-000", "seed-001"}},

	// ------------------------------------------------------------ 2018
	signatoryCount("2018 - Les signataires passent à 20", "2018", 20),
	joinedBetween("La Metropole Aix-Marseille Provence intègrent la Convention Cadre des Centres Sociaux", "2017", "2018", factSet{"metropole-amp"}),
	{"et deviennent membres des comités techniques et départementaux",
		onNode("metropole-amp", "Organization", `now: bodies(asOf: "2018") { id } before: bodies(asOf: "2017") { id }`), "node.now.id",
		factSet{"comite-technique", "comite-departemental"}},
	{"La Metropole Aix-Marseille Provence [...] deviennent membres des comités techniques",
		onNode("comite-technique", "Body", `members(asOf: "2018") { id }`), "node.members.id", factSet{"metropole-amp"}},
	{"et deviennent membres des comités techniques et départementaux (en 2018)",
		onNode("metropole-amp", "Organization", `now: bodies(asOf: "2018") { id } before: bodies(asOf: "2017") { id }`), "node.before.id", nil},
	{"le Schéma Directeur de l'Animation de Vie Sociale 2018-2021 adossé à la CCCS 2018-2021",
		`{ programmes(filter: {nameContains: "Schéma Directeur"}) { nodes { started relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } } } } } }`,
		"programmes.nodes.{started,relations.nodes.from.id}", factSet{"2018 | cccs-2018-2021"}},

	// ------------------------------------------------------------ 2019
	signatoryCount("2019 - les partenaires passent à 23", "2019", 23),
	joinedBetween("2019 a vu l'intégration de la commune de Tarascon, de la Mutualité Sociale Agricole Provence-Azur, et la Carsat Sud-Est par un avenant à la convention",
		"2018", "2019", factSet{"commune-tarascon", "msa-provence-azur", "carsat-sud-est"}),
	{"par un avenant à la convention", onNode("commune-tarascon", "Organization", "signatoryPeriods { validFrom sources { source { id } } }"),
		"node.signatoryPeriods.sources.source.id", factIncludes{"seed-000", "seed-002"}},
	{"l'enrichissement de la procédure de recrutement par des mesures adaptés aux chargés de mission de direction",
		onNode("avenant-1", "Amendment", "relations(kinds: [ESTABLISHES], direction: OUT) { nodes { to { name } } }"), "node.relations.nodes.to.name",
		factIncludes{"Adaptation de la procédure de recrutement aux chargés de mission de direction"}},
	{"que les partenaires définissent ensemble les perspectives du territoire en cas de fermeture d'un équipement",
		onNode("avenant-1", "Amendment", "articles { summary }"), "node.articles.summary", factIncludes{
			"Complément à l'article 1.2.3 « les engagements réciproques des partenaires » : en cas de fermeture d'un équipement, les partenaires se réunissent pour définir ensemble les perspectives pour le territoire."}},
	{"2019 - Evolution du Soutien Technique Renforcé par la Mise en oeuvre du Dispositif Local d'Accompagnement",
		`{ programmes(filter: {nameContains: "Soutien Technique Renforcé"}) { nodes { now: deliveredBy(asOf: "2019") { id } before: deliveredBy(asOf: "2018") { id } } } }`,
		"programmes.nodes.now.id - programmes.nodes.before.id", factSet{"france-active"}},
	{"2019 - Evolution du Soutien Technique Renforcé", `{ events(filter: {nameContains: "Evolution du Soutien Technique Renforcé"}) { nodes { date } } }`,
		"events.nodes.date", factSet{"2019"}},

	// ------------------------------------------------------------ the editions, in history order
	// The web sources add the editions after 2021 (network2019_test.go).
	{"1994, 2000 « à 12 », 2003, 2006/2007, 2008 à 2010, 2011/2012, 2015/2017, CCCS 2018-2021",
		onNode("cccs", "Agreement", "editions { id }"), "node.editions.id",
		factSeq{"cccs-1994", "cccs-2000", "cccs-2003", "cccs-2006-2007", "cccs-2008-2010", "cccs-2011-2012", "cccs-2015-2017", "cccs-2018-2021",
			"cccs-2023", "cccs-2024-2027"}},
	{"la Convention est renouvelée [...] la Convention Cadre des Centres Sociaux 2015/2017 [...] la CCCS 2018-2021 (chaque édition renouvelle la précédente)",
		onNode("cccs", "Agreement", "editions { renews { id } }"), "node.editions.renews.id",
		factSeq{"<nil>", "cccs-1994", "cccs-2000", "cccs-2003", "cccs-2006-2007", "cccs-2008-2010", "cccs-2011-2012", "cccs-2015-2017",
			"cccs-2018-2021", "cccs-2023"}},
}

func TestSeed000History(t *testing.T) { checkFacts(t, seed000) }
