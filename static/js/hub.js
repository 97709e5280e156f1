// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the Content Security
// Policy can forbid inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

// GOV.UK Frontend only starts its components (conditional reveals, character counts, "Exit
// this page") when the body says the browser supports them; its template sets this with an
// inline snippet, which our Content Security Policy forbids. A browser that runs this module
// supports them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
