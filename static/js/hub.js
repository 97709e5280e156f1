// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the Content Security
// Policy can forbid inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
