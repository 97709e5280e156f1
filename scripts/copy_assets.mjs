// Copies the prebuilt JavaScript and the GOV.UK Frontend assets (fonts, images) from
// node_modules into static_build/, which Django collects as static files.
import { cpSync, mkdirSync } from "node:fs";

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "static_build/govuk/govuk-frontend.min.js"],
  ["node_modules/govuk-frontend/dist/govuk/assets", "static_build/govuk/assets"],
  ["node_modules/htmx.org/dist/htmx.min.js", "static_build/js/htmx.min.js"],
  ["node_modules/chart.js/dist/chart.umd.min.js", "static_build/js/chart.umd.min.js"],
];
mkdirSync("static_build/js", { recursive: true });
for (const [from, to] of copies) {
  cpSync(from, to, { recursive: true });
}
