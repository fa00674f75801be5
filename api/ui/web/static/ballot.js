// Progressive enhancement of the ballot form: a progress bar and live
// ballot-rule hints. The form works the same without this script; the
// server checks everything again.
(function () {
  'use strict';
  var form = document.getElementById('ballot');
  if (!form) { return; }
  var required = Array.prototype.slice.call(form.querySelectorAll('fieldset.question[data-required]'));
  var progress = document.getElementById('progress');
  var bar = document.getElementById('progress-bar');
  var text = document.getElementById('progress-text');
  var rules = Array.prototype.slice.call(document.querySelectorAll('#rules li[data-kind]'));
  var clientError = document.getElementById('client-error');

  function answered(fs) {
    if (fs.querySelector('input:checked')) { return true; }
    var ta = fs.querySelector('textarea');
    return !!(ta && ta.value.trim() !== '');
  }

  function chosen(question) {
    var out = [];
    var inputs = form.querySelectorAll('fieldset.question[data-question="' + question + '"] input[type=radio]:checked');
    for (var i = 0; i < inputs.length; i++) { out.push(inputs[i].value); }
    return out;
  }

  // checkRules returns the messages of broken rules and updates the hints.
  function checkRules() {
    var broken = [];
    rules.forEach(function (li) {
      var q = li.getAttribute('data-question');
      var values = chosen(q);
      var span = li.querySelector('.rule-count');
      if (li.getAttribute('data-kind') === 'quota') {
        var max = parseInt(li.getAttribute('data-max'), 10);
        var n = values.filter(function (v) { return v === li.getAttribute('data-option'); }).length;
        span.textContent = '（已选 ' + n + ' 个）';
        span.className = 'rule-count' + (n > max ? ' over' : '');
        if (n > max) { broken.push(li.firstChild.textContent.trim() + '：当前已选 ' + n + ' 个，请调整。'); }
      } else if (li.getAttribute('data-kind') === 'all_same') {
        var cards = form.querySelectorAll('fieldset.question[data-question="' + q + '"]').length;
        var same = values.length === cards && cards > 1 && values.every(function (v) { return v === values[0]; });
        span.className = 'rule-count' + (same ? ' over' : '');
        span.textContent = same ? '（当前全部相同）' : '';
        if (same) { broken.push(li.firstChild.textContent.trim() + '。'); }
      }
    });
    return broken;
  }

  function update() {
    var done = required.filter(answered).length;
    if (progress) {
      progress.hidden = false;
      bar.value = done;
      text.textContent = '已完成 ' + done + ' / ' + required.length + ' 项必答题';
    }
    var broken = checkRules();
    if (broken.length === 0 && clientError) { clientError.hidden = true; }
  }

  form.addEventListener('change', update);
  form.addEventListener('input', update);
  form.addEventListener('submit', function (ev) {
    var broken = checkRules();
    if (broken.length > 0) {
      ev.preventDefault();
      clientError.textContent = broken.join(' ');
      clientError.hidden = false;
      clientError.scrollIntoView({ block: 'center' });
      return;
    }
    var go = document.getElementById('go');
    if (go) { go.disabled = true; go.textContent = '正在提交…'; }
  });
  update();
  var errors = document.getElementById('errors');
  if (errors) { errors.focus(); }
})();
