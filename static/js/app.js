import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

// NHS.UK frontend starts no component (skip link, error summary, notification banner, header
// menu) unless <body> has "nhsuk-frontend-supported". js-enabled.js adds it on DOMContentLoaded,
// which comes after this module runs; a browser running this module is supported, so say so now.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// Components swapped in by htmx need their NHS.UK behaviour too.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.target });
});

// Place responses: autosaving fields (templates/governance/proposal/response.html). Each
// `.app-autosave` unit posts itself 800ms after typing stops. When focus leaves a unit, save it
// at once, so leaving the page straight after typing loses nothing; not when focus moves within
// the unit (for example to its own "Keep mine" button, which must not race another save).
document.addEventListener("focusout", (event) => {
  const unit = event.target instanceof Element ? event.target.closest(".app-autosave[hx-post]") : null;
  if (!unit || (event.relatedTarget instanceof Node && unit.contains(event.relatedTarget))) {
    return;
  }
  if (event.target.matches("textarea, input:not([type=hidden]), select") && window.htmx) {
    window.htmx.trigger(unit, "app:save-now");
  }
});

// A status swapped in under the keyboard focus (after "Keep mine") would drop the focus to the
// page: put it back on the unit's first field.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target && target.classList.contains("app-autosave__status")) {
    target.dataset.hadFocus = target.contains(document.activeElement) ? "1" : "";
  }
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target && target.dataset && target.dataset.hadFocus === "1" && !target.contains(document.activeElement)) {
    delete target.dataset.hadFocus;
    const field = target.closest(".app-autosave")?.querySelector("textarea, select, input:not([type=hidden])");
    field?.focus();
  }
});

// Place responses: a link to a field of the response ("still missing", "Change") lands with
// the focus in that field, not just scrolled to it, with its label or question in view. A link
// to a group of fields (a fieldset, an autosaving unit) focuses its first field.
function focusLinkedField() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  if (!target || !target.closest(".app-autosave")) {
    return;
  }
  const field = target.matches("input, select, textarea")
    ? target
    : target.querySelector("input:not([type=hidden]), select, textarea");
  if (!field) {
    return;
  }
  // An optional group folded away (a rating in a combination) is opened to show the field.
  const folded = field.closest("details:not([open])");
  if (folded) {
    folded.open = true;
  }
  const caption = field.closest("fieldset")?.querySelector("legend") || document.querySelector(`label[for="${field.id}"]`);
  (caption || field).scrollIntoView();
  field.focus({ preventScroll: true });
}
window.addEventListener("hashchange", focusLinkedField);
focusLinkedField();
