// Copy the built files Coops serves from node_modules into coops/static/vendor/.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "coops", "static", "vendor");
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
};
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", from), join(out, to));
  console.log(`vendor: ${from} -> coops/static/vendor/${to}`);
}
