// The survey builder (/admin/surveys/{id}/edit). It keeps the draft's whole
// definition in one object shaped as the JSON of PATCH /api/v1/surveys/{id},
// draws the form from it, and saves it with that PATCH: the server validates,
// and each error's field path ("questions[2].options[0].score") finds the
// input that carries it (data-path) to sit next to. Every change refreshes
// the phone preview, which the server renders from the unsaved definition.
// Plain DOM, no library: every control is a real input or button, so the
// page works from the keyboard (Ctrl+S saves).
(function () {
  'use strict';
  var root = document.getElementById('builder-root');
  var dataEl = document.getElementById('builder-data');
  if (!root || !dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var surveyID = root.getAttribute('data-survey');
  var meta = document.querySelector('meta[name=csrf-token]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var box = document.getElementById('builder');
  var statusEl = document.getElementById('save-status');
  var summary = document.getElementById('error-summary');
  var orgs = data.orgs || [];
  var orgByID = {};
  orgs.forEach(function (o) { orgByID[o.id] = o; });

  var KINDS = [['satisfaction', '满意度测评'], ['appraisal', '民主评议党员'], ['questionnaire', '问卷调查']];
  var QTYPES = [['single', '单选'], ['multiple', '多选'], ['scale', '打分'], ['text', '文字']];
  var SUBJECT_TYPES = { org: '党组织', member: '党员', org_members: '全体党员（发布时展开）' };
  var PRESETS = {
    satisfaction: { label: '满意度四级', options: [
      { key: 'satisfied', label: '满意', score: 100, satisfied: true },
      { key: 'basic', label: '基本满意', score: 80, satisfied: true },
      { key: 'unsatisfied', label: '不满意', score: 0 },
      { key: 'unknown', label: '不了解', abstain: true }] },
    appraisal: { label: '评议四档', options: [
      { key: 'excellent', label: '优秀', score: 95 },
      { key: 'qualified', label: '合格', score: 80 },
      { key: 'basic', label: '基本合格', score: 65 },
      { key: 'unqualified', label: '不合格', score: 40 }] },
    yesno: { label: '是 / 否', options: [
      { key: 'yes', label: '是' }, { key: 'no', label: '否' }] }
  };

  // m is the definition being edited.
  var m = fromSurvey(data.survey);
  var errors = {}; // field path → message, from the last save
  var dirty = false;
  // advanced shows the generated keys (标识) of groups, questions, options
  // and grades; people work with names and an admin opens 高级 to see them.
  var advanced = false;

  function fromSurvey(sv) {
    var a = sv.access || {};
    return {
      title: sv.title || '', kind: sv.kind || 'satisfaction', description: sv.description || '', org_id: sv.org_id || '',
      subjects: (sv.subjects || []).map(function (s) { return { type: s.type, id: s.id, name: s.name || '', org_name: s.org_name || '' }; }),
      rater_groups: (sv.rater_groups || []).map(function (g) { return { key: g.key, name: g.name, weight: g.weight }; }),
      access: { mode: a.mode || 'public', opens_at: toLocal(a.opens_at), closes_at: toLocal(a.closes_at),
        public_groups: (a.public_groups || []).slice(), one_per_device: !!a.one_per_device },
      questions: (sv.questions || []).map(function (q) { return JSON.parse(JSON.stringify(q)); }),
      rules: { quotas: ((sv.rules || {}).quotas || []).map(function (q) { return { question: q.question, option: q.option, max_share: q.max_share }; }),
        invalid_if_all_same: !!(sv.rules || {}).invalid_if_all_same, on_violation: (sv.rules || {}).on_violation || 'reject' },
      scoring: { min_group_ballots: (sv.scoring || {}).min_group_ballots, trim: (sv.scoring || {}).trim || null, satisfaction_denominator: (sv.scoring || {}).satisfaction_denominator || 'non_abstain',
        grades: ((sv.scoring || {}).grades || []).map(function (g) { return { key: g.key, label: g.label, min_score: g.min_score, max_share: g.max_share || null }; }) }
    };
  }

  // Times: the API speaks UTC (RFC 3339), people Beijing time.
  function toLocal(iso) {
    if (!iso) { return ''; }
    var d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 16);
  }
  function fromLocal(v) {
    var d = v ? new Date(v + ':00+08:00') : null;
    return d && isFinite(d.getTime()) && d.getUTCFullYear() <= 9999 ? d.toISOString() : null;
  }
  // badTimes names the time fields whose text is no time at all; they are
  // caught here, since the API would only see them as cleared.
  function badTimes() {
    var out = {};
    ['opens_at', 'closes_at'].forEach(function (k) {
      if (m.access[k] && !fromLocal(m.access[k])) { out['access.' + k] = '请填写完整的日期和时间（年-月-日 时:分）'; }
    });
    return out;
  }

  // payload is m as the API takes it: each question with only the fields
  // its type has.
  function payload() {
    return {
      title: m.title, kind: m.kind, description: m.description, org_id: m.org_id,
      subjects: m.subjects.map(function (s) { return { type: s.type, id: s.id }; }),
      rater_groups: m.rater_groups.map(function (g) { return { key: g.key, name: g.name, weight: numOr0(g.weight) }; }),
      access: accessPayload(),
      questions: m.questions.map(questionPayload),
      rules: { quotas: m.rules.quotas.map(function (q) { return { question: q.question, option: q.option, max_share: numOr0(q.max_share) }; }),
        invalid_if_all_same: m.rules.invalid_if_all_same, on_violation: m.rules.on_violation },
      scoring: scoringPayload()
    };
  }
  function numOr0(v) { return typeof v === 'number' && isFinite(v) ? v : 0; }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function questionPayload(q) {
    var out = { key: q.key, type: q.type, title: q.title, required: !!q.required, per_subject: q.type === 'single' && !!q.per_subject };
    if (q.description) { out.description = q.description; }
    if (out.per_subject && q.dimension) { out.dimension = q.dimension; }
    if (out.per_subject && isNum(q.weight)) { out.weight = q.weight; }
    if (q.type === 'single' || q.type === 'multiple') {
      out.options = (q.options || []).map(function (o) {
        var x = { key: o.key, label: o.label };
        if (q.type === 'single') {
          if (isNum(o.score) && !o.abstain) { x.score = o.score; }
          if (o.satisfied && !o.abstain) { x.satisfied = true; }
          if (o.abstain) { x.abstain = true; }
        }
        if (o.other && !o.abstain) { x.other = true; }
        return x;
      });
    }
    if (q.type === 'multiple' || q.type === 'scale') {
      if (isNum(q.min)) { out.min = q.min; }
      if (isNum(q.max)) { out.max = q.max; }
    }
    if (q.type === 'text' && isNum(q.max_length)) { out.max_length = q.max_length; }
    return out;
  }
  // accessPayload keeps what an open link allows: the groups a voter may
  // pick (none listed: every group) and one ballot per device.
  function accessPayload() {
    var x = { mode: m.access.mode, opens_at: fromLocal(m.access.opens_at), closes_at: fromLocal(m.access.closes_at) };
    var keys = m.rater_groups.map(function (g) { return g.key; });
    var picked = m.access.public_groups.filter(function (k) { return keys.indexOf(k) >= 0; });
    if (m.access.mode === 'public' && picked.length > 0) { x.public_groups = picked; }
    if (m.access.mode === 'public' && m.access.one_per_device) { x.one_per_device = true; }
    return x;
  }
  function scoringPayload() {
    var s = { satisfaction_denominator: m.scoring.satisfaction_denominator,
      grades: m.scoring.grades.map(function (g) {
        var x = { key: g.key, label: g.label, min_score: numOr0(g.min_score) };
        if (isNum(g.max_share) && g.max_share > 0) { x.max_share = g.max_share; }
        return x;
      }) };
    if (isNum(m.scoring.min_group_ballots)) { s.min_group_ballots = m.scoring.min_group_ballots; }
    if (m.scoring.trim) {
      var t = m.scoring.trim;
      s.trim = { min_answers: numOr0(t.min_answers), drop_highest: numOr0(t.drop_highest), drop_lowest: numOr0(t.drop_lowest) };
    }
    return s;
  }

  // --- small DOM helpers ---------------------------------------------------
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === 'text') { e.textContent = v; } else if (k.slice(0, 2) === 'on') { e.addEventListener(k.slice(2), v); } else { e.setAttribute(k, v === true ? '' : v); }
    });
    (kids || []).forEach(function (c) { if (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }
  function idFor(path) { return 'f-' + path.replace(/[^A-Za-z0-9]+/g, '-'); }
  function changed() { dirty = true; statusEl.textContent = '有未保存的修改'; statusEl.className = 'unsaved'; schedulePreview(); }
  // field is a labelled input bound to get/set; kind: text, number, textarea, datetime-local.
  function field(path, label, value, set, o) {
    o = o || {};
    var id = idFor(path);
    var attrs = { id: id, 'data-path': path, autocomplete: 'off' };
    var input;
    if (o.kind === 'textarea') {
      input = el('textarea', attrs);
      input.rows = o.rows || 2;
      input.value = value || '';
    } else {
      attrs.type = o.kind || 'text';
      if (o.kind === 'number') { attrs.step = o.step || 'any'; attrs.inputmode = 'decimal'; }
      if (o.min !== undefined) { attrs.min = o.min; }
      if (o.max !== undefined) { attrs.max = o.max; }
      if (o.placeholder) { attrs.placeholder = o.placeholder; }
      input = el('input', attrs);
      input.value = value === null || value === undefined ? '' : String(value);
    }
    input.addEventListener('input', function () {
      if (o.kind === 'number') { set(input.value === '' ? null : Number(input.value)); } else { set(input.value); }
      changed();
      if (o.after) { o.after(); }
    });
    return el('p', { 'class': 'b-field' + (o.cls ? ' ' + o.cls : '') }, [el('label', { 'for': id, text: label }), input]);
  }
  function check(path, label, value, set, after) {
    var id = idFor(path);
    var input = el('input', { type: 'checkbox', id: id, 'data-path': path });
    input.checked = !!value;
    input.addEventListener('change', function () { set(input.checked); changed(); if (after) { after(); } });
    return el('p', { 'class': 'b-check' }, [el('label', { 'for': id }, [input, ' ' + label])]);
  }
  function choose(path, label, value, choices, set, after) {
    var id = idFor(path);
    var s = el('select', { id: id, 'data-path': path });
    choices.forEach(function (c) { var op = el('option', { value: c[0], text: c[1] }); if (c[0] === value) { op.selected = true; } s.appendChild(op); });
    s.addEventListener('change', function () { set(s.value); changed(); if (after) { after(); } });
    return el('p', { 'class': 'b-field' }, [el('label', { 'for': id, text: label }), s]);
  }
  function button(label, fn, o) {
    o = o || {};
    return el('button', { type: 'button', 'class': o.cls || 'secondary small', id: o.id, 'aria-label': o.aria, title: o.aria, disabled: o.disabled, onclick: fn, text: label });
  }
  function section(id, title, path, kids) {
    return el('section', { 'class': 'card b-section', id: id, 'data-path': path, 'aria-labelledby': id + '-title' },
      [el('h2', { id: id + '-title', text: title })].concat(kids));
  }
  // structural changes redraw the form; focus returns to focusID if given.
  function redraw(focusID) {
    var active = focusID || (document.activeElement && document.activeElement.id);
    render();
    changed();
    var f = active && document.getElementById(active);
    if (f) { f.focus(); }
  }
  function move(list, i, d) {
    var j = i + d;
    if (j < 0 || j >= list.length) { return; }
    var x = list[i]; list[i] = list[j]; list[j] = x;
  }
  // rowTools are the 上移 / 下移 / 删除 buttons of item i of list.
  function rowTools(list, i, what, idBase, onRemove) {
    return el('span', { 'class': 'b-tools' }, [
      button('↑', function () { move(list, i, -1); redraw(idBase + '-up-' + Math.max(i - 1, 0)); }, { aria: '上移' + what, id: idBase + '-up-' + i, disabled: i === 0 }),
      button('↓', function () { move(list, i, 1); redraw(idBase + '-down-' + Math.min(i + 1, list.length - 1)); }, { aria: '下移' + what, id: idBase + '-down-' + i, disabled: i === list.length - 1 }),
      button('删除', function () { list.splice(i, 1); if (onRemove) { onRemove(); } redraw(); }, { aria: '删除' + what, id: idBase + '-del-' + i, cls: 'danger small' })
    ]);
  }
  function nextKey(prefix, taken) {
    for (var n = 1; ; n++) { if (taken.indexOf(prefix + n) < 0) { return prefix + n; } }
  }
  function keys(list) { return list.map(function (x) { return x.key; }); }

  // --- sections -------------------------------------------------------------
  function basics() {
    var orgChoices = [['', '（不指定）']].concat(orgs.map(function (o) { return [o.id, indent(o) + o.name + '（' + o.kind_label + '）']; }));
    return section('b-basics', '基本信息', '', [
      field('title', '标题', m.title, function (v) { m.title = v; }, { after: function () { document.getElementById('heading-title').textContent = m.title; } }),
      el('div', { 'class': 'admin-grid' }, [
        choose('kind', '测评类型', m.kind, KINDS, function (v) { m.kind = v; }),
        choose('org_id', '组织单位（书记可见本单位的测评）', m.org_id, orgChoices, function (v) { m.org_id = v; })
      ]),
      field('description', '说明（显示在答卷顶部）', m.description, function (v) { m.description = v; }, { kind: 'textarea', rows: 3 })
    ]);
  }
  function indent(o) { return new Array(o.depth + 1).join('　'); }

  function subjects() {
    var rows = m.subjects.map(function (s, i) {
      var p = 'subjects[' + i + ']';
      return el('tr', { 'data-path': p + '.id' }, [
        el('td', { text: String(i + 1) }),
        el('td', { 'class': 'subject-name' }, [s.name || s.id]),
        el('td', { text: SUBJECT_TYPES[s.type] || s.type }),
        el('td', { text: s.type === 'member' ? (s.org_name || '') : '' }),
        el('td', {}, [rowTools(m.subjects, i, '“' + (s.name || s.id) + '”', 'sub')])
      ]);
    });
    var orgSel = el('select', { id: 'pick-org' }, orgs.map(function (o) { return el('option', { value: o.id, text: indent(o) + o.name + '（' + o.kind_label + '）' }); }));
    var memberBox = el('div', { id: 'member-pick', 'class': 'b-members', hidden: true });
    var count = m.subjects.length;
    return section('b-subjects', '测评对象（' + count + '）', 'subjects', [
      count ? el('div', { 'class': 'table-wrap' }, [el('table', { id: 'subject-list' }, [
        el('thead', {}, [el('tr', {}, ['序号', '名称', '类型', '所在组织', '操作'].map(function (h) { return el('th', { scope: 'col', text: h }); }))]),
        el('tbody', {}, rows)])]) : el('p', { 'class': 'muted', id: 'subject-list', text: '还没有测评对象。在下面从组织树中选择。' }),
      count ? el('p', {}, [button('清空测评对象', function () { m.subjects = []; redraw('pick-org'); }, { id: 'subjects-clear', cls: 'danger small' })]) : null,
      el('h3', { text: '从组织树添加' }),
      orgs.length ? el('div', { 'class': 'b-picker' }, [
        el('p', { 'class': 'b-field' }, [el('label', { 'for': 'pick-org', text: '组织' }), orgSel]),
        el('p', { 'class': 'b-actions' }, [
          button('添加该组织', function () { addSubject('org', orgSel.value); }, { id: 'add-org' }),
          button('添加其下各党支部', function () { addBranches(orgSel.value); }, { id: 'add-branches' }),
          button('添加其下全体党员', function () { addSubject('org_members', orgSel.value); }, { id: 'add-org-members' }),
          button('选择党员…', function () { pickMembers(orgSel.value, memberBox); }, { id: 'pick-members' })
        ]),
        el('p', { 'class': 'muted', text: '“其下全体党员”在发布时按当时的名册展开为每一名党员；“选择党员”可逐个勾选。' }),
        memberBox
      ]) : el('p', { 'class': 'muted' }, ['还没有组织，请先到 ', el('a', { href: '/admin/orgs', text: '组织管理' }), ' 建立组织和党员名册。'])
    ]);
  }
  function hasSubject(type, id) { return m.subjects.some(function (s) { return s.type === type && s.id === id; }); }
  function addSubject(type, id, name, orgName) {
    var o = orgByID[id];
    if (!id || hasSubject(type, id)) { statusEl.textContent = '该测评对象已在列表中'; return; }
    if (type === 'org') { name = o.name; orgName = o.name; }
    if (type === 'org_members') { name = o.name + '全体党员'; orgName = o.name; }
    m.subjects.push({ type: type, id: id, name: name, org_name: orgName || '' });
    redraw(type === 'org' ? 'add-org' : 'add-org-members');
  }
  // addBranches adds every branch in the subtree of org id (the org itself
  // when it is a branch).
  function addBranches(id) {
    var added = 0;
    orgs.forEach(function (o) {
      if (o.kind === 'branch' && inSubtree(o, id) && !hasSubject('org', o.id)) {
        m.subjects.push({ type: 'org', id: o.id, name: o.name, org_name: o.name });
        added++;
      }
    });
    redraw('add-branches');
    statusEl.textContent = added ? '已添加 ' + added + ' 个党支部' : '该组织下没有尚未添加的党支部';
  }
  function inSubtree(o, id) {
    for (var x = o; x; x = orgByID[x.parent_id]) { if (x.id === id) { return true; } }
    return false;
  }
  // pickMembers lists the members of org id's subtree as checkboxes.
  function pickMembers(id, target) {
    target.hidden = false;
    target.textContent = '正在读取名册…';
    var all = [];
    function page(after) {
      var q = '/api/v1/members?limit=500&org_id=' + encodeURIComponent(id) + (after ? '&after=' + encodeURIComponent(after) : '');
      fetch(q, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (res) {
          if (!res.ok) { target.textContent = (res.j.error && res.j.error.message) || '读取名册失败'; return; }
          all = all.concat(res.j.items || []);
          if (res.j.next) { page(res.j.next); } else { showMembers(all, target); }
        })
        .catch(function () { target.textContent = '网络异常，读取名册失败'; });
    }
    page('');
  }
  function showMembers(list, target) {
    target.textContent = '';
    if (!list.length) { target.appendChild(el('p', { 'class': 'muted', text: '该组织及其下级组织还没有党员。' })); return; }
    var boxes = list.map(function (mb, i) {
      var input = el('input', { type: 'checkbox', id: 'pm-' + i, value: mb.id, disabled: hasSubject('member', mb.id) });
      var org = orgByID[mb.org_id];
      return el('label', { 'for': 'pm-' + i, 'class': 'b-member' }, [input, ' ' + mb.name + (org ? '（' + org.name + '）' : '') + (hasSubject('member', mb.id) ? ' · 已添加' : '')]);
    });
    var all = el('input', { type: 'checkbox', id: 'pm-all' });
    all.addEventListener('change', function () { boxes.forEach(function (b) { var x = b.querySelector('input'); if (!x.disabled) { x.checked = all.checked; } }); });
    // A long roster: type part of a name to narrow the list; 全选 ticks
    // only the members still shown.
    var filter = el('input', { type: 'search', id: 'pm-filter', placeholder: '输入姓名筛选', autocomplete: 'off' });
    filter.addEventListener('input', function () {
      var q = filter.value.trim();
      boxes.forEach(function (b, i) { b.hidden = q !== '' && list[i].name.indexOf(q) < 0; });
    });
    all.addEventListener('change', function () { boxes.forEach(function (b) { var x = b.querySelector('input'); if (b.hidden) { x.checked = false; } }); });
    target.appendChild(el('fieldset', {}, [el('legend', { text: '勾选要测评的党员（' + list.length + ' 人）' }),
      el('p', { 'class': 'b-field' }, [el('label', { 'for': 'pm-filter', text: '筛选' }), filter]),
      el('label', { 'for': 'pm-all', 'class': 'b-member' }, [all, ' 全选']), el('div', { 'class': 'b-member-list' }, boxes)]));
    target.appendChild(el('p', {}, [button('添加所选党员', function () {
      var n = 0;
      boxes.forEach(function (b, i) {
        var x = b.querySelector('input');
        if (x.checked && !x.disabled) {
          var mb = list[i], org = orgByID[mb.org_id];
          m.subjects.push({ type: 'member', id: mb.id, name: mb.name, org_name: org ? org.name : '' });
          n++;
        }
      });
      redraw('pick-members');
      statusEl.textContent = '已添加 ' + n + ' 名党员';
    }, { id: 'add-members', cls: 'small' })]));
  }

  function groups() {
    var total = m.rater_groups.reduce(function (t, g) { return t + (isNum(g.weight) ? g.weight : 0); }, 0);
    var rows = m.rater_groups.map(function (g, i) {
      var p = 'rater_groups[' + i + ']';
      var share = total > 0 && isNum(g.weight) ? Math.round(g.weight / total * 1000) / 10 + '%' : '—';
      return el('div', { 'class': 'b-row', 'data-path': p }, [
        field(p + '.name', '群体名称', g.name, function (v) { g.name = v; }),
        field(p + '.key', '标识', g.key, function (v) { g.key = v; }, { cls: 'b-key' }),
        field(p + '.weight', '权重', g.weight, function (v) { g.weight = v; }, { kind: 'number', min: 0, cls: 'b-num' }),
        el('p', { 'class': 'b-share muted', text: '占 ' + share }),
        rowTools(m.rater_groups, i, '评价群体“' + g.name + '”', 'grp')
      ]);
    });
    return section('b-groups', '评价群体与权重', 'rater_groups', [
      el('p', { 'class': 'muted', text: '各群体的得分按权重加权平均（权重不必相加为1，按比例折算）。只有一个群体时评议人不用选择身份。' }),
      el('div', { id: 'group-list' }, rows),
      el('p', {}, [button('添加评价群体', function () {
        m.rater_groups.push({ key: nextKey('g', keys(m.rater_groups)), name: '', weight: 1 });
        redraw(idFor('rater_groups[' + (m.rater_groups.length - 1) + '].name'));
      }, { id: 'add-group', cls: 'small' })])
    ]);
  }

  function access() {
    var modes = [['public', '凭链接参与（任何人）'], ['code', '凭测评码参与（每码一次，码决定评价群体）']];
    return section('b-access', '参与方式与时间', 'access', [
      choose('access.mode', '参与方式', m.access.mode, modes, function (v) { m.access.mode = v; }, function () { redraw(idFor('access.mode')); }),
      el('div', { 'class': 'admin-grid' }, [
        field('access.opens_at', '开始时间（北京时间，不填则发布即开始）', m.access.opens_at, function (v) { m.access.opens_at = v; }, { kind: 'datetime-local' }),
        field('access.closes_at', '结束时间（不填则手动结束）', m.access.closes_at, function (v) { m.access.closes_at = v; }, { kind: 'datetime-local' })
      ])
    ].concat(m.access.mode !== 'public' ? [] : [
      el('p', { 'class': 'b-hint', text: '凭链接参与时，评议人可自选的评价群体（都不勾选即全部可选；未勾选的群体须凭测评码参与）：' }),
      el('div', { 'class': 'admin-grid' }, m.rater_groups.map(function (g, i) {
        return check('access.public_groups[' + i + ']', (g.name || g.key) + ' 可自选', m.access.public_groups.indexOf(g.key) >= 0, function (v) {
          m.access.public_groups = m.access.public_groups.filter(function (k) { return k !== g.key; });
          if (v) { m.access.public_groups.push(g.key); }
        });
      })),
      check('access.one_per_device', '同一设备只能提交一次', m.access.one_per_device, function (v) { m.access.one_per_device = v; })
    ]));
  }

  function questions() {
    var cards = m.questions.map(questionCard);
    return section('b-questions', '题目（' + m.questions.length + '）', 'questions', [
      el('div', { id: 'question-list' }, cards),
      el('p', { 'class': 'b-actions' }, QTYPES.map(function (t) {
        return button('添加' + t[1] + '题', function () { addQuestion(t[0]); }, { id: 'add-' + t[0], cls: 'small' });
      }))
    ]);
  }
  function addQuestion(type) {
    var q = { key: nextKey('q', keys(m.questions)), type: type, title: '', required: type !== 'text', per_subject: false };
    if (type === 'single') {
      q.per_subject = m.subjects.length > 0;
      q.options = clonePreset(m.kind === 'appraisal' ? 'appraisal' : 'satisfaction');
    }
    if (type === 'multiple') { q.options = [{ key: 'a', label: '' }, { key: 'b', label: '' }]; }
    if (type === 'scale') { q.min = 0; q.max = 10; }
    if (type === 'text') { q.max_length = 1000; }
    m.questions.push(q);
    redraw(idFor('questions[' + (m.questions.length - 1) + '].title'));
  }
  function clonePreset(name) { return JSON.parse(JSON.stringify(PRESETS[name].options)); }
  function questionCard(q, i) {
    var p = 'questions[' + i + ']';
    var typeLabel = (QTYPES.filter(function (t) { return t[0] === q.type; })[0] || [q.type, q.type])[1];
    var kids = [
      el('div', { 'class': 'b-qhead' }, [
        el('h3', { text: '第' + (i + 1) + '题 · ' + typeLabel }),
        el('span', { 'class': 'b-tools' }, [
          button('复制', function () {
            var c = JSON.parse(JSON.stringify(q)); c.key = nextKey('q', keys(m.questions));
            m.questions.splice(i + 1, 0, c); redraw(idFor('questions[' + (i + 1) + '].title'));
          }, { aria: '复制第' + (i + 1) + '题', id: 'q-copy-' + i }),
          rowTools(m.questions, i, '第' + (i + 1) + '题', 'q', function () { dropQuotas(q.key); })
        ])
      ]),
      field(p + '.title', '题目', q.title, function (v) { q.title = v; }),
      field(p + '.description', '题目说明（可不填）', q.description, function (v) { q.description = v; }),
      el('div', { 'class': 'admin-grid' }, [
        choose(p + '.type', '题型', q.type, QTYPES, function (v) { changeType(q, v); }, function () { redraw(idFor(p + '.type')); }),
        field(p + '.key', '标识', q.key, function (v) { renameQuestion(q, v); }, { cls: 'b-key' })
      ]),
      check(p + '.required', '必答', q.required, function (v) { q.required = v; })
    ];
    if (q.type === 'single') {
      kids.push(check(p + '.per_subject', '逐个评价每个测评对象（矩阵题：每个对象各答一次，计入得分）', q.per_subject, function (v) { q.per_subject = v; }, function () { redraw(idFor(p + '.per_subject')); }));
      if (q.per_subject) {
        kids.push(el('div', { 'class': 'admin-grid' }, [
          field(p + '.dimension', '测评维度（可不填，如“服务群众”）', q.dimension, function (v) { q.dimension = v; }),
          field(p + '.weight', '题目权重（默认1）', q.weight, function (v) { q.weight = v; }, { kind: 'number', min: 0 })
        ]));
      }
    }
    if (q.type === 'single' || q.type === 'multiple') { kids.push(optionsEditor(q, p)); }
    if (q.type === 'multiple') {
      kids.push(el('div', { 'class': 'admin-grid' }, [
        field(p + '.min', '最少选几项（可不填）', q.min, function (v) { q.min = v; }, { kind: 'number', step: 1, min: 0 }),
        field(p + '.max', '最多选几项（可不填）', q.max, function (v) { q.max = v; }, { kind: 'number', step: 1, min: 1 })
      ]));
    }
    if (q.type === 'scale') {
      kids.push(el('div', { 'class': 'admin-grid' }, [
        field(p + '.min', '最低分', q.min, function (v) { q.min = v; }, { kind: 'number', step: 1 }),
        field(p + '.max', '最高分', q.max, function (v) { q.max = v; }, { kind: 'number', step: 1 })
      ]));
    }
    if (q.type === 'text') {
      kids.push(field(p + '.max_length', '字数上限', q.max_length, function (v) { q.max_length = v; }, { kind: 'number', step: 1, min: 1, cls: 'b-num' }));
    }
    return el('fieldset', { 'class': 'card b-question', id: 'question-' + i, 'data-path': p }, [el('legend', { 'class': 'sr-only', text: '第' + (i + 1) + '题' })].concat(kids));
  }
  function changeType(q, t) {
    q.type = t;
    if ((t === 'single' || t === 'multiple') && !(q.options && q.options.length)) {
      q.options = t === 'single' ? clonePreset(m.kind === 'appraisal' ? 'appraisal' : 'satisfaction') : [{ key: 'a', label: '' }, { key: 'b', label: '' }];
    }
    if (t === 'scale') { if (!isNum(q.min)) { q.min = 0; } if (!isNum(q.max)) { q.max = 10; } }
    if (t === 'text' && !isNum(q.max_length)) { q.max_length = 1000; }
    if (t !== 'single') { q.per_subject = false; dropQuotas(q.key); }
  }
  function renameQuestion(q, key) {
    m.rules.quotas.forEach(function (r) { if (r.question === q.key) { r.question = key; } });
    q.key = key;
  }
  function dropQuotas(key) { m.rules.quotas = m.rules.quotas.filter(function (r) { return r.question !== key; }); }
  function optionsEditor(q, p) {
    var single = q.type === 'single';
    var rows = (q.options || []).map(function (o, j) {
      var op = p + '.options[' + j + ']';
      var cells = [
        field(op + '.label', '选项' + (j + 1), o.label, function (v) { o.label = v; }),
        field(op + '.key', '标识', o.key, function (v) { renameOption(q, o, v); }, { cls: 'b-key' })
      ];
      if (single) {
        cells.push(field(op + '.score', '分值（0–100）', o.abstain ? null : o.score, function (v) { o.score = v; }, { kind: 'number', min: 0, max: 100, cls: 'b-num' }));
        cells.push(check(op + '.satisfied', '算作满意', o.satisfied, function (v) { o.satisfied = v; }));
        cells.push(check(op + '.abstain', '不了解（不计分）', o.abstain, function (v) { o.abstain = v; if (v) { o.score = null; o.satisfied = false; } }, function () { redraw(idFor(op + '.abstain')); }));
      }
      if (!o.abstain) {
        cells.push(check(op + '.other', '其他（选中时可填写文字）', o.other, function (v) { o.other = v; }));
      }
      cells.push(rowTools(q.options, j, '选项' + (j + 1), 'o' + p.replace(/\D+/g, '') + '-', function () { dropOptionQuotas(q, o.key); }));
      return el('div', { 'class': 'b-row b-option', 'data-path': op }, cells);
    });
    var presets = single ? ['satisfaction', 'appraisal', 'yesno'] : [];
    return el('div', { 'class': 'b-options', 'data-path': p + '.options' }, [
      el('h4', { text: '选项' }),
      el('div', {}, rows),
      el('p', { 'class': 'b-actions' }, [button('添加选项', function () {
        q.options = q.options || [];
        var k = nextLetter(keys(q.options));
        q.options.push(single ? { key: k, label: '', score: null } : { key: k, label: '' });
        redraw(idFor(p + '.options[' + (q.options.length - 1) + '].label'));
      }, { id: 'add-option-' + p.replace(/\D+/g, ''), cls: 'small' })].concat(presets.map(function (name) {
        return button('套用：' + PRESETS[name].label, function () {
          q.options = clonePreset(name); m.rules.quotas = m.rules.quotas.filter(function (r) { return r.question !== q.key; }); redraw();
        }, { id: 'preset-' + name + '-' + p.replace(/\D+/g, '') });
      })))
    ]);
  }
  function nextLetter(taken) {
    for (var i = 0; i < 26; i++) { var k = String.fromCharCode(97 + i); if (taken.indexOf(k) < 0) { return k; } }
    return nextKey('o', taken);
  }
  function renameOption(q, o, key) {
    m.rules.quotas.forEach(function (r) { if (r.question === q.key && r.option === o.key) { r.option = key; } });
    o.key = key;
  }
  function dropOptionQuotas(q, key) { m.rules.quotas = m.rules.quotas.filter(function (r) { return !(r.question === q.key && r.option === key); }); }

  function rules() {
    var matrix = m.questions.filter(function (q) { return q.type === 'single' && q.per_subject; });
    var rows = m.rules.quotas.map(function (r, i) {
      var p = 'rules.quotas[' + i + ']';
      var q = matrix.filter(function (x) { return x.key === r.question; })[0];
      var qChoices = matrix.map(function (x) { return [x.key, x.title || '第' + (m.questions.indexOf(x) + 1) + '题（未填题目）']; });
      if (!q) { qChoices.unshift([r.question, '（请选择题目）']); }
      var oChoices = (q ? q.options : []).filter(function (o) { return !o.abstain; }).map(function (o, j) { return [o.key, o.label || '选项' + (j + 1) + '（未填名称）']; });
      if (!oChoices.some(function (c) { return c[0] === r.option; })) { oChoices.unshift([r.option, '（请选择选项）']); }
      return el('div', { 'class': 'b-row', 'data-path': p }, [
        choose(p + '.question', '题目', r.question, qChoices, function (v) { r.question = v; r.option = ''; }, function () { redraw(idFor(p + '.question')); }),
        choose(p + '.option', '选项', r.option, oChoices, function (v) { r.option = v; }),
        shareField(p + '.max_share', '不超过测评对象的', r.max_share, function (v) { r.max_share = v; }),
        rowTools(m.rules.quotas, i, '第' + (i + 1) + '条比例限制', 'quota')
      ]);
    });
    var kids = [
      el('p', { 'class': 'muted', text: '比例限制：每张票对某个选项（如“优秀”）的选择不超过测评对象的一定比例（人数向下取整）。评议人提交前页面会提示规则。' }),
      el('div', { id: 'quota-list' }, rows)
    ];
    if (matrix.length) {
      kids.push(el('p', {}, [button('添加比例限制', function () {
        var q = matrix[0];
        var o = (q.options || []).filter(function (x) { return !x.abstain; })[0];
        m.rules.quotas.push({ question: q.key, option: o ? o.key : '', max_share: 1 / 3 });
        redraw(idFor('rules.quotas[' + (m.rules.quotas.length - 1) + '].question'));
      }, { id: 'add-quota', cls: 'small' })]));
    } else {
      kids.push(el('p', { 'class': 'muted', text: '添加“逐个评价”的单选题后可设置比例限制。' }));
    }
    kids.push(check('rules.invalid_if_all_same', '所有测评对象都选同一项的票不符合规则', m.rules.invalid_if_all_same, function (v) { m.rules.invalid_if_all_same = v; }));
    kids.push(choose('rules.on_violation', '违反规则的票', m.rules.on_violation,
      [['reject', '不予提交，提示评议人改正'], ['invalid', '照收，记为无效票']], function (v) { m.rules.on_violation = v; }));
    return section('b-rules', '答卷规则', 'rules', kids);
  }

  function scoring() {
    var sc = m.scoring;
    var kids = [
      choose('scoring.satisfaction_denominator', '满意率的分母', sc.satisfaction_denominator,
        [['non_abstain', '表态票（不含“不了解”）'], ['all', '全部票（含“不了解”）']], function (v) { sc.satisfaction_denominator = v; }),
      check('scoring.trim', '去掉最高分和最低分后再求平均', !!sc.trim, function (v) {
        sc.trim = v ? { min_answers: 6, drop_highest: 1, drop_lowest: 1 } : null;
      }, function () { redraw(idFor('scoring.trim')); })
    ];
    if (sc.trim) {
      kids.push(el('div', { 'class': 'admin-grid' }, [
        field('scoring.trim.min_answers', '某题答案至少几个时才去掉', sc.trim.min_answers, function (v) { sc.trim.min_answers = v; }, { kind: 'number', step: 1, min: 1 }),
        field('scoring.trim.drop_highest', '去掉最高分个数', sc.trim.drop_highest, function (v) { sc.trim.drop_highest = v; }, { kind: 'number', step: 1, min: 0 }),
        field('scoring.trim.drop_lowest', '去掉最低分个数', sc.trim.drop_lowest, function (v) { sc.trim.drop_lowest = v; }, { kind: 'number', step: 1, min: 0 })
      ]));
    }
    kids.push(el('h3', { text: '推荐等次' }));
    kids.push(el('p', { 'class': 'muted', text: '按排名依次给每个测评对象第一个“分数达到分数线且名额未满”的等次；分数线从高到低。比例上限不填表示不限。' }));
    kids.push(el('div', { id: 'grade-list', 'data-path': 'scoring.grades' }, sc.grades.map(function (g, i) {
      var p = 'scoring.grades[' + i + ']';
      return el('div', { 'class': 'b-row', 'data-path': p }, [
        field(p + '.label', '等次名称', g.label, function (v) { g.label = v; }),
        field(p + '.key', '标识', g.key, function (v) { g.key = v; }, { cls: 'b-key' }),
        field(p + '.min_score', '分数线（不低于）', g.min_score, function (v) { g.min_score = v; }, { kind: 'number', min: 0, max: 100, cls: 'b-num' }),
        shareField(p + '.max_share', '比例上限（不填为不限）', g.max_share, function (v) { g.max_share = v; }, true),
        rowTools(sc.grades, i, '等次“' + g.label + '”', 'grade')
      ]);
    })));
    kids.push(el('p', {}, [button('添加等次', function () {
      sc.grades.push({ key: nextKey('grade', keys(sc.grades)), label: '', min_score: null, max_share: null });
      redraw(idFor('scoring.grades[' + (sc.grades.length - 1) + '].label'));
    }, { id: 'add-grade', cls: 'small' })]));
    return section('b-scoring', '计分与等次', 'scoring', kids);
  }

  function render() {
    box.textContent = '';
    if (Object.keys(errors).some(function (p) { return /\.key$/.test(p); })) { advanced = true; } // a key to fix must be seen
    box.classList.toggle('b-simple', !advanced);
    [basics(), subjects(), groups(), access(), questions(), rules(), scoring(), advancedSection()].forEach(function (s) { box.appendChild(s); });
    applyErrors();
  }

  // advancedSection is 高级: the switch that shows the keys.
  function advancedSection() {
    var input = el('input', { type: 'checkbox', id: 'show-keys' });
    input.checked = advanced;
    input.addEventListener('change', function () { advanced = input.checked; box.classList.toggle('b-simple', !advanced); });
    return el('section', { 'class': 'card b-section', id: 'b-advanced', 'aria-labelledby': 'b-advanced-title' }, [
      el('h2', { id: 'b-advanced-title', text: '高级' }),
      el('p', { 'class': 'b-check' }, [el('label', { 'for': 'show-keys' }, [input, ' 显示评价群体、题目、选项和等次的标识'])]),
      el('p', { 'class': 'muted', text: '标识由系统自动生成，用于接口和导入导出，一般不必修改。' })
    ]);
  }

  // --- shares as people write them: 三分之一, 1/3, 30% -------------------------
  var DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  // shareWords is surveys.ShareWords: halves, thirds, quarters, sixths,
  // sevenths and ninths in words, any other share as a percentage.
  function shareWords(x) {
    if (!isNum(x)) { return ''; }
    var dens = [2, 3, 4, 6, 7, 9];
    for (var i = 0; i < dens.length; i++) {
      for (var n = 1; n < dens[i]; n++) {
        if (gcd(n, dens[i]) === 1 && Math.abs(x - n / dens[i]) < 1e-9) { return DIGITS[dens[i]] + '分之' + DIGITS[n]; }
      }
    }
    if (Math.abs(x - 1) < 1e-9) { return '全部'; }
    return String(Math.round(x * 10000) / 100) + '%';
  }
  function gcd(a, b) { while (b) { var t = a % b; a = b; b = t; } return a; }
  function smallNumber(s) {
    if (/^\d+$/.test(s)) { return Number(s); }
    var d = function (c) { return DIGITS.indexOf(c) > 0 && DIGITS.indexOf(c) < 10 ? DIGITS.indexOf(c) : 0; };
    if (s === '十') { return 10; }
    if (s.length === 1) { return d(s); }
    if (s.length === 2 && s[0] === '十') { return d(s[1]) ? 10 + d(s[1]) : 0; }
    if (s.length === 2 && s[1] === '十') { return d(s[0]) * 10; }
    if (s.length === 3 && s[1] === '十') { return d(s[0]) && d(s[2]) ? d(s[0]) * 10 + d(s[2]) : 0; }
    return 0;
  }
  // parseShare is surveys.ParseShare: 三分之一, 3分之1, 1/3, 33.34%, 30, 0.3
  // (a bare number above 1 is a percentage); null when unreadable.
  function parseShare(text) {
    var s = String(text).replace(/\s+/g, '');
    var x = NaN;
    if (s === '') { return null; }
    if (s.indexOf('分之') > 0) {
      var parts = s.split('分之');
      var den = smallNumber(parts[0]), num = smallNumber(parts[1]);
      x = den ? num / den : NaN;
    } else if (s.indexOf('/') > 0) {
      var f = s.split('/');
      x = Number(f[1]) ? Number(f[0]) / Number(f[1]) : NaN;
    } else if (/[%％]$/.test(s)) {
      x = Number(s.replace(/[%％]$/, '') + 'e-2');
    } else {
      x = Number(s);
      if (x > 1) { x = Number(s + 'e-2'); }
    }
    return isNaN(x) || x < 0 || x > 1 ? null : x;
  }
  // shareField is a share typed as people write it; what it reads is shown
  // beside it ("= 33.33%"), and an unreadable entry is sent as 0 for the
  // server to refuse with its message. optional: empty means no limit.
  function shareField(path, label, value, set, optional) {
    var note = el('span', { 'class': 'b-share muted' });
    var show = function (x, text) {
      note.textContent = text === '' ? (optional ? '不限' : '') : x === null ? '看不懂，请写成“三分之一”“1/3”或“30%”' : '＝' + (Math.round(x * 10000) / 100) + '%';
    };
    var f = field(path, label + '（如 三分之一、1/3、30%）', shareWords(value), function (v) {
      var x = parseShare(v);
      set(x === null ? (v === '' && optional ? null : 0) : x);
      show(x, v);
    }, { cls: 'b-share-field' });
    show(isNum(value) ? value : null, shareWords(value));
    f.appendChild(note);
    return f;
  }

  // --- errors -----------------------------------------------------------------
  // holder finds the element for an error's path: the field itself, else the
  // nearest enclosing part ("questions[2].options[0]" → "questions[2]" …).
  function holder(path) {
    for (var p = path; ; ) {
      var e = box.querySelector('[data-path="' + p.replace(/"/g, '') + '"]');
      if (e) { return e; }
      var cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) { return null; }
      p = p.slice(0, cut);
    }
  }
  function applyErrors() {
    var paths = Object.keys(errors);
    summary.textContent = '';
    summary.hidden = paths.length === 0;
    if (!paths.length) { return; }
    summary.appendChild(el('p', { text: '有 ' + paths.length + ' 处需要修改，未保存：' }));
    var list = el('ul', { 'class': 'field-list' });
    paths.forEach(function (path) {
      var h = holder(path) || box;
      var msgID = 'err-' + idFor(path);
      var msg = el('span', { 'class': 'field-error', id: msgID, text: errors[path] });
      if (h.tagName === 'INPUT' || h.tagName === 'SELECT' || h.tagName === 'TEXTAREA') {
        h.setAttribute('aria-invalid', 'true');
        h.setAttribute('aria-describedby', msgID);
        h.parentNode.appendChild(msg);
      } else if (h.tagName === 'TR') {
        h.lastChild.appendChild(msg);
        h.classList.add('has-error');
      } else {
        h.classList.add('has-error');
        h.insertBefore(msg, h.firstChild && h.firstChild.nextSibling);
      }
      var a = el('a', { href: '#' + (h.id || msgID), text: errors[path] });
      a.addEventListener('click', function (ev) { ev.preventDefault(); h.scrollIntoView({ block: 'center' }); if (h.focus) { h.focus(); } });
      list.appendChild(el('li', {}, [a]));
    });
    summary.appendChild(list);
  }

  // --- save and preview -------------------------------------------------------
  function save() {
    var bad = badTimes();
    if (Object.keys(bad).length) {
      errors = bad;
      statusEl.textContent = '未保存';
      statusEl.className = 'unsaved';
      render();
      summary.focus();
      return;
    }
    statusEl.textContent = '正在保存…';
    fetch('/api/v1/surveys/' + encodeURIComponent(surveyID), {
      method: 'PATCH', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(payload())
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, j: j }; }); })
      .then(function (res) {
        errors = {};
        var focused = document.activeElement && document.activeElement.id;
        if (res.ok) {
          m = fromSurvey(res.j);
          dirty = false;
          render();
          // Ctrl+S in a field: carry on typing there.
          if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
          var now = new Date();
          statusEl.textContent = '已保存 ' + ('0' + now.getHours()).slice(-2) + ':' + ('0' + now.getMinutes()).slice(-2);
          statusEl.className = 'saved';
          return;
        }
        var e = res.j.error || {};
        (e.fields || []).forEach(function (f) { if (!errors[f.field]) { errors[f.field] = f.message; } });
        statusEl.className = 'unsaved';
        statusEl.textContent = e.message || '保存失败';
        render();
        if (!summary.hidden) { summary.focus(); }
      })
      .catch(function () { statusEl.textContent = '网络异常，未保存，请稍后重试'; statusEl.className = 'unsaved'; });
  }
  var previewTimer = 0;
  var previewForm = document.getElementById('preview-form');
  var previewDef = document.getElementById('preview-definition');
  function preview() { previewDef.value = JSON.stringify(payload()); previewForm.submit(); }
  function schedulePreview() { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 600); }
  previewForm.addEventListener('submit', function () { previewDef.value = JSON.stringify(payload()); });

  document.getElementById('save').addEventListener('click', save);
  document.addEventListener('keydown', function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && (ev.key === 's' || ev.key === 'S')) { ev.preventDefault(); save(); }
  });
  window.addEventListener('beforeunload', function (ev) { if (dirty) { ev.preventDefault(); ev.returnValue = ''; } });

  root.hidden = false;
  render();
  statusEl.textContent = '';
  preview();
})();
