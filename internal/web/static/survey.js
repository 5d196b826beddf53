// Saves a survey answer as the person goes (the form works without this:
// "途中で保存する" posts the same draft). Sends the form a second after the
// last change, with fetch on the same origin; the server keeps it as a draft.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.append("ajax", "1");
    data.append("save", "1");
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
      .then(function (res) { return res.text().then(function (t) { if (status) { status.textContent = t; } }); })
      .catch(function () { /* the buttons still work */ });
  }
  function changed() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1000);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); } });
})();
