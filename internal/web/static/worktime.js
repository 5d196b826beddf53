// Working time and the team board (issue 12): the board updates itself
// through Server-Sent Events (the page works without this script by
// reloading), and the presence turns to 退席中 after inactivity unless
// the person switched that off. Nothing here records activity: only the
// one status change is sent.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (board && window.fetch) {
    var pending = null, ending = null;
    // A status with an end time (取り込み中 until 15:00) ends without
    // anybody changing anything: the rows say in how many milliseconds
    // (counted by the server), and the board fetches them again then.
    var watchEnds = function () {
      clearTimeout(ending);
      ending = null;
      var soonest = -1, cards = board.querySelectorAll("[data-ends-in]");
      for (var i = 0; i < cards.length; i++) {
        var ms = parseInt(cards[i].getAttribute("data-ends-in"), 10);
        if (ms > 0 && (soonest < 0 || ms < soonest)) { soonest = ms; }
      }
      if (soonest > 0) { ending = setTimeout(refresh, soonest + 1000); }
    };
    var refresh = function () {
      pending = null;
      fetch(board.getAttribute("data-src"), { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (html !== null) { board.innerHTML = html; }
        watchEnds();
      });
    };
    watchEnds();
    if (window.EventSource) {
      var live = document.querySelector(".wt-live");
      if (live) { live.hidden = false; }
      var es = new EventSource(board.getAttribute("data-events"));
      es.addEventListener("changed", function () {
        if (!pending) { pending = setTimeout(refresh, 150); }
      });
    }
  }
  var form = document.getElementById("presence-form");
  if (!form) { return; }
  var status = form.getAttribute("data-status");
  // At its end time the status falls back (連絡可能 while working): the
  // page follows, and the form shows it unless the person is editing it.
  var endsIn = parseInt(form.getAttribute("data-ends-in") || "0", 10);
  if (endsIn > 0) {
    var edited = form.getAttribute("data-typed") === "1";
    form.addEventListener("input", function () { edited = true; });
    setTimeout(function () {
      status = form.getAttribute("data-then");
      form.setAttribute("data-status", status);
      if (edited) { return; }
      var radios = form.querySelectorAll("input[name=status]");
      for (var i = 0; i < radios.length; i++) { radios[i].checked = radios[i].value === status; }
      form.elements.note.value = "";
      form.elements.until.value = "";
    }, endsIn + 1000);
  }
  if (form.getAttribute("data-auto-away") === "1" && window.fetch) {
    // The 退席中 this page set by itself is remembered in the browser, so a
    // page loaded (or reloaded after a form) while it lasts still ends it
    // at the next activity; one the person chose is never undone here.
    // Per person: on a shared PC one person's mark must not end another's
    // 退席中 (a review).
    var mark = "telework-auto-away-" + (form.getAttribute("data-me") || ""), store = null;
    try { store = window.localStorage; } catch (e) { store = null; }
    var idleMs = 10 * 60 * 1000, timer = null;
    var away = status === "away" && !!store && store.getItem(mark) === "1";
    var remember = function (on) {
      if (!store) { return; }
      try { if (on) { store.setItem(mark, "1"); } else { store.removeItem(mark); } } catch (e) { /* private mode */ }
    };
    if (status !== "away") { remember(false); }
    form.addEventListener("submit", function () { remember(false); });
    var send = function (s) {
      var body = new URLSearchParams();
      body.set("status", s);
      body.set("keep", "1");
      // keepalive: the activity that ends 退席中 may be a click leaving the page.
      fetch("/presence", { method: "POST", body: body, credentials: "same-origin", keepalive: true });
    };
    var idle = function () {
      if (status === "available") { away = true; remember(true); send("away"); }
    };
    var active = function () {
      if (away) { away = false; remember(false); status = "available"; send("available"); }
      clearTimeout(timer);
      timer = setTimeout(idle, idleMs);
    };
    ["pointerdown", "keydown"].forEach(function (e) { document.addEventListener(e, active, { passive: true }); });
    // Coming back to the tab is activity; leaving it (another tab, a
    // minimised window) is not: an idle person stays 退席中.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { active(); }
    }, { passive: true });
    active();
  }
})();
