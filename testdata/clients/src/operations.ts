// Operations a page of the partnership network runs, typed by codegen.
import { graphql } from "./gql";

export const SignatoriesQuery = graphql(`
  query Signatories($asOf: Date, $first: Int, $after: String) {
    signatories(asOf: $asOf, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name shortName category }
    }
  }
`);

export const OrganizationRelationsQuery = graphql(`
  query OrganizationRelations($id: ID!, $kinds: [RelationKind!], $asOf: Date) {
    node(id: $id) {
      id
      name
      ... on Organization { shortName isSignatory(asOf: $asOf) }
      relations(kinds: $kinds, asOf: $asOf, first: 100) {
        totalCount
        nodes { id kind validFrom validTo role from { id name } to { id name } }
      }
    }
  }
`);

export const BodyMembersQuery = graphql(`
  query BodyMembers($body: ID!, $asOf: Date) {
    organizations(first: 50, filter: { relation: { kinds: [MEMBER_OF], direction: OUT, nodes: [$body], asOf: $asOf } }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name } }
    }
  }
`);

export const CommuneOutlineQuery = graphql(`
  query CommuneOutline($code: String!) {
    territories(first: 1, filter: { codes: [$code] }) {
      nodes { id name code centroid { lon lat } bbox geometry(simplify: 0.001) }
    }
  }
`);
