'use strict';
// The single-page app: routes the URL to a page, polls its JSON every refresh interval and
// re-renders it in place (no reload), handles navigation, actions and forms.

(() => {
  // script errors are kept where a test (or a curious operator, from the console) can read them
  window.__adminErrors = [];
  window.addEventListener('error', (e) => window.__adminErrors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => window.__adminErrors.push(String(e.reason)));

  let info = { mode: 'lookupd', refresh_interval_ms: 2000 };
  let generation = 0;   // bumps on navigation, so a late answer for the old page is dropped
  let timer = null;

  const $ = (id) => document.getElementById(id);

  function setLive(state, text) {
    $('live').className = 'live ' + state;
    $('live-text').textContent = text;
  }

  async function refresh() {
    const gen = generation;
    clearTimeout(timer);
    const route = P.match(location.pathname);
    if (!route) {
      $('page-head').innerHTML = '<div class="page-title"><h1>Not found</h1></div>';
      $('page-body').innerHTML = '<div class="alert info">No such page. <a href="/" data-link>Go to topics</a>.</div>';
      U.drawChart(null);
      return;
    }
    const { page, params } = route;
    $('app').classList.toggle('chart-below', !!page.chartBelow);
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === page.nav));
    try {
      const [r, h] = await Promise.all([U.api('GET', page.api(params)),
        page.history ? U.api('GET', page.history(params)) : Promise.resolve(null)]);
      if (gen !== generation) return;
      if (!r.ok) throw new Error((r.data && r.data.message) || 'HTTP ' + r.status);
      render(page, params, r.data, h && h.ok ? h.data : null);
      const errs = (r.data.errors || []).length;
      setLive(errs ? 'warn' : 'ok', `live · ${new Date().toLocaleTimeString()}` + (errs ? ` · ${errs} unreachable` : ''));
    } catch (e) {
      if (gen !== generation) return;
      setLive('bad', 'admin server unreachable: ' + e.message);
    } finally {
      if (gen === generation) timer = setTimeout(refresh, info.refresh_interval_ms);
    }
  }

  // Re-render without losing what the user is typing in a form.
  function render(page, params, data, history) {
    const active = document.activeElement;
    // someone typing into a form keeps it (a re-render would wipe the input); a focused button does not
    const typing = active && active.tagName === 'INPUT' && active.value !== '' && $('page-body').contains(active);
    document.title = 'nodeq admin · ' + (params.channel || params.topic || params.node || page.nav);
    // only touch the DOM when something changed: keeps hover, selection and clicks in flight
    const head = page.head(data, params, info);
    if (head !== $('page-head').dataset.html) { $('page-head').innerHTML = head; $('page-head').dataset.html = head; }
    const body = page.body(data, params, info);
    if (!typing && body !== $('page-body').dataset.html) { $('page-body').innerHTML = body; $('page-body').dataset.html = body; }
    U.drawChart(history ? location.pathname : null, history, page.depthLabel);
  }

  function navigate(path) {
    if (path !== location.pathname) history.pushState(null, '', path);
    generation++;
    D.reset();
    $('page-head').innerHTML = '';
    $('page-body').innerHTML = '<div class="empty">Loading…</div>';
    delete $('page-head').dataset.html;
    delete $('page-body').dataset.html;
    U.drawChart(null);
    refresh();
  }

  const enc = encodeURIComponent;
  const ACTIONS = {
    'topic-pause': (d) => U.act('POST', `/api/topics/${enc(d.topic)}`, { action: 'pause' }, `Pause topic ${d.topic}`, false),
    'topic-unpause': (d) => U.act('POST', `/api/topics/${enc(d.topic)}`, { action: 'unpause' }, `Unpause topic ${d.topic}`, false),
    'topic-empty': (d) => U.act('POST', `/api/topics/${enc(d.topic)}`, { action: 'empty' },
      `Empty topic ${d.topic} (its queued messages are dropped on every node)`, true),
    'topic-delete': async (d) => {
      if (await U.act('DELETE', `/api/topics/${enc(d.topic)}`, null,
        `Delete topic ${d.topic} with all its channels, on every node and lookup`, true)) navigate('/');
    },
    'channel-pause': (d) => U.act('POST', `/api/topics/${enc(d.topic)}/${enc(d.channel)}`, { action: 'pause' },
      `Pause channel ${d.topic}/${d.channel}`, false),
    'channel-unpause': (d) => U.act('POST', `/api/topics/${enc(d.topic)}/${enc(d.channel)}`, { action: 'unpause' },
      `Unpause channel ${d.topic}/${d.channel}`, false),
    'channel-empty': (d) => U.act('POST', `/api/topics/${enc(d.topic)}/${enc(d.channel)}`, { action: 'empty' },
      `Empty channel ${d.topic}/${d.channel} (its queued messages are dropped)`, true),
    'channel-delete': async (d) => {
      if (await U.act('DELETE', `/api/topics/${enc(d.topic)}/${enc(d.channel)}`, null,
        `Delete channel ${d.topic}/${d.channel} on every node and lookup`, true)) navigate(`/topics/${enc(d.topic)}`);
    },
    'tombstone': (d) => U.act('DELETE', `/api/nodes/${enc(d.node)}`, { topic: d.topic },
      `Tombstone topic ${d.topic} on node ${d.node} (the lookups hide it there, then the node deletes it)`, true),
    ...D.actions,
  };
  D.init(refresh);

  document.addEventListener('click', async (ev) => {
    const link = ev.target.closest('a[data-link]');
    if (link && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey && ev.button === 0) {
      ev.preventDefault();
      navigate(new URL(link.href).pathname);
      return;
    }
    const b = ev.target.closest('button[data-act]');
    if (b && ACTIONS[b.dataset.act]) {
      b.disabled = true;
      try { await ACTIONS[b.dataset.act](b.dataset); } finally { b.disabled = false; }
      refresh();
    }
  });

  document.addEventListener('submit', async (ev) => {
    const other = ev.target.closest('form[data-form]');
    if (other && D.forms[other.dataset.form]) {
      ev.preventDefault();
      await D.forms[other.dataset.form](other);
      refresh();
      return;
    }
    const f = ev.target.closest('form[data-form="create"]');
    if (!f) return;
    ev.preventDefault();
    const topic = f.elements.topic.value.trim();
    const channel = f.elements.channel.value.trim();
    const what = channel ? `Create channel ${topic}/${channel}` : `Create topic ${topic}`;
    if (await U.act('POST', '/api/topics', { topic, channel: channel || undefined }, what, false)) {
      f.reset();
    }
    if (document.activeElement) document.activeElement.blur();
    refresh();
  });

  window.addEventListener('popstate', () => { generation++; D.reset(); U.drawChart(null); refresh(); });

  U.api('GET', '/api/info').then((r) => { if (r.ok) { info = r.data; U.setInfo(info); } }).catch(() => {}).finally(refresh);
})();
