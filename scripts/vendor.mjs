// Copy the built files Coops serves from node_modules into coops/static/vendor/.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "coops", "static", "vendor");
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
};
// Whole folders: leaflet.css points at its marker and layer images relatively.
const folders = {
  "leaflet/dist/images": "leaflet/images",
};
for (const [from, to] of Object.entries(folders)) {
  for (const name of readdirSync(join(root, "node_modules", from))) {
    files[`${from}/${name}`] = `${to}/${name}`;
  }
}
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(root, "node_modules", from), join(out, to));
  console.log(`vendor: ${from} -> coops/static/vendor/${to}`);
}
