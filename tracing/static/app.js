// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader and keyboard users hear the errors.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Quick exit: also replace this page in history, so Back does not return to it.
  var exits = document.querySelectorAll("[data-quick-exit]");
  Array.prototype.forEach.call(exits, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.getAttribute("href"));
    });
  });

  // Caseworkers: warn before the idle session ends (WCAG 2.2: timeouts are announced).
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-minutes") || "0", 10);
  var warning = document.getElementById("timeout-warning");
  if (idle > 2 && warning) {
    window.setTimeout(function () {
      warning.hidden = false;
      warning.focus();
    }, (idle - 2) * 60 * 1000);
  }
})();
