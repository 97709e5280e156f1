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

// A page with tabs (the case page) opened at an anchor inside a tab that is not shown (a
// form saved on the case sends the user back to "#volunteer", say): show that tab. Where
// the page carries a banner (what was just saved), bring the banner into view with it.
const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
const panel = target && target.closest(".govuk-tabs__panel");
if (panel) {
  if (panel.classList.contains("govuk-tabs__panel--hidden")) {
    document.querySelector(`.govuk-tabs__tab[href="#${panel.id}"]`)?.click();
  }
  const banner = document.querySelector("[data-hub-messages] .govuk-notification-banner");
  // After the browser's own jump to the anchor, which comes with the page's load.
  window.addEventListener("load", () => requestAnimationFrame(() => (banner || target).scrollIntoView()));
}
