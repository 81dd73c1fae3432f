package graph

import "testing"

// Seed 004: the stakes and orientations of the Convention Cadre 2015-2017.
var seed004 = []seedFact{
	{"La Convention cadre 2015-2017 recouvre deux enjeux majeurs",
		`{ orientations(filter: {nameContains: "Enjeu"}) { nodes { number name } } }`, "orientations.nodes.{number,name}", factSet{
			"1 | Amélioration de la couverture territoriale afin de faire bénéficier à l’ensemble de la population des dispositifs de l’animation de la vie sociale",
			"2 | Poursuite d’une démarche active de la participation des habitants",
		}},
	{"trois orientations stratégiques fondent le nouveau texte de la Convention cadre",
		`{ orientations(filter: {nameContains: "Orientation stratégique"}) { nodes { number name } } }`, "orientations.nodes.{number,name}", factSet{
			"1 | Poursuivre et améliorer la démarche de complémentarité et de mise en cohérence des politiques partenariales en faveur des équipements sociaux, dans un souci d’équité territoriale",
			"2 | Conforter la démarche de suivi et d'évaluation en continu du dispositif Convention cadre",
			"3 | Renforcer les efforts pour réduire les risques liés aux difficultés de fonctionnement des équipements sociaux, pour accompagner les gestionnaires dans le fonctionnement rigoureux de leurs équipements, et valoriser les bonnes pratiques",
		}},
	{"La Convention cadre 2015-2017 recouvre deux enjeux majeurs [...] trois orientations stratégiques fondent le nouveau texte [...] a pour objet :",
		`{ node(id: "cccs-2015-2017") { relations(kinds: [PART_OF], direction: IN, first: 100) { nodes { from { kind } } } } }`,
		"node.relations.nodes.from.kind", factSet{"ORIENTATION", "ORIENTATION", "ORIENTATION", "ORIENTATION", "ORIENTATION",
			"ORIENTATION", "ORIENTATION", "ORIENTATION", "ORIENTATION"}},
	{"Poursuivre et améliorer la démarche de complémentarité [...] (thème 1) · Conforter la démarche de suivi et d'évaluation (thème 3) · Renforcer les efforts (thème 2, « Maintenir les efforts »)",
		`{ themes(orderBy: {field: ID}) { nodes { number relations(kinds: [PART_OF], direction: OUT) { nodes { to { ... on Orientation { number } } } } } } }`,
		"themes.nodes.{number,relations.nodes.to.number}", factSeq{"1 | 1", "2 | 3", "3 | 2"}},
	{"Elle doit tenir compte d’un contexte économique complexe et d’une rigueur de gestion qui s’impose à tous",
		onNode("cccs-2015-2017", "Agreement", "summary"), "node.summary", factHas{"contexte économique complexe", "rigueur de gestion"}},

	// ------------------------------------------------------------ towards a departmental scheme
	{"La Convention cadre des centres sociaux constitue les fondations d’un schéma départemental de l'Animation de la vie sociale.",
		`{ programmes(filter: {nameContains: "schéma départemental de l'animation de la vie sociale"}) { nodes { id sources { source { id } } } } }`,
		"programmes.nodes.sources.source.id", factIncludes{"seed-004"}},
	{"autour: de la pertinence de la couverture des territoires, du repérage des problématiques [...], des attentes de chaque partenaire [...], de la coordination des financements [...], de l’observation et de l’évaluation",
		`{ programmes(filter: {nameContains: "schéma départemental de l'animation de la vie sociale"}) { nodes { description } } }`,
		"programmes.nodes.description", factHas{"pertinence de la couverture des territoires", "repérage des problématiques",
			"attentes de chaque partenaire", "coordination des financements", "évaluation de l'action des équipements"}},
	{"l’ensemble des partenaires a convenu de la nécessité de départementaliser le dispositif en intégrant les communes où un équipement social agréé AGC par la Caf est implanté",
		`{ programmes(filter: {nameContains: "départementalisation"}) { nodes { description relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } validFrom validTo } } } } }`,
		"programmes.nodes.description", factHas{"communes où un équipement social agréé AGC par la Caf est implanté", "progressivement", "volonté d'adhésion"}},
	{"Cette intégration se fera progressivement, sur la durée de la convention",
		`{ programmes(filter: {nameContains: "départementalisation"}) { nodes { relations(kinds: [ESTABLISHES], direction: IN) { nodes { from { id } validFrom validTo } } } } }`,
		"programmes.nodes.relations.nodes.{from.id,validFrom,validTo}", factSet{"cccs-2015-2017 | 2015 | 2017"}},

	// ------------------------------------------------------------ the centre social
	{"La Branche Famille de la sécurité sociale définit le centre social (Lc Cnaf sur l’Animation de la vie sociale du 12 juin 2012)",
		`{ events(filter: {from: "2012-06-12", to: "2012-06-12"}) { nodes { date concerns { id } } } }`, "events.nodes.{date,concerns.id}",
		factSet{"2012-06-12 | branche-famille, centre-social, cnaf, prestation-service-agc"}},
	{"la fonction «Animation Globale et Coordination » (AGC), pour laquelle la Caisse d'allocations familiales octroie un agrément \"centre social\" et verse une prestation de service",
		`{ programmes(filter: {nameContains: "Animation Globale et Coordination"}) { nodes { funders { id } } } }`, "programmes.nodes.funders.id", factSet{"caf-13"}},
	{"la Caisse d'allocations familiales octroie un agrément \"centre social\" et verse une prestation de service",
		`{ facilityTypes(filter: {nameContains: "centre social"}) { nodes { rules } } }`, "facilityTypes.nodes.rules",
		factHas{"Animation Globale et Coordination", "agrément « centre social »", "prestation de service", "12 juin 2012"}},
	{"Le centre social se caractérise par : un territoire spécifique intégré dans une zone de vie sociale, [...] un projet social issu d'un diagnostic partagé, une approche polyvalente de l'environnement social, la participation et l'implication des habitants",
		`{ facilityTypes(filter: {nameContains: "centre social"}) { nodes { rules } } }`, "facilityTypes.nodes.rules",
		factHas{"un territoire spécifique intégré dans une zone de vie sociale, déterminée à travers une concertation partenariale",
			"un projet social issu d'un diagnostic partagé", "une approche polyvalente de l'environnement social",
			"la participation et l'implication des habitants dans les actions et les instances du centre social"}},
	{"Le centre social, pierre angulaire du dispositif [...] faire par, pour et avec les habitants [...] individuelle : l’habitant « individu », collective : l’habitant et le « vivre ensemble », sociétale : l’habitant « citoyen »",
		`{ facilityTypes(filter: {nameContains: "centre social"}) { nodes { description } } }`, "facilityTypes.nodes.description",
		factHas{"pierre angulaire du dispositif", "par, pour et avec les habitants", "individu", "vivre ensemble", "citoyen"}},
	{"une coopération partenariale de soutien à l'animation de la vie sociale, comprenant un volet financier ainsi qu’un volet technique",
		onNode("cccs-2015-2017", "Agreement", "summary"), "node.summary", factHas{"volet financier", "volet technique"}},

	// ------------------------------------------------------------ the general objectives
	{"Les objectifs généraux du partenariat : La Convention cadre des centres sociaux et de l’Animation de la vie sociale a pour objet",
		`{ orientations(filter: {nameContains: "Objectif général"}) { nodes { number name } } }`, "orientations.nodes.{number,name}", factSet{
			"1 | de favoriser une politique concertée en faveur des équipements sociaux",
			"2 | de poursuivre une coopération partenariale renforcée par la mise en œuvre d’actions concertées au travers d’instances de décisions, d’instances opérationnelles et, d’instances ou d’outils d’animation",
			"3 | de soutenir financièrement l’ensemble des équipements du département",
			"4 | de s’assurer qu’un soutien technique est apporté aux équipements sociaux pour consolider les modalités d’exercice des fonctions AGC-ACF, par les compétences des réseaux fédératifs et par une expertise technique externe financée par les partenaires",
		}},
}

func TestSeed004Orientations(t *testing.T) { checkFacts(t, seed004) }
