// Asks before an action that cannot be undone (取下げ, 却下, 下書きの削除,
// 日の取消し, 予約の取消し): a button or form with data-confirm shows its
// text in a confirmation dialog, and a "cancel" there sends nothing.
// Without JavaScript the action goes through as before.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var b = e.submitter, f = e.target;
    var msg = (b && b.getAttribute("data-confirm")) || (f && f.getAttribute && f.getAttribute("data-confirm"));
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
})();

// A page answering a refused form moves the focus to its error summary
// (its links lead to each field), so that a keyboard or screen-reader user
// starts there; a page that focuses the field in error itself (autofocus)
// keeps that.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var s = document.getElementById("error-summary");
    if (!s || document.querySelector("[autofocus]")) {
      return;
    }
    s.setAttribute("tabindex", "-1");
    s.focus();
  });
})();
