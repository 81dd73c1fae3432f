package model

import (
	"context"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
)

// Signature is a signature of a document, read from a `signed` relation.
type Signature struct{ R *domain.Relation }

// signaturesOf lists a document's signatures: each person's, then each
// organization's that no person signed for.
func signaturesOf(ctx context.Context, docID string) ([]*Signature, error) {
	rels, err := relationsOf(ctx, docID, domain.In, domain.RelSigned)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.R.From
	}
	signers, err := nodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var people, orgs []*Signature
	for i, r := range rels {
		if signers[i] != nil && signers[i].Kind == domain.KindPerson {
			people = append(people, &Signature{R: r.R})
		} else {
			orgs = append(orgs, &Signature{R: r.R})
		}
	}
	for _, o := range orgs {
		if !slices.ContainsFunc(people, func(p *Signature) bool { return p.R.OnBehalfOf == o.R.From }) {
			people = append(people, o)
		}
	}
	return people, nil
}

// Person is the person who signed, when one is named.
func (s *Signature) Person(ctx context.Context) (*Person, error) {
	n, err := nodeByID(ctx, s.R.From)
	p, _ := n.(*Person)
	return p, err
}

// Organization is the organization signed for.
func (s *Signature) Organization(ctx context.Context) (*Organization, error) {
	id := s.R.OnBehalfOf
	if id == "" {
		id = s.R.From
	}
	n, err := nodeByID(ctx, id)
	o, _ := n.(*Organization)
	return o, err
}

// Title is the signatory's title.
func (s *Signature) Title() *string { return textPtr(s.R.Role) }

// Date is the date of signature.
func (s *Signature) Date() *domain.Date { return datePtr(s.R.ValidFrom) }

// Document is the document signed.
func (s *Signature) Document(ctx context.Context) (Node, error) { return nodeByID(ctx, s.R.To) }
