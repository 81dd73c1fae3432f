// Runs the GraphQL-over-HTTP audit of the npm package graphql-http against a
// server: node audit.mjs http://127.0.0.1:PORT/graphql. Prints one line per
// audit that is not ok, then a summary line; exits 1 unless all are ok.
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
const count = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  count[r.status]++;
  if (r.status !== "ok") {
    const response = r.response ? ` (HTTP ${r.response.status}, ${r.response.headers.get("content-type")})` : "";
    console.log(`${r.status}: ${r.name}: ${r.reason}${response}`);
  }
}
console.log(`audit: ${count.ok} ok, ${count.notice} notices, ${count.warn} warnings, ${count.error} errors`);
process.exit(count.ok === results.length ? 0 : 1);
