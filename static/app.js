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
