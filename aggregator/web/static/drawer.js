// The list's filters drawer (<details id="filters-drawer">): always open beside the
// postings on wide screens; folded to its summary on narrow ones, where the postings come
// first. The visitor's open/closed choice survives the live (htmx) updates, which re-render
// the drawer. Without script the drawer stays open.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 820px)");
  var openOnNarrow = false;

  function drawer() {
    return document.getElementById("filters-drawer");
  }

  function apply() {
    var d = drawer();
    if (d) {
      d.open = narrow.matches ? openOnNarrow : true;
    }
  }

  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target === drawer() && narrow.matches) {
        openOnNarrow = event.target.open;
      }
    },
    true
  );
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("htmx:afterSettle", apply);
  narrow.addEventListener("change", apply);
})();
