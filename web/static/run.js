// Run pages: live progress of a job or a run (polls its status.json every second), and the decision form's
// reasons narrowed to the chosen decision, forms sent once. Loaded with <script src>; the pages work without it.
(function () {
  "use strict";

  var ACTIVE = { queued: true, running: true };

  function setText(root, field, value) {
    root.querySelectorAll('[data-field="' + field + '"]').forEach(function (el) {
      var text = value === null || value === undefined ? "" : String(value);
      el.textContent = text;
      if (field === "error") { el.hidden = !text; }
      if (field === "status") { el.className = "status status-" + text.replace(/ /g, "-"); }
    });
  }

  function setProgress(root, done, total) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.max = total || 1;
      bar.value = done || 0;
    });
  }

  function poll(root) {
    var url = root.getAttribute("data-poll");
    var kind = root.getAttribute("data-kind");
    var wait = 1000;

    // A run that left rows out says so at once, in the warning colour, before the run page opens (and says it
    // again at its top).
    function showLeftOut(s) {
      var box = root.querySelector("[data-left-out]");
      if (!box || !s.not_screened || !s.run_status || s.run_status === "completed") { return; }
      setText(box, "run_status", s.run_status);
      var reasons = Object.keys(s.not_screened_reasons || {}).map(function (k) {
        return s.not_screened_reasons[k] + " " + k;
      }).join("; ");
      setText(box, "reasons", reasons ? ": " + reasons : "");
      var link = box.querySelector("[data-not-screened-link]");
      if (link && s.not_screened_url) { link.setAttribute("href", s.not_screened_url); }
      box.hidden = false;
    }

    function finishedJob(s) {
      showLeftOut(s);
      if (s.status === "done" && s.run_url) { window.location.assign(s.run_url); return; }
      window.location.reload();          // shows the outcome: error and Retry, or the result
    }

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (res) {
          if (res.status === 401 || res.status === 403 || res.status === 404) { throw new Error("stop"); }
          if (!res.ok) { throw new Error("retry"); }
          return res.json();
        })
        .then(function (s) {
          wait = 1000;
          if (kind === "job") {
            ["status", "stage", "error"].forEach(function (f) { setText(root, f, s[f]); });
            setText(root, "done", s.done || 0);
            setText(root, "total", s.total || "?");
            setProgress(root, s.done, s.total);
            if (!ACTIVE[s.status]) { finishedJob(s); return; }
          } else {
            ["rows_done", "rows_total", "screened", "not_screened", "rows_with_hits", "hits", "pending", "suppressed",
             "confirmed_earlier"]
              .forEach(function (f) { setText(root, f, s[f]); });
            setProgress(root, s.rows_done, s.rows_total);
            if (s.status !== "running") { window.location.reload(); return; }
          }
          window.setTimeout(tick, wait);
        })
        .catch(function (err) {
          if (err && err.message === "stop") { return; }
          wait = Math.min(wait * 2, 15000);   // the server is busy or restarting: back off
          window.setTimeout(tick, wait);
        });
    }
    window.setTimeout(tick, wait);
  }

  function narrowReasons() {
    var decision = document.getElementById("decision");
    var reason = document.getElementById("reason");
    if (!decision || !reason) { return; }
    function apply() {
      var chosen = decision.value;
      reason.querySelectorAll("optgroup").forEach(function (group) {
        var mine = !chosen || group.getAttribute("data-decision") === chosen;
        group.hidden = !mine;
        group.disabled = !mine;
      });
      var selected = reason.options[reason.selectedIndex];
      if (selected && selected.parentNode.disabled) { reason.value = ""; }
    }
    decision.addEventListener("change", apply);
    apply();
    // Suppressing later alerts goes only with a false positive.
    var suppress = document.getElementById("suppress");
    if (suppress) {
      var allow = function () {
        suppress.disabled = decision.value !== "false positive";
        if (suppress.disabled) { suppress.checked = false; }
      };
      decision.addEventListener("change", allow);
      allow();
    }
  }

  // A form sent once: its buttons are disabled just after the submit (not during it, so that the clicked button's
  // name and value are still sent), against double uploads and double starts.
  function submitOnce() {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
    window.addEventListener("pageshow", function (event) {     // back to a page kept in memory: usable again
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-submit-once] button[type=submit]").forEach(function (b) {
        b.disabled = false;
      });
    });
  }

  // A select of several columns (the preview's countries) says which are chosen, also those scrolled out of view.
  function chosenColumns() {
    document.querySelectorAll("[data-chosen-for]").forEach(function (line) {
      var select = document.getElementById(line.getAttribute("data-chosen-for"));
      if (!select) { return; }
      select.addEventListener("change", function () {
        var chosen = Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
        line.textContent = chosen.length ? "Chosen: " + chosen.join(", ") : "None chosen: left out";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".live[data-poll]").forEach(function (root) {
      var status = root.getAttribute("data-status");
      if (ACTIVE[status]) { poll(root); }
    });
    narrowReasons();
    submitOnce();
    chosenColumns();
  });
}());
