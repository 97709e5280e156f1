// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the Content Security
// Policy can forbid inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

// GOV.UK Frontend only starts its components (conditional reveals, character counts, "Exit
// this page") when the body says the browser supports them; its template sets this with an
// inline snippet, which our Content Security Policy forbids. A browser that runs this module
// supports them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// GOV.UK Frontend marks a radio that reveals a question with aria-expanded, which ARIA 1.2 does
// not allow on a radio (axe: aria-allowed-attr). The revealed question comes straight after the
// radio it belongs to, so a screen reader user meets it without the state.
const dropRadioExpanded = () => {
  for (const radio of document.querySelectorAll('input[type="radio"][aria-expanded]')) {
    radio.removeAttribute("aria-expanded");
  }
};
dropRadioExpanded();
// GOV.UK Frontend sets it again on every click and when the page is shown from the cache.
document.addEventListener("click", dropRadioExpanded);
window.addEventListener("pageshow", dropRadioExpanded);
