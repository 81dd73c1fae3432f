package graph

import (
	"fmt"
	"testing"
)

// fiche is one fiche action of seed 003, as written: the cells of its table
// (flattened to one line; "" where the cell is empty) and the actors of the
// ACTEURS cell that are entities of the graph.
type fiche struct {
	id            string
	theme, number int
	name          string // OBJECTIF OPÉRATIONNEL
	means         string // MOYENS MIS EN ŒUVRE
	actors        string // ACTEURS
	evaluation    string // EVALUATION
	deadline      string // ECHÉANCES
	deadlineDate  any    // the deadline as a date, nil when it is not one
	actorNodes    factSet
}

// The actors "Caf" and "Instance d'évaluation" ("Fédérations" are the five federations).
var (
	cafActor      = factSet{"caf-13"}
	instanceActor = factSet{"instance-evaluation"}
)

var fiches = []fiche{
	{id: "objective-t1-o1", theme: 1, number: 1,
		name:         "Poursuivre la réflexion sur les modalités de financement",
		means:        "→ Mise à plat des financements en fonction des compétences et des moyens d'intervention des partenaires → Par voie de conséquence, définir des critères de financements adaptés",
		actors:       "Partenaires institutionnels Communes Fédérations Équipements sociaux",
		evaluation:   "Réalisation des objectifs Si écart, expliquer les raisons",
		deadline:     "2017, pour le renouvellement de la prochaine Convention Cadre",
		deadlineDate: "2017", actorNodes: federationIDs},
	{id: "objective-t1-o2", theme: 1, number: 2,
		name:         "Poursuivre la réflexion sur les modalités administratives de demandes de subventions des équipements sociaux",
		means:        "Élaboration d'un dossier unique de demande de subvention",
		actors:       "Partenaires institutionnels Communes Fédérations Équipements sociaux",
		evaluation:   "Réalisation et mise en œuvre du dossier unique Si écart, expliquer les raisons",
		deadline:     "2017, pour le renouvellement de la prochaine Convention Cadre",
		deadlineDate: "2017", actorNodes: federationIDs},
	{id: "objective-t1-o3", theme: 1, number: 3,
		name: "Actualisation des zones de vie sociale",
		// Two rows of means, actors, evaluation and deadline: Marseille, then the territories outside it.
		means:        "Travaux de cartographie Marseille Travaux de cartographie sur les territoires hors Marseille",
		actors:       "Ville de Marseille Caf Autres partenaires institutionnels Communes Caf Autres partenaires institutionnels",
		evaluation:   "Réalisation",
		deadline:     "2017",
		deadlineDate: "2017", actorNodes: factSet{"commune-marseille", "caf-13"}},
	{id: "objective-t1-o4", theme: 1, number: 4,
		name:         "Intégration des Espaces de Vie Sociale",
		means:        "À définir",
		actors:       "Caf Partenaires de la CC",
		deadline:     "2015 ou 2016",
		deadlineDate: nil, actorNodes: cafActor},
	{id: "objective-t1-o5", theme: 1, number: 5,
		name:         "Partage de SENACS comme outil commun d'observation, d'analyse et de partage sur le fonctionnement des équipements sociaux",
		means:        "Mise en place d'un copil partenarial SENACS → associer les partenaires de la CC → appropriation de l'outil par les directeurs des centres sociaux et par leurs administrateurs",
		actors:       "Caf Union des centres sociaux 13 Partenaires de la CC Fédérations Équipements sociaux",
		evaluation:   "Réalisation partagée de la plaquette SENACS Taux de remplissage du questionnaire Organisation de temps de restitution dans les ITC « élargies »",
		deadline:     "Annuellement dès la campagne 2014 – 2015",
		deadlineDate: nil, actorNodes: unionOf(cafActor, federationIDs)},
	{id: "objective-t2-o1", theme: 2, number: 1,
		name:         "Mise en œuvre du soutien technique renforcé aux équipements sociaux",
		means:        "→ Lancement du MAPA → Déploiement de la mission à compter de juin 2015 (à ajuster en fonction du CT)",
		actors:       "Caf Partenaires de la CC Porteur",
		evaluation:   "Réalisation du lancement et du déploiement de la mission",
		deadline:     "2015",
		deadlineDate: "2015", actorNodes: cafActor},
	{id: "objective-t2-o2", theme: 2, number: 2,
		name:         "Mise en œuvre du socle 1 du soutien technique par les fédérations",
		means:        "Mise en place d'un suivi régulier avec les fédérations sur le fonctionnement des équipements sociaux dans un objectif de réactivité partenariale.",
		actors:       "Caf Partenaires de la CC Fédérations",
		evaluation:   "Rencontres régulières avec les fédérations.",
		deadline:     "2015",
		deadlineDate: "2015", actorNodes: unionOf(cafActor, federationIDs)},
	{id: "objective-t2-o3", theme: 2, number: 3,
		name:         "Participation active des équipements sociaux et de leurs administrateurs au dispositif de la Convention cadre",
		means:        "Mise en œuvre de la nouvelle organisation des instances : → Comité départemental → Comité technique → Organisation d'une assemblée départementale (printemps 2015 et 2017 pour le bilan de la convention et pour alimenter le renouvellement) → déploiement des ITC → Poursuite la dynamique des ITC existantes → Dynamique du site internet Convention cadre",
		actors:       "Caf Partenaires CC Fédérations Équipements sociaux Acteurs de l'AVS Personnes ressources",
		evaluation:   "→ réalisation → participation des acteurs → nouveaux partenariats → initiatives locales → circularité des thématiques et problématiques soulevées",
		deadline:     "2015",
		deadlineDate: "2015", actorNodes: unionOf(cafActor, federationIDs)},
	{id: "objective-t2-o4", theme: 2, number: 4,
		name:         "Mise à jour des outils de fonctionnement et de soutien aux fonctions de Direction, d'accueil et de comptabilité",
		means:        "→ réécriture de la procédure de recrutement du Poste de Direction → engager une réflexion sur les fonctions de comptable et d'agents d'accueil → mise en place de partenariats avec les centres de formations",
		actors:       "Caf Partenaires CC Directeurs des équipements sociaux Acteurs de l'AVS Personnes ressources",
		deadline:     "2016",
		deadlineDate: "2016", actorNodes: cafActor},
	{id: "objective-t3-o1", theme: 3, number: 1,
		name:         "Évaluation de la nouvelle mission de soutien technique aux équipements sociaux",
		means:        "→ élaboration du dispositif d'évaluation début 2015 → mise en œuvre de l'évaluation 1er trimestre 2016 comme aide à la décision du renouvellement de la mission",
		actors:       "Partenaires CC : Instance d'évaluation Équipements sociaux Fédérations Acteurs de l'AVS Personnes ressources",
		evaluation:   "Réalisation de l'évaluation",
		deadline:     "2016",
		deadlineDate: "2016", actorNodes: unionOf(instanceActor, federationIDs)},
	{id: "objective-t3-o2", theme: 3, number: 2,
		name:         "Évaluation du fonctionnement et de la plus-value des ITC",
		means:        "→ élaboration du dispositif d'évaluation début 2015 → mise en œuvre de l'évaluation : annuellement",
		actors:       "Partenaires CC : Instance d'évaluation Équipements sociaux Fédérations Acteurs de l'AVS Personnes ressources",
		evaluation:   "Réalisation de l'évaluation",
		deadline:     "2015",
		deadlineDate: "2015", actorNodes: unionOf(instanceActor, federationIDs)},
	{id: "objective-t3-o3", theme: 3, number: 3,
		name:         "Évaluation de la participation des acteurs de l'AVS dans la dynamique partenariale CC (participation aux groupes de travail et instances)",
		means:        "→ élaboration du dispositif d'évaluation : 2016 → mise en œuvre de l'évaluation : 2016-2017",
		actors:       "Partenaires CC : Instance d'évaluation Équipements sociaux Fédérations Acteurs de l'AVS Personnes ressources",
		evaluation:   "Réalisation de l'évaluation",
		deadline:     "2016",
		deadlineDate: "2016", actorNodes: unionOf(instanceActor, federationIDs)},
	{id: "objective-t3-o4", theme: 3, number: 4,
		name:         "Évaluation thématique : à définir par Comité Départemental",
		means:        "→ définir du champ thématique → définition d'un cahier des charges → organisation d'un marché → conduire de l'évaluation par un prestataire extérieur",
		actors:       "Caf Instance d'évaluation Fédérations Équipements sociaux",
		evaluation:   "Réalisation de l'évaluation",
		deadline:     "2017",
		deadlineDate: "2017", actorNodes: unionOf(cafActor, instanceActor, federationIDs)},
}

// ficheFacts turns each cell of each fiche into a fact.
func ficheFacts() []seedFact {
	var facts []seedFact
	for _, f := range fiches {
		q := onNode(f.id, "Objective", "number theme { number } name means actors evaluation deadline deadlineDate actorNodes { id }")
		cite := fmt.Sprintf("THEME %d – OBJECTIF %d", f.theme, f.number)
		var evaluation, deadlineDate any = f.evaluation, f.deadlineDate
		if f.evaluation == "" {
			evaluation = nil
		}
		facts = append(facts,
			seedFact{cite, q, "node.{theme.number,number}", fmt.Sprintf("%d | %d", f.theme, f.number)},
			seedFact{cite + " · OBJECTIF OPÉRATIONNEL " + f.name, q, "node.name", f.name},
			seedFact{cite + " · MOYENS MIS EN ŒUVRE " + f.means, q, "node.means", f.means},
			seedFact{cite + " · ACTEURS " + f.actors, q, "node.actors", f.actors},
			seedFact{cite + " · ACTEURS " + f.actors, q, "node.actorNodes.id", f.actorNodes},
			seedFact{cite + " · EVALUATION " + f.evaluation, q, "node.evaluation", evaluation},
			seedFact{cite + " · ECHÉANCES " + f.deadline, q, "node.deadline", f.deadline},
			seedFact{cite + " · ECHÉANCES " + f.deadline, q, "node.deadlineDate", deadlineDate},
		)
	}
	return facts
}

// Seed 003: the fiches actions of the Convention Cadre 2015-2017.
var seed003 = append([]seedFact{
	{"CONVENTION CADRE DES CENTRES SOCIAUX ET DE L'ANIMATION DE LA VIE SOCIALE 2015-2017 · ORIENTATIONS SOUS FORME DE FICHES ACTIONS : THÈME 1, THÈME 2, THÈME 3",
		`{ themes { totalCount nodes { number name } } }`, "themes.nodes.{number,name}", factSet{
			"1 | Poursuivre la démarche de complémentarité et de mise en cohérence des politiques partenariales en faveur des équipements sociaux, dans un souci d'équité territoriale",
			"2 | Maintenir les efforts pour réduire les risques liés aux difficultés de fonctionnement des équipements sociaux, pour accompagner les gestionnaires dans le fonctionnement rigoureux de leurs équipements, et valoriser les bonnes pratiques",
			"3 | Conforter la démarche de suivi et d'évaluation en continu du dispositif Convention Cadre",
		}},
	{"treize fiches : THEME 1 – OBJECTIF 1 à 5, THEME 2 – OBJECTIF 1 à 4, THEME 3 – OBJECTIF 1 à 4",
		`{ objectives { totalCount } }`, "objectives.totalCount", 13},
	{"THEME 1 – OBJECTIF 1 à 5, THEME 2 – OBJECTIF 1 à 4, THEME 3 – OBJECTIF 1 à 4",
		`{ themes(orderBy: {field: ID}) { nodes { number objectives { number } } } }`, "themes.nodes.{number,objectives.number}",
		factSeq{"1 | 1, 2, 3, 4, 5", "2 | 1, 2, 3, 4", "3 | 1, 2, 3, 4"}},
	{"CONVENTION CADRE [...] 2015-2017 : les thèmes des fiches actions déclinent les orientations de la convention",
		`{ themes(first: 5) { nodes { relations(kinds: [PART_OF], direction: OUT, first: 5) { nodes { to { relations(kinds: [PART_OF], direction: OUT, first: 5) { nodes { to { id } } } } } } } } }`,
		"themes.nodes.relations.nodes.to.relations.nodes.to.id", factSet{"cccs-2015-2017", "cccs-2015-2017", "cccs-2015-2017"}},
	{"THEME 1 – OBJECTIF 4 · THÈME 1 Poursuivre la démarche de départementalisation de la Convention Cadre à l'ensemble des équipements sociaux de l'Animation de la Vie sociale",
		onNode("theme-1", "Theme", "description"), "node.description",
		factHas{"Poursuivre la démarche de départementalisation de la Convention Cadre à l'ensemble des équipements sociaux de l'Animation de la Vie sociale"}},
	{"Mise en œuvre de la nouvelle organisation des instances : → Comité départemental → Comité technique → Organisation d'une assemblée départementale [...] → déploiement des ITC",
		onNode("cccs-2015-2017", "Agreement", "relations(kinds: [ESTABLISHES], direction: OUT, first: 100) { nodes { to { id } } }"), "node.relations.nodes.to.id",
		factIncludes{"comite-departemental", "comite-technique", "assemblee-departementale", "itc", "copil-senacs", "soutien-technique-renforce",
			"soutien-technique-federations", "dossier-unique-subvention", "cartographie-zones-vie-sociale", "senacs"}},
	{"THEME 1 – OBJECTIF 4 · Intégration des Espaces de Vie Sociale · MOYENS MIS EN ŒUVRE À définir · ECHÉANCES 2015 ou 2016",
		`{ facilityTypes(filter: {nameContains: "Espace de Vie Sociale"}) { nodes { rules } } }`, "facilityTypes.nodes.rules",
		factHas{"T1-O4", "À définir", "2015 ou 2016"}},
	{"Mise en œuvre du socle 1 du soutien technique par les fédérations",
		`{ programmes(filter: {nameContains: "socle 1"}) { nodes { deliveredBy { id } } } }`, "programmes.nodes.deliveredBy.id", federationIDs},
	{"Organisation d'une assemblée départementale (printemps 2015 et 2017 pour le bilan de la convention et pour alimenter le renouvellement)",
		`{ bodies(filter: {nameContains: "assemblée départementale"}) { nodes { description } } }`, "bodies.nodes.description",
		factHas{"printemps 2015 et 2017", "bilan de la convention"}},
}, ficheFacts()...)

func TestSeed003FichesActions(t *testing.T) { checkFacts(t, seed003) }
