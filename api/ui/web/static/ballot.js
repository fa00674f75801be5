// Progressive enhancement of the ballot form: a progress bar and live
// ballot-rule hints. The form works the same without this script; the
// server checks everything again.
(function () {
  'use strict';
  var form = document.getElementById('ballot');
  if (!form) { return; }
  var required = Array.prototype.slice.call(form.querySelectorAll('.question[data-required]'));
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
    var inputs = form.querySelectorAll('.question[data-question="' + question + '"] input[type=radio]:checked');
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
        var cards = form.querySelectorAll('.question[data-question="' + q + '"]').length;
        var same = values.length === cards && cards > 1 && values.every(function (v) { return v === values[0]; });
        span.className = 'rule-count' + (same ? ' over' : '');
        span.textContent = same ? '（当前全部相同）' : '';
        if (same) { broken.push(li.firstChild.textContent.trim() + '。'); }
      }
    });
    return broken.concat(checkChoices());
  }

  // checkChoices shows, under each multiple question with bounds, how many
  // are chosen, and returns the messages of those out of bounds; past the
  // maximum, the unchecked boxes are disabled until one is unchecked.
  function checkChoices() {
    var broken = [];
    var groups = form.querySelectorAll('.choices[data-max]');
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i];
      var max = parseInt(g.getAttribute('data-max'), 10);
      var min = parseInt(g.getAttribute('data-min') || '0', 10);
      var boxes = g.querySelectorAll('input[type=checkbox]');
      var n = g.querySelectorAll('input[type=checkbox]:checked').length;
      for (var j = 0; j < boxes.length; j++) { boxes[j].disabled = n >= max && !boxes[j].checked; }
      var hint = g.parentNode.querySelector('.choice-hint');
      var count = hint && hint.querySelector('.choice-count');
      if (count) { count.textContent = '（已选 ' + n + ' 项）'; }
      var bad = n > max || (n > 0 && n < min);
      if (hint) { hint.className = 'choice-hint' + (bad ? ' over' : ''); }
      if (bad) {
        var title = g.parentNode.querySelector('legend');
        broken.push('「' + (title ? title.firstChild.textContent.trim() : '') + '」' + (n > max ? '最多选' + max + '项' : '至少选' + min + '项') + '，当前已选 ' + n + ' 项。');
      }
    }
    // 其他: the words are asked for once 其他 is chosen.
    var others = form.querySelectorAll('input[data-other]');
    for (var k = 0; k < others.length; k++) {
      var box = others[k].closest('.question').querySelector('.other-text');
      if (box) { box.hidden = !others[k].checked; }
      if (others[k].checked && box && box.querySelector('input').value.trim() === '') {
        broken.push('选择了「其他」，请填写说明。');
      }
    }
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
