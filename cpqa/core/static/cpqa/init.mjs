// Starts GOV.UK Frontend's components. A module file, never inline script,
// so that the Content Security Policy can forbid inline script entirely.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
