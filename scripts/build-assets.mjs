// Builds cpqa's stylesheet from GOV.UK Frontend's Sass, installed from npm.
// A council service is not on GOV.UK, so it must not use the GDS Transport
// font or the crown: the stylesheet is compiled with Arial instead.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "cpqa", "core", "static", "build");
mkdirSync(out, { recursive: true });
const result = sass.compile(join(root, "cpqa", "frontend", "cpqa.scss"), {
  importers: [new sass.NodePackageImporter()],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "cpqa.css"), result.css);
console.log(`built ${join(out, "cpqa.css")} (${result.css.length} bytes)`);
