// Asks before an action that cannot be undone (取下げ, 却下, 下書きの削除,
// 日の取消し, 予約の取消し): a button or form with data-confirm shows its
// text in a confirmation dialog, and a "cancel" there sends nothing.
// Without JavaScript the action goes through as before.
// data-confirm-needs (on the button or the form) names checkboxes the
// action acts on: with none of them ticked nothing would be done (the
// server answers with an error), so there is nothing to confirm.
(function () {
  "use strict";
  function attr(b, f, name) {
    return (b && b.getAttribute(name)) || (f && f.getAttribute && f.getAttribute(name));
  }
  function noneTicked(f, name) {
    var boxes = f.elements ? f.elements.namedItem(name) : null;
    if (!boxes) {
      return true;
    }
    if (boxes.length === undefined || boxes.tagName) {
      return !boxes.checked;
    }
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) {
        return false;
      }
    }
    return true;
  }
  document.addEventListener("submit", function (e) {
    var b = e.submitter, f = e.target;
    var msg = attr(b, f, "data-confirm");
    var needs = attr(b, f, "data-confirm-needs");
    if (msg && needs && f.elements && noneTicked(f, needs)) {
      return;
    }
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
})();

// A page answering a refused form moves the focus to its error summary
// (its links lead to each field), so that a keyboard or screen-reader user
// starts there; a page that focuses the field in error itself (autofocus)
// keeps that. A page reached after a form went through moves it to the
// message saying so (「申請しました。」): a status already on the page when it
// loads is not announced by every screen reader, and the keyboard would
// otherwise start at the top of the page.
//
// A page reached at a fragment (a checklist saved returns to
// #item-…) stays scrolled there: the browser focuses the fragment's target
// once the page is ready — the page itself (BODY) when the target takes no
// focus, which loses the message — so the focus is moved again after that,
// without scrolling.
(function () {
  "use strict";
  function toMessage() {
    if (document.querySelector("[autofocus]")) {
      return;
    }
    var s = document.getElementById("error-summary") || document.getElementById("flash");
    if (!s) {
      return;
    }
    s.setAttribute("tabindex", "-1");
    s.focus(location.hash ? { preventScroll: true } : undefined);
  }
  document.addEventListener("DOMContentLoaded", toMessage);
  window.addEventListener("load", function () {
    if (location.hash && (!document.activeElement || document.activeElement === document.body)) {
      setTimeout(toMessage, 0);
    }
  });
})();

// On a narrow screen the site menu is one row that scrolls sideways; a
// browser leaves a link reached with Tab where it is when part of it shows,
// even a few pixels at the edge, so the focused link is scrolled fully into
// the row.
(function () {
  "use strict";
  document.addEventListener("focusin", function (e) {
    var a = e.target;
    if (!a || !a.closest || !a.closest(".site-nav") || !a.scrollIntoView) {
      return;
    }
    a.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
  // On load, the current page's item is scrolled into the row (on a phone
  // it sat off to the right, so nobody saw where they were). Only the row
  // scrolls (scrollLeft), never the page.
  function showCurrent() {
    var cur = document.querySelector(".site-nav a[aria-current=page]");
    if (!cur) {
      return;
    }
    var row = cur.parentElement;
    while (row && row !== document.body && row.scrollWidth <= row.clientWidth) {
      row = row.parentElement;
    }
    if (!row || row === document.body) {
      return;
    }
    var a = cur.getBoundingClientRect(), r = row.getBoundingClientRect();
    if (a.left < r.left || a.right > r.right) {
      row.scrollLeft += a.left - r.left - (r.width - a.width) / 2;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showCurrent);
  } else {
    showCurrent();
  }
})();

// A wide table scrolls sideways in its .table-wrap (a 360 px phone); with
// nothing to focus inside, a keyboard could not scroll it (WCAG 2.1.1, axe
// scrollable-region-focusable). A wrapper that does scroll is a focusable
// region named by its table (caption, aria-labelledby or aria-label, else
// the heading before it), so Tab reaches it and the arrow keys scroll it;
// one that fits is left out of the Tab order. Checked again when the
// window is resized and when a <details> opens (the import pages' column
// lists).
(function () {
  "use strict";
  var seq = 0;
  function heading(el) {
    for (var n = el; n && n !== document.body; n = n.parentElement) {
      for (var p = n.previousElementSibling; p; p = p.previousElementSibling) {
        if (/^H[1-6]$/.test(p.tagName)) {
          return p;
        }
        if (p.tagName === "SUMMARY") {
          return p;
        }
      }
    }
    return null;
  }
  function idOf(el) {
    if (!el.id) {
      el.id = "table-name-" + (++seq);
    }
    return el.id;
  }
  function name(w) {
    var t = w.querySelector("table");
    var c = t && t.caption;
    if (c) {
      return ["aria-labelledby", idOf(c)];
    }
    if (t && t.getAttribute("aria-labelledby")) {
      return ["aria-labelledby", t.getAttribute("aria-labelledby")];
    }
    if (t && t.getAttribute("aria-label")) {
      return ["aria-label", t.getAttribute("aria-label")];
    }
    var h = heading(w);
    return h ? ["aria-labelledby", idOf(h)] : null;
  }
  function mark(w) {
    var scrolls = w.clientWidth > 0 && w.scrollWidth > w.clientWidth + 1;
    if (scrolls && !w.hasAttribute("tabindex")) {
      var n = name(w);
      w.setAttribute("tabindex", "0");
      if (n) {
        w.setAttribute("role", "region");
        w.setAttribute(n[0], n[1]);
      }
      w.setAttribute("data-scrolls", "");
    } else if (!scrolls && w.hasAttribute("data-scrolls")) {
      ["tabindex", "role", "aria-labelledby", "aria-label", "data-scrolls"].forEach(function (a) {
        w.removeAttribute(a);
      });
    }
  }
  function markAll() {
    var ws = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < ws.length; i++) {
      mark(ws[i]);
    }
  }
  var timer;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(markAll, 100);
  }
  document.addEventListener("DOMContentLoaded", markAll);
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);
})();
