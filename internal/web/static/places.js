// Satellite-office booking: an office that lends no PC with its seats
// (option data-no-pc) cannot be booked with one, so choosing it turns the
// 「PCも予約する」 box off and disables it; the hint beside the box names
// those offices, and without JavaScript the server refuses such a booking
// at the box.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var office = document.getElementById("f-office_id");
    var pc = document.getElementById("f-pc");
    if (!office || !pc) {
      return;
    }
    function update() {
      var o = office.options[office.selectedIndex];
      var none = !!(o && o.hasAttribute("data-no-pc"));
      if (none) {
        pc.checked = false;
      }
      pc.disabled = none;
    }
    office.addEventListener("change", update);
    // A box the server refused stays as sent, so the error summary's link
    // can reach it; choosing an office then applies the rule.
    if (!pc.hasAttribute("aria-invalid")) {
      update();
    }
  });
})();
