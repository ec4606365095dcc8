// Digests go out at a local hour: fill the alert form's hidden timezone field from the
// browser. Without script the field stays empty and the server uses UTC.
(function () {
  "use strict";
  function fill() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (err) {
      zone = "";
    }
    document.querySelectorAll("input[data-browser-timezone]").forEach(function (field) {
      if (!field.value) {
        field.value = zone;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", fill);
  document.addEventListener("htmx:afterSettle", fill); // the form is re-rendered on changes
})();
