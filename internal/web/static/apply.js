// Applications (申請・承認): small enhancements on pages that work without
// JavaScript. Loaded with defer; nothing here is needed to use a page.
(function () {
  'use strict';

  // Fields shown only for some choices: data-show-when="name=value[|value]".
  // Without JavaScript every field stays visible and the server ignores the
  // ones that do not apply.
  function toggles(form) {
    var deps = form.querySelectorAll('[data-show-when]');
    function update() {
      deps.forEach(function (el) {
        var rule = el.getAttribute('data-show-when').split('=');
        var wanted = rule[1].split('|');
        var checked = form.querySelector('[name="' + rule[0] + '"]:checked');
        var sel = form.querySelector('select[name="' + rule[0] + '"]');
        var value = checked ? checked.value : (sel ? sel.value : '');
        el.hidden = wanted.indexOf(value) < 0;
      });
    }
    form.addEventListener('change', update);
    update();
  }

  // The rule check as the form is filled: the form is posted to its
  // data-check address and the findings replace the live region.
  function liveCheck(form) {
    var target = document.getElementById(form.getAttribute('data-check-target'));
    if (!target || !window.fetch) { return; }
    var timer = null, seq = 0;
    function run() {
      var mine = ++seq;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute('data-check'), {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: { 'Accept': 'text/html' }
      }).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (html) {
        if (html !== null && mine === seq) { target.innerHTML = html; }
      }).catch(function () { /* the check at submit still runs */ });
    }
    function later() { clearTimeout(timer); timer = setTimeout(run, 500); }
    form.addEventListener('input', later);
    form.addEventListener('change', later);
  }

  // "Select all" for a group of checkboxes: data-select-all="group".
  function selectAll(box) {
    var group = box.getAttribute('data-select-all');
    box.hidden = false;
    var label = document.querySelector('label[for="' + box.id + '"]');
    if (label) { label.hidden = false; }
    box.addEventListener('change', function () {
      document.querySelectorAll('input[type=checkbox][data-group="' + group + '"]').forEach(function (c) {
        c.checked = box.checked;
      });
    });
  }

  // A search box over a long list of choices (the planned tasks): shows
  // only the choices whose data-filter-text holds what is typed. The box is
  // hidden without JavaScript, where the whole list is shown.
  function filterList(box) {
    var input = box.querySelector('input[data-filter-target]');
    var list = input && document.getElementById(input.getAttribute('data-filter-target'));
    if (!list) { return; }
    box.hidden = false;
    input.addEventListener('input', function (ev) {
      ev.stopPropagation();
      var q = input.value.trim().toLowerCase();
      list.querySelectorAll('[data-filter-text]').forEach(function (el) {
        var hit = q === '' || el.getAttribute('data-filter-text').toLowerCase().indexOf(q) >= 0;
        var box = el.querySelector('input');
        el.hidden = !hit && !(box && box.checked);
      });
    });
  }

  document.querySelectorAll('form[data-toggles]').forEach(toggles);
  document.querySelectorAll('form[data-check]').forEach(liveCheck);
  document.querySelectorAll('input[data-select-all]').forEach(selectAll);
  document.querySelectorAll('[data-task-filter]').forEach(filterList);
})();
