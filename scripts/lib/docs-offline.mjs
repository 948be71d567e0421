// Makes the page `redocly build-docs --inlineBundle` wrote (the file named by the first
// argument) load nothing from outside the page, so that it works offline and tells no one who
// reads it:
//   - Redoc's sidebar shows Redocly's logo from cdn.redoc.ly (Redocly's docs: "only the Redocly
//     logo in the sidebar loads from the CDN"); the logo becomes an inline SVG of the word
//     "Redocly", so the "API docs by Redocly" credit stays.
//   - The page declares no icon, so browsers ask the server for /favicon.ico, which the mock
//     answers 404 (a console error, and an entry in its request log); the page gets an empty
//     inline icon.
// Each rewrite must apply exactly once: if a Redocly release changes the page, this fails
// rather than leave an external load in place (scripts/test-docs-browser checks the result in a
// browser).
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node docs-offline.mjs PAGE.html");
  process.exit(2);
}

const wordmark = (width) =>
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='16' viewBox='0 0 ${width} 16'>` +
      "<text x='0' y='12.5' font-family='sans-serif' font-size='12' font-weight='600' fill='#5c5c5c'>Redocly</text></svg>",
  );

const rewrites = [
  ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", wordmark(56)],
  ["https://cdn.redoc.ly/redoc/logo-mini.svg", wordmark(56)],
  ['<meta charset="utf8" />', '<meta charset="utf8" />\n  <link rel="icon" href="data:,">'],
];

let page = readFileSync(file, "utf8");
for (const [from, to] of rewrites) {
  const n = page.split(from).length - 1;
  if (n !== 1) {
    console.error(`docs-offline: ${file} has ${n} occurrences of ${from}, want exactly 1: update scripts/lib/docs-offline.mjs for this Redocly release`);
    process.exit(1);
  }
  page = page.replace(from, () => to);
}
writeFileSync(file, page);
