// Masar works without JavaScript; this file only adds small comforts.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the first invalid field after a failed submission, so that screen-reader
  // and keyboard users land where the problem is.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
  // Ask before destructive actions marked with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
// The certificate template editor: the preview follows the form as staff type, a moment
// after they stop (the Preview button does the same without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("tpl-form");
  var img = document.getElementById("tpl-preview-img");
  if (!form || !img || !window.fetch || !window.FormData) { return; }
  var timer = null, seq = 0;
  function refresh() {
    var n = ++seq;
    fetch(form.getAttribute("data-preview"), {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.blob() : null; })
      .then(function (b) {
        if (!b || n !== seq) { return; }
        var fr = new FileReader();
        fr.onload = function () { if (n === seq) { img.src = fr.result; img.hidden = false; } };
        fr.readAsDataURL(b);
      })
      .catch(function () {});
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 600); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
});
