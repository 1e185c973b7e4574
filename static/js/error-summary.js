/* A form sent back with errors: bring its summary (at the top of the form) into view and focus,
   so that a person on a phone sees what to fix without scrolling for it. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
})();
