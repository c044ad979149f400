// The reviewer's page: worklist, case (differential, gallery per class, reclassify, sign off), patient.
// Plain script, no build step. Data only through the JSON API; with OIDC on, the token the reviewer gives
// is kept for this tab (sessionStorage) and sent as a bearer token.
'use strict';

const main = document.getElementById('main');
const statusLine = document.getElementById('status');
let me = null;
let view = null; // the case page's state

function token() { return sessionStorage.getItem('leukostream-token'); }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  if (options.method && options.method !== 'GET') {
    headers['X-Leukostream-Csrf'] = '1';
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    document.getElementById('token-form').hidden = false;
    throw new Error('sign in: this service needs an access token');
  }
  return response;
}

async function json(path, options) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || body.message || ('HTTP ' + response.status));
  return body;
}

function say(text) { statusLine.textContent = text; }

function fill(node, ...nodes) { node.replaceChildren(...nodes.filter(n => n !== null && n !== undefined)); }
function show(...nodes) { fill(main, ...nodes); }

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.substring(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const pct = v => (v === null || v === undefined) ? '-' : v.toFixed(1) + '%';
const when = ms => ms ? new Date(ms).toISOString().replace('T', ' ').substring(0, 16) : '-';

// ---- Worklist ------------------------------------------------------------------------------------------
async function worklist(params) {
  const status = params.get('status') || '';
  const cases = await json('/api/cases' + (status ? '?status=' + encodeURIComponent(status) : ''));
  const filter = el('select', { id: 'status-filter', onchange: e => {
    location.hash = '#/' + (e.target.value ? '?status=' + e.target.value : '');
  } }, ...['', 'OPENED', 'CLOSED', 'PRELIMINARY', 'FINAL', 'SIGNED'].map(s =>
    el('option', { value: s, selected: s === status ? 'selected' : null }, s || 'all statuses')));
  const rows = cases.map(c => {
    const d = c.diagnosis;
    return el('tr', { class: d && d.borderline ? 'borderline' : '', 'data-case': c.caseId },
      el('td', {}, el('a', { href: '#/cases/' + encodeURIComponent(c.caseId) }, c.caseId)),
      el('td', {}, c.status),
      el('td', {}, d ? el('span', { class: 'badge ' + d.decision }, d.decision) : '-',
        d && d.borderline ? el('span', { class: 'badge borderline' }, 'BORDERLINE') : null),
      el('td', { class: 'num' }, d ? pct(d.blastPercent) : '-'),
      el('td', { class: 'num' }, d && d.adjustedBlastPercent !== null
        ? pct(d.adjustedBlastPercent) + ' [' + pct(d.adjustedBlastPercentLower95) + ', ' + pct(d.adjustedBlastPercentUpper95) + ']' : '-'),
      el('td', { class: 'num' }, d ? String(d.cellsCounted) : '-'),
      el('td', {}, c.signedBy ? 'signed by ' + c.signedBy : 'unsigned'),
      el('td', {}, when(c.openedAtMillis)),
      el('td', {}, c.patientKey ? el('a', { href: '#/patients/' + c.patientKey, class: 'muted' }, c.patientKey.substring(0, 12) + '...') : '-'));
  });
  show(
    el('h1', {}, 'Worklist'), el('p', {}, 'Filter: ', filter),
    el('table', { id: 'worklist' },
      el('thead', {}, el('tr', {}, ...['case', 'status', 'decision', 'blasts (raw)', 'adjusted [95%]', 'counted', 'sign-off', 'opened', 'patient'].map(h => el('th', {}, h)))),
      el('tbody', {}, ...rows)),
    cases.length ? null : el('p', { class: 'muted' }, 'No cases in the view yet.'));
}

// ---- Case page -------------------------------------------------------------------------------------------
async function casePage(caseId) {
  const detail = await json('/api/cases/' + encodeURIComponent(caseId));
  view = { caseId, detail, selected: new Set() };
  renderCase();
}

function renderCase() {
  const { detail } = view;
  const c = detail.entry;
  const d = c.diagnosis;
  const summary = el('div', { id: 'summary' },
    el('h1', {}, 'Case ', c.caseId),
    el('p', {}, 'Status ', el('strong', { id: 'case-status' }, c.status), ' - ',
      d ? el('span', { class: 'badge ' + d.decision, id: 'decision' }, d.decision) : 'no diagnosis yet',
      d && d.borderline ? el('span', { class: 'badge borderline' }, 'BORDERLINE') : null,
      c.signedBy ? ' - signed by ' + c.signedBy + ' at ' + when(c.signedAtMillis) : ''),
    d ? el('p', {}, 'Blasts ', el('strong', { id: 'blast-percent' }, pct(d.blastPercent)),
      ' (' + d.lymphoblasts + ' of ' + d.cellsCounted + ' counted; 95% ' + pct(d.blastPercentLower95) + '-' + pct(d.blastPercentUpper95) + ')',
      d.adjustedBlastPercent !== null ? '; adjusted ' + pct(d.adjustedBlastPercent) + ' [' + pct(d.adjustedBlastPercentLower95) + ', ' + pct(d.adjustedBlastPercentUpper95) + ']' : '',
      '. Rule ' + d.rule + ': blasts ' + (d.comparison === 'GREATER_THAN' ? '>' : '>=') + ' ' + d.thresholdPercent + '% of at least ' + d.minimumCells + ' cells (' + d.policy + ')' + (d.decidedOnAdjusted ? ', decided on the adjusted estimate' : '') + '.',
      ' Revision ', el('span', { id: 'revision' }, String(d.sequence)), ', ', el('span', { id: 'reviewed-count' }, String(d.cellsReviewed)), ' cells reviewed.') : null);
  const differential = d ? el('table', { id: 'differential' },
    el('thead', {}, el('tr', {}, el('th', {}, 'class'), el('th', { class: 'num' }, 'cells'), el('th', { class: 'num' }, '% of counted'))),
    el('tbody', {}, ...d.classCounts.map(r => el('tr', { 'data-class': r.wbcClass },
      el('td', {}, r.wbcClass), el('td', { class: 'num count' }, String(r.count)), el('td', { class: 'num' }, pct(r.percentOfCounted)))),
      el('tr', {}, el('td', {}, 'not countable'), el('td', { class: 'num' }, String(d.cellsUncountable)), el('td', {})),
      el('tr', {}, el('th', {}, 'counted'), el('th', { class: 'num', id: 'counted' }, String(d.cellsCounted)), el('th', {})))) : null;
  const readOnly = !me.reviewer || c.signedBy;
  const toolbar = el('div', { class: 'toolbar', id: 'toolbar' },
    el('span', {}, readOnly ? (c.signedBy ? 'Signed: read-only.' : 'Viewer: read-only.') : 'Selected cells to:'),
    ...detail.classes.map((k, i) => el('button', { 'data-class': k, disabled: readOnly ? 'disabled' : null,
      onclick: () => reclassify(k, false) }, (i < 9 ? (i + 1) + ' ' : '') + k)),
    el('button', { 'data-class': '', disabled: readOnly ? 'disabled' : null, onclick: () => reclassify(null, true) }, '0 not countable'),
    el('button', { id: 'sign-off', disabled: readOnly || !d || d.status !== 'FINAL' ? 'disabled' : null, onclick: signOff }, 'Sign off'));
  const groups = new Map();
  for (const cell of detail.cells) {
    const k = cell.currentClass === null ? 'not countable' : cell.currentClass;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(cell);
  }
  const gallery = el('div', { id: 'gallery' }, ...[...groups.entries()].sort().map(([k, cells]) =>
    el('div', { class: 'group', 'data-group': k }, el('h3', {}, k + ' (' + cells.length + ')'),
      el('div', { class: 'cells' }, ...cells.map(cellTile)))));
  show(summary, el('div', { class: 'layout' },
    el('div', {}, differential, el('h3', {}, 'Cell'), el('div', { id: 'detail' }, 'Click a cell for its probabilities.'), el('h3', {}, 'Fields'), fields()),
    el('div', {}, toolbar, gallery)));
  lazyCrops();
  performance.mark('leukostream-case-rendered');
}

function cellTile(cell) {
  return el('div', { class: 'cell' + (view.selected.has(cell.cellId) ? ' selected' : '') + (cell.reviewed ? ' reviewed' : ''),
    'data-cell': cell.cellId, tabindex: 0, title: cell.cellId + (cell.reviewed ? ' (reviewed by ' + cell.reviewerId + '; models: ' + cell.modelClass + ')' : ''),
    onclick: e => select(cell, e) }, cell.hasCrop ? el('img', { alt: cell.cellId, 'data-src': cropUrl(cell.cellId) }) : null);
}

const cropUrl = cellId => '/api/cases/' + encodeURIComponent(view.caseId) + '/cells/' + encodeURIComponent(cellId) + '/crop';

function lazyCrops() {
  const observer = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      api(entry.target.dataset.src).then(r => r.ok ? r.blob() : null).then(blob => {
        if (blob) entry.target.src = URL.createObjectURL(blob);
      });
    }
  }, { rootMargin: '200px' });
  document.querySelectorAll('img[data-src]').forEach(img => observer.observe(img));
}

async function select(cell, event) {
  if (!(event.ctrlKey || event.metaKey || event.shiftKey)) view.selected.clear();
  if (view.selected.has(cell.cellId)) view.selected.delete(cell.cellId); else view.selected.add(cell.cellId);
  document.querySelectorAll('.cell').forEach(t => t.classList.toggle('selected', view.selected.has(t.dataset.cell)));
  const info = await json('/api/cases/' + encodeURIComponent(view.caseId) + '/cells/' + encodeURIComponent(cell.cellId));
  fill(document.getElementById('detail'),
    el('div', {}, cell.cellId, ' - field ' + info.fieldIndex),
    el('div', {}, 'stage 1 countable: ' + (info.countableProbability * 100).toFixed(1) + '%'),
    el('div', {}, 'ensemble A blast: ' + (info.blastProbability === null ? 'n/a' : (info.blastProbability * 100).toFixed(1) + '%')
      + (info.blastThreshold == null ? '' : ' (operating point ' + (info.blastThreshold * 100).toFixed(1) + '%)')),
    el('table', {}, ...info.probabilities.map(p => el('tr', {}, el('td', {}, p.wbcClass), el('td', { class: 'num' }, (p.probability * 100).toFixed(1) + '%')))),
    info.reviewed ? el('div', {}, 'reviewed by ' + info.reviewerId + ': ' + (info.reviewedClass || 'not countable')) : null);
}

function fields() {
  const byField = new Map();
  for (const cell of view.detail.cells) {
    if (!cell.box) continue;
    if (!byField.has(cell.fieldIndex)) byField.set(cell.fieldIndex, []);
    byField.get(cell.fieldIndex).push(cell);
  }
  const ns = 'http://www.w3.org/2000/svg';
  const out = el('div', { id: 'fields' });
  for (const [index, cells] of [...byField.entries()].sort((a, b) => a[0] - b[0])) {
    const w = Math.max(...cells.map(c => c.box[0] + c.box[2])) + 10;
    const h = Math.max(...cells.map(c => c.box[1] + c.box[3])) + 10;
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'field'); svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('width', 150); svg.setAttribute('height', Math.round(150 * h / w));
    const title = document.createElementNS(ns, 'title'); title.textContent = 'field ' + index; svg.append(title);
    for (const c of cells) {
      const r = document.createElementNS(ns, 'rect');
      r.setAttribute('x', c.box[0]); r.setAttribute('y', c.box[1]); r.setAttribute('width', c.box[2]); r.setAttribute('height', c.box[3]);
      r.setAttribute('fill', 'none'); r.setAttribute('stroke', /blast/.test(c.currentClass || '') ? '#c22' : '#27c'); r.setAttribute('stroke-width', 2);
      svg.append(r);
    }
    out.append(svg);
  }
  return out;
}

async function reclassify(toClass, notCountable) {
  if (!view || !me.reviewer || view.detail.entry.signedBy) return;
  const cellIds = [...view.selected];
  if (!cellIds.length) { say('Select cells first (click; ctrl/shift-click for more).'); return; }
  const before = view.detail.entry.diagnosis ? view.detail.entry.diagnosis.sequence : 0;
  try {
    await json('/api/cases/' + encodeURIComponent(view.caseId) + '/reviews', { method: 'POST', body: JSON.stringify({ cellIds, toClass, notCountable }) });
  } catch (e) { say('Not changed: ' + e.message); return; }
  view.selected.clear();
  say(cellIds.length + ' cell(s) moved to ' + (toClass || 'not countable') + '; waiting for the new count...');
  for (let i = 0; i < 60; i++) {
    await new Promise(r => setTimeout(r, 1000));
    const detail = await json('/api/cases/' + encodeURIComponent(view.caseId));
    const moved = detail.cells.filter(c => cellIds.includes(c.cellId)).every(c => c.reviewed && c.currentClass === toClass);
    const seq = detail.entry.diagnosis ? detail.entry.diagnosis.sequence : 0;
    if (moved && seq > before) { view.detail = detail; renderCase(); say('Counts updated (revision ' + seq + ').'); return; }
  }
  say('The cells are moved; the aggregator has not published a new count yet.');
}

async function signOff() {
  const response = await api('/api/cases/' + encodeURIComponent(view.caseId) + '/sign', { method: 'POST', body: '{}' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { say('Not signed: ' + (body.error || body.message || response.status)); return; }
  say('Signed off; the report becomes FINAL.');
  for (let i = 0; i < 30; i++) {
    await new Promise(r => setTimeout(r, 1000));
    const detail = await json('/api/cases/' + encodeURIComponent(view.caseId));
    if (detail.entry.signedBy) { view.detail = detail; renderCase(); return; }
  }
}

// ---- Patient page ---------------------------------------------------------------------------------------
async function patientPage(key) {
  const cases = await json('/patients/' + encodeURIComponent(key));
  const points = cases.filter(c => c.diagnosis);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('id', 'history'); svg.setAttribute('width', 480); svg.setAttribute('height', 200);
  const x = i => 40 + (points.length < 2 ? 200 : i * 420 / (points.length - 1));
  const y = v => 180 - v * 1.7;
  const line = (x1, y1, x2, y2, color, dash) => { const l = document.createElementNS(ns, 'line');
    Object.entries({ x1, y1, x2, y2, stroke: color, 'stroke-dasharray': dash || '' }).forEach(([k, v]) => l.setAttribute(k, v)); svg.append(l); };
  line(40, 10, 40, 180, '#999'); line(40, 180, 470, 180, '#999');
  if (points.length) line(40, y(points[0].diagnosis.thresholdPercent), 470, y(points[0].diagnosis.thresholdPercent), '#d98a00', '4 3');
  points.forEach((c, i) => {
    const p = document.createElementNS(ns, 'circle');
    p.setAttribute('cx', x(i)); p.setAttribute('cy', y(c.diagnosis.blastPercent)); p.setAttribute('r', 4);
    p.setAttribute('fill', c.diagnosis.decision === 'ALL' ? '#c22' : '#27c');
    const t = document.createElementNS(ns, 'title'); t.textContent = c.caseId + ': ' + pct(c.diagnosis.blastPercent); p.append(t);
    svg.append(p);
    if (i > 0) line(x(i - 1), y(points[i - 1].diagnosis.blastPercent), x(i), y(c.diagnosis.blastPercent), '#667');
  });
  show(el('h1', {}, 'Patient ', el('code', {}, key)),
    el('p', { class: 'muted' }, 'Pseudonymous key only; the hospital\'s systems map it back.'), svg,
    el('table', { id: 'patient-cases' }, ...cases.map(c => el('tr', {},
      el('td', {}, el('a', { href: '#/cases/' + encodeURIComponent(c.caseId) }, c.caseId)), el('td', {}, when(c.openedAtMillis)),
      el('td', {}, c.diagnosis ? pct(c.diagnosis.blastPercent) : '-'), el('td', {}, c.diagnosis ? c.diagnosis.decision : c.status)))));
}

// ---- Routing and keys --------------------------------------------------------------------------------------
async function route() {
  const [path, query] = (location.hash.substring(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  try {
    if (!me) me = await json('/api/me');
    document.getElementById('who').textContent = me.id + (me.reviewer ? ' (reviewer)' : ' (viewer)');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'cases' && parts[1]) await casePage(parts[1]);
    else if (parts[0] === 'patients' && parts[1]) await patientPage(parts[1]);
    else { view = null; await worklist(params); }
  } catch (e) { show(el('p', { class: 'error' }, e.message)); }
}

document.addEventListener('keydown', e => {
  if (!view || e.target.tagName === 'INPUT') return;
  if (e.key === 'Escape') { view.selected.clear(); document.querySelectorAll('.cell.selected').forEach(t => t.classList.remove('selected')); return; }
  if (e.key === '0') { reclassify(null, true); return; }
  const n = Number(e.key);
  if (n >= 1 && n <= 9 && view.detail.classes[n - 1]) reclassify(view.detail.classes[n - 1], false);
});

document.getElementById('token-form').addEventListener('submit', e => {
  e.preventDefault();
  sessionStorage.setItem('leukostream-token', document.getElementById('token').value.trim());
  document.getElementById('token-form').hidden = true;
  me = null; route();
});

// A token handed over in the address's fragment (never sent to a server), e.g. by `leukostream demo --review`:
// kept for this tab, then taken out of the address bar and the history.
if (location.hash.startsWith('#token=')) {
  sessionStorage.setItem('leukostream-token', decodeURIComponent(location.hash.substring('#token='.length)));
  history.replaceState(null, '', location.pathname + '#/');
}

window.addEventListener('hashchange', route);
route();
