/* The GOV.UK error summary's behaviour (govuk-frontend's ErrorSummary): when a page comes
   back with mistakes, focus moves to the summary so a screen reader reads it first, and each
   of its links focuses its field, with the field's label or legend scrolled into view. For a
   group (radios, checkboxes, a date) the link points at its fieldset: the first box marked
   wrong gets focus, else the first choice. Without this script the links still go to the
   fields. */
(function () {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;

  function inputFor(target) {
    const fields = "input:not([type=hidden]), select, textarea";
    if (target.matches(fields)) return target;
    if (target.tagName === "MAIN") return null; // a message about the whole form
    return target.querySelector("[aria-invalid=true]") || target.querySelector(fields);
  }

  function labelFor(input) {
    const fieldset = input.closest("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    if (legend && (input.type === "radio" || input.type === "checkbox")) return legend;
    if (legend) {
      // Like govuk-frontend: the legend when the box would still sit in the top half.
      const top = legend.getBoundingClientRect().top;
      const box = input.getBoundingClientRect();
      if (box.height && box.top + box.height - top < window.innerHeight / 2) return legend;
    }
    return document.querySelector(`label[for="${CSS.escape(input.id)}"]`) || input.closest("label");
  }

  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link || !link.hash) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    const input = target && inputFor(target);
    if (!input) return;
    event.preventDefault();
    (labelFor(input) || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  summary.focus();
})();
