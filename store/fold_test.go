package store

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Septèmes-les-Vallons":              "septemes-les-vallons",
		"Léo Lagrange Méditerranée":         "leo lagrange mediterranee",
		"ŒUVRE":                             "oeuvre",
		"l’Instruction Laïque":              "l'instruction laique",
		"Région Provence-Alpes-Côte d’Azur": "region provence-alpes-cote d'azur",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
