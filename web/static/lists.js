// Admin > Lists: send the chosen list file's modification date, as the browser knows it, with the upload. The
// server's copy of an upload has the upload's time, not the list's; the import records this date (and says it is
// the file's modification time) when the file does not say when the list was published and no date was typed.
(function () {
  "use strict";
  var COMPANIONS = ["alt.csv", "add.csv", "sdn_comments.csv"];
  var input = document.querySelector("input[data-mtime-target]");
  if (!input) return;
  var target = document.getElementById(input.getAttribute("data-mtime-target"));
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  input.addEventListener("change", function () {
    var main = null;
    for (var i = 0; i < input.files.length; i++) {
      if (COMPANIONS.indexOf(input.files[i].name.toLowerCase()) < 0) { main = input.files[i]; break; }
    }
    var d = main && main.lastModified ? new Date(main.lastModified) : null;
    target.value = d ? d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) : "";
  });
}());
