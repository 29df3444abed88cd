import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();

// Components swapped in by htmx need their NHS.UK behaviour too.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.target });
});
