// Work queue: "all on this page" selects or clears every alert's checkbox (and follows them when some are ticked
// by hand), the count of selected alerts on the action buttons, and a confirmation before a bulk decision.
// Loaded with <script src>; the page works without it (tick the alerts one by one).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("queue-actions");
    var all = document.getElementById("select-page");
    if (!form || !all) { return; }
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name="hit"]'));
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[formaction]"));
    buttons.forEach(function (b) { b.setAttribute("data-label", b.textContent); });

    function update() {
      var ticked = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      buttons.forEach(function (b) {
        b.textContent = b.getAttribute("data-label") + " (" + ticked + ")";
        b.disabled = ticked === 0;
      });
    }

    all.disabled = boxes.length === 0;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    buttons.forEach(function (b) {
      var question = b.getAttribute("data-confirm");
      if (!question) { return; }
      b.addEventListener("click", function (event) {
        if (!window.confirm(question)) { event.preventDefault(); }
      });
    });
    update();
  });
}());
