// Builds the viewer into dist/: the page, one bundle of the app with its npm
// libraries (cytoscape, cytoscape-fcose, maplibre-gl) and its stylesheet, the
// MapLibre worker (loaded by the bundle at run time), and the licences of
// everything bundled. The output depends only on src/ and package-lock.json,
// so a rebuild of an unchanged tree changes no byte (.ci/run checks that).
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = "dist";
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const result = await esbuild.build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  outfile: join(dist, "viewer.js"),
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
});

copyFileSync("src/index.html", join(dist, "index.html"));
copyFileSync("node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs", join(dist, "maplibre-gl-worker.mjs"));
writeFileSync(join(dist, "THIRD-PARTY-LICENSES.txt"), licences(result.metafile));

// licences lists each npm package the bundle holds, with its licence text.
function licences(metafile) {
  const packages = new Set(["maplibre-gl"]); // the worker, copied as is
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.add(m[1]);
  }
  let out = "Third-party software in this directory (npm packages, at the versions of package-lock.json).\n";
  for (const name of [...packages].sort()) {
    const dir = join("node_modules", name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "license", "LICENCE"].find((f) => existsSync(join(dir, f)));
    out += `\n==== ${name} ${pkg.version} (${pkg.license})\n\n`;
    out += file ? readFileSync(join(dir, file), "utf8").trim() + "\n" : "(no licence file in the package)\n";
  }
  return out;
}
