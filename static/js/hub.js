// Starts GOV.UK Frontend's components. Kept in a file (not inline) so the Content Security
// Policy can forbid inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

// GOV.UK Frontend only starts its components (conditional reveals, character counts, "Exit
// this page") when the body says the browser supports them; its template sets this with an
// inline snippet, which our Content Security Policy forbids. A browser that runs this module
// supports them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

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
