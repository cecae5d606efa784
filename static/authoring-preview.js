// The course editor's live preview: a moment after the author stops typing, the form is
// sent with action=preview (nothing is saved) and the preview beside it is replaced by the
// one the server renders, with the same pipeline as the lesson page. Without this script the
// Preview button does the same with a page load.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("content-edit-form");
    var preview = document.getElementById("content-preview");
    if (!form || !preview || !window.fetch || !window.FormData || !window.DOMParser) { return; }
    var text = form.querySelector("textarea[name=body]");
    if (!text) { return; }
    var timer = null, seq = 0;
    function refresh() {
      var n = ++seq;
      var data = new FormData(form);
      data.set("action", "preview");
      preview.setAttribute("aria-busy", "true");
      fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || n !== seq) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("content-preview");
          if (fresh) { preview.innerHTML = fresh.innerHTML; }
        })
        .catch(function () {})
        .then(function () { if (n === seq) { preview.removeAttribute("aria-busy"); } });
    }
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 700);
    });
  });
})();
