// Passkeys: a form marked data-passkey="create" (add one) or "get" (sign in with one) carries
// the server's options in data-options. On submit this script asks the browser, puts the
// browser's answer (JSON) in the form's "passkey" field and sends the form as usual; the
// server checks it. Without this script, or in a browser without passkeys, the button stays
// disabled and the page says why; the other ways in (codes, recovery codes) stay open.
(function () {
  "use strict";
  function fromB64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function toB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function ids(list) {
    (list || []).forEach(function (c) { c.id = fromB64url(c.id); });
  }
  // The options as navigator.credentials takes them: the server sends binary values in
  // base64url.
  function options(form) {
    var o = JSON.parse(form.getAttribute("data-options")), pk = o.publicKey;
    pk.challenge = fromB64url(pk.challenge);
    if (pk.user) { pk.user.id = fromB64url(pk.user.id); }
    ids(pk.excludeCredentials);
    ids(pk.allowCredentials);
    return o;
  }
  // The browser's answer as the server reads it.
  function answer(cred) {
    var r = cred.response, out = {id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, response: {clientDataJSON: toB64url(r.clientDataJSON)}};
    if (cred.authenticatorAttachment) { out.authenticatorAttachment = cred.authenticatorAttachment; }
    out.clientExtensionResults = cred.getClientExtensionResults ? cred.getClientExtensionResults() : {};
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) { out.response.userHandle = toB64url(r.userHandle); }
    }
    return JSON.stringify(out);
  }
  function show(form, msg) {
    var p = form.querySelector(".passkey-error");
    p.textContent = msg;
    p.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var supported = !!(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
      var button = form.querySelector(".passkey-button"), field = form.querySelector("input[name=passkey]");
      var note = form.querySelector(".passkey-nojs");
      if (!supported) {
        note.textContent = form.getAttribute("data-unsupported");
        return;
      }
      note.hidden = true;
      button.disabled = false;
      form.addEventListener("submit", function (e) {
        if (field.value) { return; }
        e.preventDefault();
        var name = form.querySelector("input[name=passkey_name]");
        if (name && !name.value.trim()) {
          name.focus();
          name.reportValidity();
          return;
        }
        button.disabled = true;
        var ask = form.getAttribute("data-passkey") === "create" ? navigator.credentials.create(options(form)) : navigator.credentials.get(options(form));
        ask.then(function (cred) {
          field.value = answer(cred);
          form.submit();
        }).catch(function () {
          button.disabled = false;
          show(form, form.getAttribute("data-cancelled"));
        });
      });
    });
  });
})();
