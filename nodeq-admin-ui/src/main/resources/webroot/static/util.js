'use strict';
// Small helpers shared by the pages: escaping, formatting, the API client, dialogs, charts.

const U = (() => {
  const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  const num = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US'));

  const rate = (r) => (r == null ? '–' : (r >= 100 ? Math.round(r).toLocaleString('en-US') : Number(r).toFixed(1)) + '/s');

  const bytes = (b) => {
    if (b == null) return '–';
    const u = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    let v = Number(b);
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + u[i];
  };

  // nsqd reports latency in nanoseconds
  const ns = (n) => {
    if (n == null) return '–';
    if (n >= 1e9) return (n / 1e9).toFixed(2) + 's';
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'ms';
    if (n >= 1e3) return (n / 1e3).toFixed(0) + 'µs';
    return n + 'ns';
  };

  const e2e = (lat) => {
    const p = lat && lat.percentiles;
    if (!p || p.length === 0 || !lat.count) return '<span class="small">–</span>';
    return p.map((q) => `<span class="small">p${+(q.quantile * 100).toFixed(2)}</span> ${ns(q.value)}`).join(' · ');
  };

  const since = (unixSeconds) => {
    if (!unixSeconds) return '–';
    let s = Math.max(0, Math.floor(Date.now() / 1000 - unixSeconds));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + s + 's';
  };

  const badge = (text, kind, attrs) => `<span class="badge ${kind || ''}" ${attrs || ''}>${esc(text)}</span>`;
  const paused = (p) => (p ? badge('paused', 'paused', 'data-state="paused"') : '');
  const enc = encodeURIComponent;
  // links, buttons and cards the pages share
  const topicLink = (t) => `<a href="/topics/${enc(t)}" data-link>${esc(t)}</a>`;
  const channelLink = (t, c) => `<a href="/topics/${enc(t)}/${enc(c)}" data-link>${esc(c)}</a>`;
  const nodeLink = (n) => `<a href="/nodes/${enc(n)}" data-link class="mono">${esc(n)}</a>`;
  const btn = (label, act, data, kind) =>
    `<button class="btn small ${kind || ''}" data-act="${act}" ${Object.entries(data).map(([k, v]) =>
      `data-${k}="${esc(v)}"`).join(' ')}>${label}</button>`;
  const card = (title, count, inner) =>
    `<div class="card"><h2>${title}${count == null ? '' : ` <span class="count">${count}</span>`}</h2>${inner}</div>`;
  const stat = (label, value, key) =>
    `<div class="stat"><div class="label">${label}</div><div class="value" data-stat="${key}">${value}</div></div>`;

  // What the user typed or picked in inputs marked data-keep="key": a page re-render (every refresh)
  // writes it back through kept(), so a refresh never wipes a half-filled form.
  const keptValues = new Map();
  const kept = (key, initial) => {
    if (!keptValues.has(key) && initial !== undefined) keptValues.set(key, initial);
    return keptValues.get(key) ?? '';
  };
  const forget = (key) => keptValues.delete(key);
  const remember = (ev) => { if (ev.target.dataset && ev.target.dataset.keep) keptValues.set(ev.target.dataset.keep, ev.target.value); };
  document.addEventListener('input', remember);
  document.addEventListener('change', remember);

  let token = sessionStorage.getItem('nodeq-admin-token') || '';
  let tokenAuth = true;   // from /api/info: whether a bearer token can unlock actions
  const setInfo = (info) => { tokenAuth = !!info.token_auth; };

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = 'Bearer ' + token;
    const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store' });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, ok: r.ok, data };
  }

  // A guarded call: on 403, ask for the admin token (when token auth is on) and try once more.
  // Resolves to the reply, or null when the user gave up or may not act at all.
  async function call(method, path, body, what) {
    let r = await api(method, path, body);
    if (r.status === 403 && !tokenAuth) {
      toast(what + ' refused: only the configured admin users may act (--admin-user)', true);
      return null;
    }
    if (r.status === 403) {
      const t = await prompt('Admin token required', 'This admin server protects actions. Enter the admin token:');
      if (t == null) return null;
      token = t;
      sessionStorage.setItem('nodeq-admin-token', t);
      r = await api(method, path, body);
    }
    return r;
  }

  // An action: confirmation for destructive ones, then the guarded call; true when it succeeded.
  async function act(method, path, body, what, destructive) {
    if (destructive && !(await confirm('Please confirm', what + '?'))) return false;
    const r = await call(method, path, body, what);
    if (!r) return false;
    if (r.ok) toast(what + ': done');
    else toast(what + ' failed: ' + failure(r), true);
    return r.ok;
  }
  // the reason of a failed reply: the admin's message names the node and the daemon's reason
  const failure = (r) => (r.data && r.data.message) || 'HTTP ' + r.status;

  function dialog(title, text, withInput, okLabel, danger) {
    const d = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = title;
    document.getElementById('confirm-text').textContent = text;
    const input = document.getElementById('confirm-input');
    input.hidden = !withInput;
    input.value = '';
    const ok = document.getElementById('confirm-ok');
    ok.textContent = okLabel;
    ok.className = 'btn ' + (danger ? 'danger' : 'primary');
    return new Promise((resolve) => {
      d.addEventListener('close', () => resolve(d.returnValue === 'ok' ? (withInput ? input.value : true)
        : (withInput ? null : false)), { once: true });
      d.returnValue = '';
      d.showModal();
      if (withInput) input.focus();
    });
  }
  const confirm = (title, text) => dialog(title, text, false, 'Confirm', true);
  const prompt = (title, text) => dialog(title, text, true, 'Use token', false);

  function toast(text, bad) {
    const t = document.getElementById('toast');
    const m = document.createElement('div');
    m.className = 'msg' + (bad ? ' bad' : '');
    m.textContent = text;
    t.appendChild(m);
    setTimeout(() => m.remove(), bad ? 8000 : 3500);
  }

  // One uPlot chart per page: depth on the left axis, rate on the right; kept across refreshes.
  let chart = null;
  let chartKey = null;
  function drawChart(key, h, depthLabel) {
    const el = document.getElementById('chart');
    if (!key || !window.uPlot) { el.hidden = true; destroyChart(); return; }
    el.hidden = false;
    const data = [h.time, h.depth, h.rate];
    if (chart && chartKey === key) { chart.setData(data); return; }
    destroyChart();
    chartKey = key;
    el.innerHTML = '';
    const width = Math.max(300, el.clientWidth - 24);
    chart = new uPlot({
      width, height: 220,
      title: `Depth and message rate, last ${Math.round(h.window_ms / 60000)} min (sampled every ${h.interval_ms / 1000}s)`,
      series: [{}, { label: depthLabel || 'depth', stroke: '#2f6fed', fill: 'rgba(47,111,237,.08)', width: 2, scale: 'depth' },
        { label: 'msgs/s', stroke: '#1f9d55', width: 2, scale: 'rate' }],
      axes: [{}, { scale: 'depth', label: 'depth' }, { scale: 'rate', side: 1, label: 'msgs/s', grid: { show: false } }],
      scales: { depth: { range: (u, min, max) => [0, Math.max(5, max * 1.1)] },
        rate: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    }, data, el);
  }
  function destroyChart() {
    if (chart) chart.destroy();
    chart = null;
    chartKey = null;
  }
  window.addEventListener('resize', () => {
    if (chart) chart.setSize({ width: Math.max(300, document.getElementById('chart').clientWidth - 24), height: 220 });
  });

  return { setInfo, esc, num, rate, bytes, ns, e2e, since, badge, paused, enc, topicLink, channelLink, nodeLink, btn, card,
    stat, kept, forget, api, call, act, failure, toast, drawChart, confirm };
})();
