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

  // Review by keyboard (C/R/U/A/D to decide, N/P the next or previous pair, Q the queue),
  // with an off switch kept in this browser. Keys never fire while typing in a field.
  var toggle = document.querySelector("[data-keyboard-toggle]");
  if (toggle) {
    var KEY = "tracing.keyboardReview";
    toggle.checked = window.localStorage.getItem(KEY) !== "off";
    toggle.addEventListener("change", function () {
      window.localStorage.setItem(KEY, toggle.checked ? "on" : "off");
    });
    document.addEventListener("keydown", function (event) {
      if (!toggle.checked || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var tag = (event.target && event.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
      var key = event.key.toLowerCase();
      if (key === "q") { window.location.href = "/cases/"; return; }
      var button = document.querySelector('[data-decision-form] button[data-key="' + key + '"]');
      if (button) { event.preventDefault(); button.click(); return; }
      var link = document.querySelector('nav a[data-key="' + key + '"]');
      if (link) { event.preventDefault(); window.location.href = link.getAttribute("href"); }
    });
  }

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
