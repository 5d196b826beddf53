// The roster grid (issue 15): the on-site count of each day, recomputed
// as cells change, marked when below the minimum. The full check (duties,
// caps, cohorts, objective) runs on the server when the form is sent.
(function () {
  var grid = document.getElementById('roster-grid');
  if (!grid) return;
  function recount() {
    var cells = grid.querySelectorAll('[data-count]');
    cells.forEach(function (td) {
      var day = td.getAttribute('data-count');
      var n = 0;
      grid.querySelectorAll('select[data-day="' + day + '"]').forEach(function (s) { if (s.value === 'ONSITE') n++; });
      var min = parseInt(td.getAttribute('data-min'), 10) || 0;
      td.textContent = String(n);
      td.classList.toggle('roster-short', n < min);
      if (n < min) td.textContent = n + ' (<' + min + ')';
    });
  }
  grid.addEventListener('change', recount);
  recount();
})();
