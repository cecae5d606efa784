// Masar works without JavaScript; this file only adds small comforts.
// The page says that its script runs (the browser tests check the no-JS menu against it).
document.documentElement.classList.add("js");
// The header's menu (a <details> that needs no script): Escape closes it and puts the focus
// back on its button.
document.addEventListener("keydown", function (e) {
  if (e.key !== "Escape") { return; }
  var menu = document.querySelector("header details.menu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
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
  // Check the size of chosen files before sending them, against the limits the form states
  // (data-max-file, data-max-total, in bytes): a file too large is named at once, and the
  // form is not sent, so that nothing typed waits on an upload the server would refuse.
  document.querySelectorAll("input[type=file][data-max-file]").forEach(function (input) {
    var out = document.getElementById(input.id + "-size");
    input.form.addEventListener("submit", function (e) {
      if (!input.hasAttribute("data-max-file")) { return; }
      var maxFile = Number(input.getAttribute("data-max-file")), maxTotal = Number(input.getAttribute("data-max-total")), total = 0, msg = "";
      for (var i = 0; i < input.files.length && !msg; i++) {
        var f = input.files[i];
        total += f.size;
        if (f.size > maxFile) { msg = input.getAttribute("data-msg-file"); }
        else if (maxTotal && total > maxTotal) { msg = input.getAttribute("data-msg-total"); }
        if (msg) { msg = msg.split("{name}").join(f.name); }
      }
      if (out) { out.textContent = msg; }
      if (msg) {
        e.preventDefault();
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
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
