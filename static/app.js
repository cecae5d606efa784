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
