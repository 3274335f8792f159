'use strict';
// One entry per page URL (as nsqadmin's): which API to poll, and how to render its JSON.
// head() and body() return HTML; the app replaces them on every refresh, the chart stays.

const P = (() => {
  const { esc, num, rate, bytes, e2e, since, badge, paused, enc, topicLink, channelLink, nodeLink, btn, card, stat } = U;
  // a topic's storage level on a node (nodeq daemons report it; nsqd does not)
  const level = (d) => (d ? badge(d, d === 'durable' ? 'durable' : 'memory-first', `data-durability="${esc(d)}"`) : '');
  // A daemon that did not answer: an error row with its address, in the page's node table.
  const errorRows = (errors, cols) => (errors || []).filter((e) => e.kind === 'nsqd').map((e) =>
    `<tr class="error-row" data-error-node="${esc(e.address)}"><td>${esc(e.address)}</td>` +
    `<td class="left" colspan="${cols - 1}">⚠ ${esc(e.message)}</td></tr>`).join('');
  const lookupdAlerts = (errors) => (errors || []).filter((e) => e.kind === 'lookupd').map((e) =>
    `<div class="alert bad" data-error-lookupd="${esc(e.address)}">Lookup <b class="mono">${esc(e.address)}</b>: ${esc(e.message)}</div>`).join('');
  const title = (crumbs, name, badges, actions) =>
    `<div class="crumbs">${crumbs}</div><div class="page-title"><h1>${name}</h1>${badges || ''}` +
    `<div class="actions">${actions || ''}</div></div>`;
  const depthCells = (r) => `<td class="num" data-col="depth">${num(r.depth)}</td>` +
    `<td class="num" data-col="memory_depth">${num(r.memory_depth)}</td><td class="num" data-col="backend_depth">${num(r.backend_depth)}</td>`;
  const channelCells = (r) => depthCells(r) +
    `<td class="num" data-col="in_flight_count">${num(r.in_flight_count)}</td><td class="num" data-col="deferred_count">${num(r.deferred_count)}</td>` +
    `<td class="num" data-col="requeue_count">${num(r.requeue_count)}</td><td class="num" data-col="timeout_count">${num(r.timeout_count)}</td>` +
    `<td class="num" data-col="message_count">${num(r.message_count)}</td><td class="num" data-col="client_count">${num(r.client_count)}</td>`;
  const CHANNEL_HEAD = '<th>Depth</th><th>Memory</th><th>Disk</th><th>In flight</th><th>Deferred</th>' +
    '<th>Requeued</th><th>Timed out</th><th>Messages</th><th>Connections</th>';

  const createForm = (topic, info) => `<form class="inline-form" data-form="create">
      ${topic ? `<input type="hidden" name="topic" value="${esc(topic)}">` : '<input name="topic" placeholder="topic name" required>'}
      <input name="channel" placeholder="${topic ? 'channel name' : 'channel (optional)'}" ${topic ? 'required' : ''}>
      <button class="btn primary" type="submit">Create</button>
      <span class="small">${info.mode === 'lookupd' ? 'registered through the lookups' : 'created on every daemon'}</span></form>`;

  const topics = {
    nav: 'topics',
    api: () => '/api/topics',
    head: (d, p, info) => title('Cluster', 'Topics', '', ''),
    body: (d, p, info) => {
      const rows = d.topics.map((t) => `<tr data-topic="${esc(t.topic)}"><td>${topicLink(t.topic)}${paused(t.paused)}${D.deadLetterBadge(t)}</td>
        <td class="left">${t.channels.map((c) => `<span class="chip">${esc(c)}</span>`).join('') || '<span class="small">none</span>'}</td>
        ${depthCells(t)}<td class="num" data-col="message_count">${num(t.message_count)}</td>
        <td class="num" data-col="rate">${rate(t.rate)}</td><td class="num">${t.node_count}</td></tr>`).join('');
      const table = `<table><thead><tr><th>Topic</th><th class="left">Channels</th><th>Depth</th><th>Memory</th><th>Disk</th>
        <th>Messages</th><th>Rate</th><th>Nodes</th></tr></thead><tbody>${rows}${errorRows(d.errors, 8)}</tbody></table>`;
      return lookupdAlerts(d.errors) + card('Topics', d.topics.length,
        d.topics.length || d.errors.length ? table : '<div class="empty">No topics yet.</div>') +
        card('Create a topic', null, createForm(null, info));
    },
  };

  const topic = {
    nav: 'topics',
    api: (p) => `/api/topics/${enc(p.topic)}`,
    history: (p) => `/api/history/${enc(p.topic)}`,
    depthLabel: 'backlog (topic + channels)',
    head: (d, p, info) => title(`<a href="/" data-link>Topics</a> /`, esc(p.topic), paused(d.totals.paused) + D.deadLetterBadge(d),
      (d.totals.paused ? btn('Unpause', 'topic-unpause', { topic: p.topic }, 'primary')
        : btn('Pause', 'topic-pause', { topic: p.topic })) +
      btn('Empty', 'topic-empty', { topic: p.topic }, 'danger') + btn('Delete', 'topic-delete', { topic: p.topic }, 'danger')),
    body: (d, p, info) => {
      if (!d.exists && d.errors.length === 0) return '<div class="alert info">This topic does not exist (or no longer).</div>';
      const t = d.totals;
      const nodeRows = d.nodes.map((n) => `<tr data-node="${esc(n.node)}"><td>${nodeLink(n.node)}${paused(n.paused)}${level(n.durability)}</td>
        ${depthCells(n)}<td class="num" data-col="message_count">${num(n.message_count)}</td><td class="num">${bytes(n.message_bytes)}</td>
        <td class="num">${n.channel_count}</td><td>${e2e(n.e2e_processing_latency)}</td>
        <td>${info.mode === 'lookupd' ? btn('Tombstone', 'tombstone', { topic: p.topic, node: n.node }, 'danger') : ''}</td></tr>`).join('');
      const nodes = `<table><thead><tr><th>Node</th><th>Depth</th><th>Memory</th><th>Disk</th><th>Messages</th><th>Bytes</th>
        <th>Channels</th><th>E2E latency</th><th></th></tr></thead><tbody>${nodeRows}${errorRows(d.errors, 9)}
        <tr class="total" data-row="total"><td>Total</td>${depthCells(t)}<td class="num" data-col="message_count">${num(t.message_count)}</td>
        <td class="num">${bytes(t.message_bytes)}</td><td class="num">${d.channels.length}</td><td>${e2e(t.e2e_processing_latency)}</td><td></td></tr></tbody></table>`;
      const chRows = d.channels.map((c) => `<tr data-channel="${esc(c.channel)}"><td>${channelLink(p.topic, c.channel)}${paused(c.paused)}</td>
        ${channelCells(c)}${D.channelCells(d.channels, c)}<td class="num" data-col="rate">${rate(c.rate)}</td><td>${e2e(c.e2e_processing_latency)}</td></tr>`).join('');
      const chans = d.channels.length ? `<table><thead><tr><th>Channel</th>${CHANNEL_HEAD}${D.channelHead(d.channels)}<th>Rate</th><th>E2E latency</th></tr></thead>
        <tbody>${chRows}</tbody></table>` : '<div class="empty">No channels: messages wait in the topic.</div>';
      return lookupdAlerts(d.errors) + D.deadLetterNote(d, p.topic) +
        `<div class="stats">${stat('Depth', num(t.depth), 'depth')}${stat('Memory / disk', num(t.memory_depth) + ' / ' + num(t.backend_depth), 'split')}
        ${stat('Messages', num(t.message_count), 'message_count')}${stat('Rate', rate(t.rate), 'rate')}${stat('Nodes', d.nodes.length, 'nodes')}
        ${D.topicStats(t)}</div>` +
        card('Nodes', d.nodes.length, nodes) + card('Channels', d.channels.length, chans) +
        card('Create a channel', null, createForm(p.topic, info)) + D.topicSettingsForm(p.topic, t);
    },
  };

  const channel = {
    nav: 'topics',
    api: (p) => `/api/topics/${enc(p.topic)}/${enc(p.channel)}`,
    history: (p) => `/api/history/${enc(p.topic)}/${enc(p.channel)}`,
    head: (d, p) => title(`<a href="/" data-link>Topics</a> / ${topicLink(p.topic)} /`, esc(p.channel), paused(d.totals.paused),
      (d.totals.paused ? btn('Unpause', 'channel-unpause', { topic: p.topic, channel: p.channel }, 'primary')
        : btn('Pause', 'channel-pause', { topic: p.topic, channel: p.channel })) +
      btn('Empty', 'channel-empty', { topic: p.topic, channel: p.channel }, 'danger') +
      btn('Delete', 'channel-delete', { topic: p.topic, channel: p.channel }, 'danger')),
    body: (d, p) => {
      if (!d.exists && d.errors.length === 0) return '<div class="alert info">This channel does not exist (or no longer).</div>';
      const t = d.totals;
      const nodeRows = d.nodes.map((n) => `<tr data-node="${esc(n.node)}"><td>${nodeLink(n.node)}${paused(n.paused)}</td>
        ${channelCells(n)}${D.channelCells(d.nodes, n)}<td>${e2e(n.e2e_processing_latency)}</td></tr>`).join('');
      const extra = D.channelHead(d.nodes) ? 3 : 0;
      const nodes = `<table><thead><tr><th>Node</th>${CHANNEL_HEAD}${D.channelHead(d.nodes)}<th>E2E latency</th></tr></thead><tbody>${nodeRows}
        ${errorRows(d.errors, 11 + extra)}<tr class="total" data-row="total"><td>Total</td>${channelCells(t)}${D.channelCells(d.nodes, t)}<td>${e2e(t.e2e_processing_latency)}</td></tr></tbody></table>`;
      const flags = (c) => [c.tls ? badge(c.tls_version || 'TLS', 'ok') : '', c.snappy ? badge('snappy', 'info') : '',
        c.deflate ? badge('deflate', 'info') : '', c.authed ? badge('auth: ' + (c.auth_identity || 'yes'), 'ok') : '',
        c.sample_rate ? badge('sample ' + c.sample_rate + '%', 'warn') : ''].join('');
      const clientRows = d.clients.map((c) => `<tr data-client="${esc(c.remote_address)}">
        <td><b>${esc(c.client_id || c.hostname)}</b><div class="small">${esc(c.hostname)}</div></td>
        <td class="left mono">${esc(c.remote_address)}<div class="small">via ${nodeLink(c.node)}</div></td>
        <td class="left">${esc(c.user_agent || '')}<div class="small">${esc(c.version || '')}</div></td><td class="left">${flags(c)}</td>
        <td class="num" data-col="ready_count">${num(c.ready_count)}</td><td class="num" data-col="in_flight_count">${num(c.in_flight_count)}</td>
        <td class="num">${num(c.finish_count)}</td><td class="num">${num(c.requeue_count)}</td><td class="num">${num(c.message_count)}</td>
        <td class="num" title="${c.connect_ts ? new Date(c.connect_ts * 1000).toISOString() : ''}">${since(c.connect_ts)}</td></tr>`).join('');
      const clients = d.clients.length ? `<table><thead><tr><th>Client</th><th class="left">Address</th><th class="left">User agent</th>
        <th class="left">Flags</th><th>RDY</th><th>In flight</th><th>Finished</th><th>Requeued</th><th>Messages</th><th>Connected</th></tr></thead>
        <tbody>${clientRows}</tbody></table>` : '<div class="empty">No consumers connected.</div>';
      return lookupdAlerts(d.errors) +
        `<div class="stats">${stat('Depth', num(t.depth), 'depth')}${stat('In flight', num(t.in_flight_count), 'in_flight')}
        ${stat('Messages', num(t.message_count), 'message_count')}${stat('Rate', rate(t.rate), 'rate')}${stat('Connections', num(t.client_count), 'clients')}
        ${D.channelStats(t)}</div>` +
        card('Nodes', d.nodes.length, nodes) + card('Clients', d.clients.length, clients) + D.peekCard(p.topic, p.channel) +
        D.rewindCard(p.topic, p.channel) + D.channelSettingsForm(p.topic, p.channel, t);
    },
  };

  const nodes = {
    nav: 'nodes',
    api: () => '/api/nodes',
    head: () => title('Cluster', 'Nodes'),
    body: (d, p, info) => {
      const rows = d.nodes.map((n) => `<tr data-node="${esc(n.node)}"><td>${nodeLink(n.node)}</td><td class="left">${esc(n.hostname)}</td>
        <td class="left">${esc(n.version)}${n.out_of_date ? badge('out of date', 'warn') : ''}${n.missing_from_lookupds ? badge('not on every lookup', 'warn') : ''}
        ${n.health && n.health !== 'OK' ? badge(n.health, 'bad') : ''}</td>
        <td class="num">${n.tcp_port}</td><td class="num">${n.http_port}</td>
        <td class="left">${n.topics.length ? n.topics.map((t) => `<span class="chip">${esc(t.topic)}${t.tombstoned ? ' ✝' : ''}</span>`).join('')
          : num(n.topic_count) + ' topics'}</td>
        <td class="num" data-col="depth">${num(n.depth)}</td><td class="num">${num(n.message_count)}</td><td class="num">${num(n.client_count)}</td>
        <td class="num">${since(n.start_time)}</td></tr>`).join('');
      return lookupdAlerts(d.errors) + card('Daemons', d.nodes.length, `<table><thead><tr><th>Node</th><th class="left">Hostname</th>
        <th class="left">Version</th><th>TCP</th><th>HTTP</th><th class="left">Topics</th><th>Depth</th><th>Messages</th><th>Clients</th><th>Uptime</th></tr></thead>
        <tbody>${rows}${errorRows(d.errors, 10)}</tbody></table>`) +
        (info.mode === 'lookupd' ? '<div class="small">✝ tombstoned on the lookups for that topic.</div>' : '');
    },
  };

  const node = {
    nav: 'nodes',
    api: (p) => `/api/nodes/${enc(p.node)}`,
    head: (d, p) => title('<a href="/nodes" data-link>Nodes</a> /', `<span class="mono">${esc(p.node)}</span>`,
      d.exists ? badge(d.info.version, 'info') + (d.health === 'OK' ? badge('healthy', 'ok') : badge(d.health || 'unknown', 'bad')) : ''),
    body: (d, p, info) => {
      if (!d.exists) {
        return `<table class="card">${errorRows(d.errors, 2) || `<tr><td class="left">No such node: ${esc(p.node)}</td></tr>`}</table>`;
      }
      const t = d.totals;
      const rows = d.topics.map((tp) => `<tr data-topic="${esc(tp.topic)}"><td>${topicLink(tp.topic)}${paused(tp.paused)}
          ${tp.tombstoned ? badge('tombstoned', 'bad') : ''}</td>${depthCells(tp)}<td></td><td></td><td></td><td></td>
          <td class="num">${num(tp.message_count)}</td><td></td>
          <td>${info.mode === 'lookupd' ? btn('Tombstone', 'tombstone', { topic: tp.topic, node: p.node }, 'danger') : ''}</td></tr>` +
        tp.channels.map((c) => `<tr class="sub" data-channel="${esc(c.channel)}"><td>${channelLink(tp.topic, c.channel)}${paused(c.paused)}</td>
          ${channelCells(c)}<td></td></tr>`).join('')).join('');
      return `<div class="stats">${stat('Hostname', esc(d.info.hostname), 'hostname')}${stat('Topics', num(t.topic_count), 'topics')}
        ${stat('Channels', num(t.channel_count), 'channels')}${stat('Depth', num(t.depth), 'depth')}${stat('Clients', num(t.client_count), 'clients')}
        ${stat('Uptime', since(d.start_time), 'uptime')}</div>` +
        card('Topics and channels', d.topics.length, d.topics.length ? `<table><thead><tr><th>Topic / channel</th>${CHANNEL_HEAD}<th></th></tr></thead>
          <tbody>${rows}</tbody></table>` : '<div class="empty">No topics on this node.</div>') +
        `<div class="small">TCP ${d.info.tcp_port} · HTTP ${d.info.http_port} · broadcast ${esc(d.info.broadcast_address)}</div>`;
    },
  };

  const lookup = {
    nav: 'lookup',
    api: () => '/api/lookup',
    head: () => title('Cluster', 'Lookup'),
    body: (d, p, info) => {
      if (info.mode !== 'lookupd') return '<div class="alert info">This admin watches daemons directly (--nsqd-http-address): no lookups.</div>';
      const rows = d.topics.map((t) => `<tr data-topic="${esc(t.topic)}"><td>${topicLink(t.topic)}</td>
        <td class="left">${t.channels.map((c) => `<span class="chip">${esc(c)}</span>`).join('') || '<span class="small">none</span>'}</td>
        <td class="left">${t.producers.map(nodeLink).join(' ') || badge('no producer', 'warn')}</td>
        <td class="left">${t.tombstoned_on.map((n) => badge(n, 'bad')).join('')}</td>
        <td class="num">${t.known_by.length} / ${d.lookupds.length}</td></tr>`).join('');
      return lookupdAlerts(d.errors) + `<div class="small" style="margin-bottom:10px">Lookups: ${d.lookupds.map((l) => `<span class="chip">${esc(l)}</span>`).join('')}</div>` +
        card('Topics known to the lookups', d.topics.length, d.topics.length ? `<table><thead><tr><th>Topic</th><th class="left">Channels</th>
          <th class="left">Producers</th><th class="left">Tombstoned on</th><th>Lookups</th></tr></thead><tbody>${rows}${errorRows(d.errors, 5)}</tbody></table>`
          : '<div class="empty">The lookups know no topics.</div>') +
        card('Create a topic or channel', null, createForm(null, info));
    },
  };

  const counter = {
    nav: 'counter',
    api: () => '/api/counter',
    history: () => '/api/history',
    depthLabel: 'depth (all channels)',
    chartBelow: true,
    head: () => title('Cluster', 'Messages processed'),
    body: (d) => lookupdAlerts(d.errors) + `<div class="card counter"><div class="big" data-stat="counter">${num(d.message_count)}</div>
      <div class="sub">messages through all channels · ${rate(d.rate)} · ${num(d.topic_message_count)} published · ${d.node_count} nodes</div></div>` +
      (d.errors.some((e) => e.kind === 'nsqd') ? card('Not counted', null, `<table><tbody>${errorRows(d.errors, 2)}</tbody></table>`) : ''),
  };

  // URL patterns in nsqadmin's shape; decoded params
  const routes = [
    [/^\/(topics\/?)?$/, topics, []], [/^\/topics\/([^/]+)$/, topic, ['topic']],
    [/^\/topics\/([^/]+)\/([^/]+)$/, channel, ['topic', 'channel']], [/^\/nodes\/?$/, nodes, []],
    [/^\/nodes\/([^/]+)$/, node, ['node']], [/^\/lookup\/?$/, lookup, []], [/^\/counter\/?$/, counter, []],
  ];
  function match(path) {
    for (const [re, page, names] of routes) {
      const m = re.exec(path);
      if (m) {
        const params = {};
        names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
        return { page, params };
      }
    }
    return null;
  }
  return { match };
})();
