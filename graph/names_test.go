package graph

import (
	"regexp"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/store"
)

// seedNames are the organisations as the seeds write them, with the id each
// must resolve to. A name followed by its acronym in brackets is two rows;
// line breaks of the text extraction ("Provence- Alpes", "Aix- en-Provence")
// are mended.
var seedNames = []struct{ name, id string }{
	// Institutions
	{"l’Etat", "etat"},                                                    // 000
	{"la Préfecture des Bouches-du-Rhône", "etat"},                        // 001
	{"L’État", "etat"},                                                    // 002
	{"La Préfète Déléguée pour l'Égalité des Chances", "etat"},            // 002, signatures
	{"Caf 13", "caf-13"},                                                  // 000, 001
	{"la Caf des Bouches-du-Rhône", "caf-13"},                             // 001
	{"La Caisse d’Allocations Familiales des Bouches-du-Rhône", "caf-13"}, // 002
	{"Caf", "caf-13"},                                                     // 003, actors
	{"la Caisse d'allocations familiales", "caf-13"},                      // 004
	{"la Région Sud Provence-Alpes-Côte d’Azur", "region-sud"},            // 000
	{"le Conseil régional Provence-Alpes-Côte d’Azur", "region-sud"},      // 001
	{"La Région Provence-Alpes-Côte d’Azur", "region-sud"},                // 002 (written "Provence- Alpes" in the parties)
	{"la Région", "region-sud"},                                           // 002, signatures
	{"le Département des Bouches-du-Rhône", "departement-13"},             // 000, 002
	{"le Conseil départemental des Bouches-du-Rhône", "departement-13"},   // 001
	{"le Département", "departement-13"},                                  // 002, signatures
	{"la Metropole Aix-Marseille Provence", "metropole-amp"},              // 000
	{"La Métropole Aix-Marseille Provence", "metropole-amp"},              // 002
	{"la Métropole", "metropole-amp"},                                     // 002, signatures
	{"le Fonds d’Action et de Soutien pour l'Intégration et la Lutte contre les Discriminations", "fasild"}, // 000 "(FASILD)"
	{"FASILD", "fasild"},
	{"la Mutualité Sociale Agricole Provence-Azur", "msa-provence-azur"},                   // 000
	{"La Mutualité Sociale Agricole Provence Azur", "msa-provence-azur"},                   // 002
	{"la Mutualité Sociale Agricole", "msa-provence-azur"},                                 // 002
	{"MSA", "msa-provence-azur"},                                                           // 002
	{"la Carsat Sud-Est", "carsat-sud-est"},                                                // 000, 002
	{"La Carsat", "carsat-sud-est"},                                                        // 002
	{"la CARSAT", "carsat-sud-est"},                                                        // 002
	{"la Caisse d’Assurance Retraite et de la Santé au Travail Sud-Est", "carsat-sud-est"}, // 002
	// Federations
	{"l’UCS 13", "ucs-13"}, // 001
	{"l’Union des Centres Sociaux des Bouches-du-Rhône", "ucs-13"}, // 002
	{"Union des centres sociaux 13", "ucs-13"},                     // 003
	{"La fédération des Amis de l’Instruction Laïque", "fail-13"},  // 002
	{"Fédération des Amis de l'Instruction Laïque", "fail-13"},
	{"Le Centre de Culture Ouvrière", "cco"},                                   // 002
	{"l’Institut de formation d’Animation et de Conseil", "ifac"},              // 002
	{"Léo Lagrange Méditerranée", "leo-lagrange-mediterranee"},                 // 002
	{"la Fédération des centres sociaux et socio-culturels de France", "fcsf"}, // 002
	// National bodies and others
	{"Cnaf", "cnaf"}, // 000, 004
	{"La Branche Famille de la sécurité sociale", "branche-famille"}, // 004
	{"l’Assurance Retraite", "assurance-retraite"},                   // 002
	{"l’Assurance Maladie", "assurance-maladie"},                     // 002
	{"France Active", "france-active"},                               // 002
	{"le Groupement Des Employeurs Associatifs 13", "gdea-13"},       // 001 "(GDEA 13)"
	{"GDEA 13", "gdea-13"},
	// Communes
	{"la ville de Marseille", "commune-marseille"},              // 000
	{"la Ville de Marseille", "commune-marseille"},              // 001, 003
	{"la Commune de Marseille", "commune-marseille"},            // 002
	{"Marseille", "commune-marseille"},                          // 000
	{"Aix-en-Provence", "commune-aix-en-provence"},              // 000, 002
	{"la commune d’Aix-en-Provence", "commune-aix-en-provence"}, // 002
	{"La Ciotat", "commune-la-ciotat"},                          // 000, 001
	{"la Commune de La Ciotat", "commune-la-ciotat"},            // 002
	{"Les Pennes-Mirabeau", "commune-les-pennes-mirabeau"},      // 000
	{"Les Pennes Mirabeau", "commune-les-pennes-mirabeau"},      // 001
	{"Miramas", "commune-miramas"},                              // 000, 001, 002
	{"Port-de-Bouc", "commune-port-de-bouc"},                    // 000, 001
	{"Port de Bouc", "commune-port-de-bouc"},                    // 002
	{"Septèmes-les-Vallons", "commune-septemes-les-vallons"},    // 000, 001, 002
	{"Salon-de-Provence", "commune-salon-de-provence"},          // 000, 001, 002
	{"Vitrolles", "commune-vitrolles"},                          // 000, 001, 002
	{"la commune d’Arles", "commune-arles"},                     // 000, 002
	{"Arles", "commune-arles"},                                  // 002
	{"la commune de Tarascon", "commune-tarascon"},              // 000, 002
	{"Tarascon", "commune-tarascon"},                            // 002
}

// article is a French leading article, which is not part of a name.
var leadingArticle = regexp.MustCompile(`^(?i)(le |la |les |l’|l')`)

// TestEveryOrganisationOfTheSeedsResolves asks for each organisation name of
// the seeds through organizations(filter: {nameContains}); a name resolves when
// it matches exactly one organisation, or, when it matches several, exactly one
// whose name, short name or an alias is the name itself.
func TestEveryOrganisationOfTheSeedsResolves(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, tc := range seedNames {
		name := tc.name
		if !slices.Contains([]string{"Les Pennes-Mirabeau", "Les Pennes Mirabeau", "La Ciotat"}, name) {
			name = leadingArticle.ReplaceAllString(name, "")
		}
		var resp struct {
			Organizations struct {
				Nodes []struct {
					ID, Name  string
					ShortName *string
					Aliases   []string
				}
			}
		}
		query(t, c, `query($q: String) { organizations(filter: {nameContains: $q}, first: 100) { nodes { id name shortName aliases } } }`,
			&resp, client.Var("q", name))
		var exact, all []string
		for _, n := range resp.Organizations.Nodes {
			all = append(all, n.ID)
			names := append([]string{n.Name}, n.Aliases...)
			if n.ShortName != nil {
				names = append(names, *n.ShortName)
			}
			if slices.ContainsFunc(names, func(s string) bool { return store.Fold(s) == store.Fold(name) }) {
				exact = append(exact, n.ID)
			}
		}
		switch {
		case len(all) == 1 && all[0] == tc.id:
		case len(all) > 1 && len(exact) == 1 && exact[0] == tc.id:
		default:
			t.Errorf("%q resolves to %v (exactly: %v), want %s", tc.name, all, exact, tc.id)
		}
	}
}

// TestEveryCommuneIsATerritory checks the 119 communes of the département and
// the partner communes by their INSEE code.
func TestEveryCommuneIsATerritory(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Communes struct{ TotalCount int }
		Dept     *struct {
			Children struct{ TotalCount int }
		}
		Partners struct {
			Nodes []struct {
				Name, Code     string
				Parent         struct{ ID string }
				AdministeredBy *struct{ ID string }
			}
		}
	}
	query(t, c, `{
		communes: territories(filter: {kinds: [COMMUNE]}) { totalCount }
		dept: node(id: "fr-13") { ... on Territory { children(kinds: [COMMUNE]) { totalCount } } }
		partners: territories(filter: {codes: ["13001", "13004", "13028", "13055", "13063", "13071", "13077", "13103", "13106", "13108", "13117"]}, first: 20) {
			nodes { name code parent { id } administeredBy { id } } }
	}`, &resp)
	if resp.Communes.TotalCount != 119 || resp.Dept == nil || resp.Dept.Children.TotalCount != 119 {
		t.Errorf("communes = %d, in fr-13 = %+v, want the 119 of the Bouches-du-Rhône", resp.Communes.TotalCount, resp.Dept)
	}
	// The partner communes as the seeds write them (the avenant lists ten; Les Pennes-Mirabeau from seeds 000 and 001).
	want := map[string]string{
		"13001": "Aix-en-Provence", "13004": "Arles", "13028": "La Ciotat", "13055": "Marseille", "13063": "Miramas",
		"13071": "Les Pennes-Mirabeau", "13077": "Port-de-Bouc", "13103": "Salon-de-Provence", "13106": "Septèmes-les-Vallons",
		"13108": "Tarascon", "13117": "Vitrolles",
	}
	if len(resp.Partners.Nodes) != len(want) {
		t.Errorf("partner communes found: %d, want %d", len(resp.Partners.Nodes), len(want))
	}
	for _, n := range resp.Partners.Nodes {
		if want[n.Code] != n.Name || n.Parent.ID != "fr-13" || n.AdministeredBy == nil {
			t.Errorf("commune %s = %+v, want %s in fr-13, administered by its commune", n.Code, n, want[n.Code])
		}
	}
}
