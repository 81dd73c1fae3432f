package graph

import "testing"

// coverageFigures are the figures of section 6 of docs/analysts.md, the
// facilities and the communes that host one without signing.
var coverageFigures = []docFigure{
	{`In 2016 one commune hosts a listed facility without signing: \*\*(.+?)\*\* \(the centre social Mas Clairanne\), which joins the Convention Cadre in (\d+)\. In 2025 there is (no)ne`,
		`{ y2016: facilityCoverage(asOf: "2016", signatory: false) { territory { name } }
		   y2025: facilityCoverage(asOf: "2025", signatory: false) { territory { name } }
		   arles: node(id: "commune-arles") { ... on Organization { signatoryPeriods { validFrom } } } }`,
		[]string{"y2016.territory.name", "arles.signatoryPeriods.validFrom", "#y2025"}},
	{`the facilities the graph holds, not the whole network: the Caf counted (\d+) centres sociaux in July 2023`,
		`{ figures(filter: {ids: ["figure-2023-07-centres-sociaux"]}) { nodes { value date } } }`, []string{"figures.nodes.value"}},
	{`(\d+) listed facilities`, `{ facilities(filter: {within: "insee-13055"}) { totalCount } }`, []string{"facilities.totalCount"}},
	{`Port-de-Bouc has the most facilities for its population \((\d+) for (\d+) inhabitants, 2\.53 per 10,000\), Aix-en-Provence the fewest of the communes listed \((\d+) for (\d+)\)`,
		`{ facilityCoverage(asOf: "2025", kinds: [COMMUNE]) { territory { name } facilities population } }`,
		[]string{"facilityCoverage.facilities[0]", "facilityCoverage.population[0]", "facilityCoverage.facilities[4]", "facilityCoverage.population[4]"}},
	{`in the 13th\); (\d+) have no postcode and count for the commune only`,
		`{ facilities(filter: {territory: "insee-13055"}) { totalCount } }`, []string{"facilities.totalCount"}},
}

func TestCoverageFiguresAsDocumented(t *testing.T) {
	checkDocFigures(t, "analysts.md", coverageFigures)
}
