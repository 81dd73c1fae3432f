// Bundles the explorer (GraphiQL, React, graphql-js) into dist/, with the
// libraries' licence comments kept at the end of each file.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/main.jsx"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
  outfile: "dist/explorer.js",
  logLevel: "warning",
});
copyFileSync("index.html", "dist/index.html");
