// Reads a Parquet file with hyparquet, an independent reader, and prints
// its column names and rows as JSON: integers (BigInt) and doubles as text,
// nulls as null, so that parquet_test.go compares them with the CSV.
//
// Usage: node read.mjs FILE.parquet
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";

const bytes = readFileSync(process.argv[2]);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = parquetMetadata(file);
const columns = metadata.schema.slice(1).map((s) => s.name);
const rows = await parquetReadObjects({ file });
const text = (v) => (v === null || v === undefined ? null : typeof v === "bigint" ? v.toString() : String(v));
console.log(JSON.stringify({
  createdBy: metadata.created_by,
  rowCount: Number(metadata.num_rows),
  columns,
  rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, text(r[c])]))),
}));
