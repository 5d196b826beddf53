// Working time and the team board (issue 12): the board updates itself
// through Server-Sent Events (the page works without this script by
// reloading), and the presence turns to 退席中 after inactivity unless
// the person switched that off. Nothing here records activity: only the
// one status change is sent.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (board && window.EventSource && window.fetch) {
    var live = document.querySelector(".wt-live");
    if (live) { live.hidden = false; }
    var pending = null;
    var refresh = function () {
      pending = null;
      fetch(board.getAttribute("data-src"), { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) { if (html !== null) { board.innerHTML = html; } });
    };
    var es = new EventSource(board.getAttribute("data-events"));
    es.addEventListener("changed", function () {
      if (!pending) { pending = setTimeout(refresh, 150); }
    });
  }
  var form = document.getElementById("presence-form");
  if (form && form.getAttribute("data-auto-away") === "1" && window.fetch) {
    var idleMs = 10 * 60 * 1000, timer = null, away = false;
    var status = form.getAttribute("data-status");
    var send = function (s) {
      var body = new URLSearchParams();
      body.set("status", s);
      body.set("keep", "1");
      fetch("/presence", { method: "POST", body: body, credentials: "same-origin" });
    };
    var idle = function () {
      if (status === "available") { away = true; send("away"); }
    };
    var active = function () {
      if (away) { away = false; send("available"); }
      clearTimeout(timer);
      timer = setTimeout(idle, idleMs);
    };
    ["pointerdown", "keydown", "visibilitychange"].forEach(function (e) { document.addEventListener(e, active, { passive: true }); });
    active();
  }
})();
