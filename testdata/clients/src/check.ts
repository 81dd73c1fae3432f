// Runs the typed operations through both clients against a server and
// prints what they read: node dist/check.mjs http://127.0.0.1:PORT/graphql
// [trusted] (trusted: the server runs the registered documents only).
// Exits 1 on an error, or on any warning of the clients (a missing cache
// key, a merge without a policy).
import { createUrqlClient } from "./urql";
import { createApolloClient } from "./apollo";
import { BodyMembersQuery, OrganizationRelationsQuery, SignatoriesQuery } from "./operations";

const url = process.argv[2];
const trusted = process.argv[3] === "trusted";
const warnings: unknown[] = [];
console.warn = (...args: unknown[]) => warnings.push(args);

async function main() {
  const urql = createUrqlClient(url, trusted);
  const sig = await urql.query(SignatoriesQuery, { asOf: "2019-06-30", first: 50 }).toPromise();
  if (sig.error) throw sig.error;
  const rel = await urql.query(OrganizationRelationsQuery, { id: "caf-13", kinds: ["SIGNATORY", "CHAIRS"] }).toPromise();
  if (rel.error) throw rel.error;
  const members = await urql.query(BodyMembersQuery, { body: "comite-technique", asOf: "2019" }).toPromise();
  if (members.error) throw members.error;
  const apollo = createApolloClient(url, trusted);
  const again = await apollo.query({ query: SignatoriesQuery, variables: { asOf: "2015", first: 50 } });
  const relations = sig.data?.signatories.nodes.length;
  console.log(JSON.stringify({
    urqlSignatories2019: sig.data?.signatories.totalCount,
    urqlPage: relations,
    urqlRelationIds: rel.data?.node?.relations.nodes.map((r) => r.id),
    urqlMembers2019: members.data?.organizations.edges.map((e) => e.node.id),
    apolloSignatories2015: again.data?.signatories.totalCount,
    warnings: warnings.map(String),
  }));
  if (warnings.length > 0) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
