'use strict';
// nodeq's delivery features on the topic and channel pages: settings and their counters, the peek
// panel, rewind, dead-letter topics and their replay, the settings forms. Daemons that are plain
// nsqd report none of the fields: whatever a view lacks is not shown.

const D = (() => {
  const { esc, num, badge, enc, topicLink, channelLink, btn, card, stat, kept, forget } = U;
  let refresh = () => {};
  const has = (row, field) => row && row[field] !== undefined && row[field] !== null;
  const mixed = (v) => v === 'mixed';
  const count = (n, word) => `${num(n)} ${word}${Number(n) === 1 ? '' : 's'}`;

  // The outcome of the last delivery action per place (key), shown beside the control that ran it.
  const results = new Map();
  const result = (key) => {
    const r = results.get(key);
    return r ? `<div class="result ${r.bad ? 'bad' : 'ok'}" data-result="${esc(key.split(':')[0])}">${esc(r.text)}</div>` : '';
  };
  const setResult = (key, text, bad) => results.set(key, { text, bad });

  // ---- settings and counters ----

  const maxAttempts = (v) => (mixed(v) ? badge('mixed', 'warn') : Number(v) === 0 ? 'unlimited' : num(v));
  const deadLetterTopic = (v) => (mixed(v) ? badge('mixed', 'warn') : v ? topicLink(v) : '<span class="small">none</span>');
  const setting = (v) => (mixed(v) ? badge('mixed', 'warn') : v === '0s' ? '<span class="small">off</span>' : esc(v));

  const topicStats = (t) => (has(t, 'dedup_window') ? stat('Dedup window', setting(t.dedup_window), 'dedup_window') : '') +
    (has(t, 'retention') ? stat('Retention', setting(t.retention), 'retention') : '') +
    (has(t, 'deduplicated_count') ? stat('Deduplicated', num(t.deduplicated_count), 'deduplicated_count') : '');

  const channelStats = (c) => (has(c, 'max_attempts') ? stat('Max attempts', maxAttempts(c.max_attempts), 'max_attempts') : '') +
    (has(c, 'dead_letter_topic') ? stat('Dead-letter topic', deadLetterTopic(c.dead_letter_topic), 'dead_letter_topic') : '') +
    (has(c, 'dead_lettered_count') ? stat('Dead-lettered', num(c.dead_lettered_count), 'dead_lettered_count') : '');

  // extra columns of channel rows, only when some row has them
  const channelColumns = (rows) => rows.some((c) => has(c, 'max_attempts') || has(c, 'dead_lettered_count'));
  const channelHead = (rows) => (channelColumns(rows)
    ? '<th>Max attempts</th><th class="left">Dead-letter topic</th><th>Dead-lettered</th>' : '');
  const channelCells = (rows, c) => (channelColumns(rows)
    ? `<td class="num" data-col="max_attempts">${has(c, 'max_attempts') ? maxAttempts(c.max_attempts) : '–'}</td>
       <td class="left" data-col="dead_letter_topic">${has(c, 'dead_letter_topic') ? deadLetterTopic(c.dead_letter_topic) : '–'}</td>
       <td class="num" data-col="dead_lettered_count">${num(c.dead_lettered_count)}</td>` : '');

  // ---- dead-letter topics ----

  const isDeadLetterTopic = (d) => (d.dead_letter_for || []).length > 0;
  const deadLetterBadge = (d) => (isDeadLetterTopic(d) ? badge('dead-letter topic', 'warn', 'data-dead-letter-topic') : '');
  const deadLetterNote = (d, topic) => (isDeadLetterTopic(d)
    ? `<div class="alert info dead-letter" data-dead-letter-for>
        <div>Dead-letter topic of ${d.dead_letter_for.map((o) => `<span class="chip" data-origin="${esc(o.topic + '/' + o.channel)}">${topicLink(o.topic)} / ${channelLink(o.topic, o.channel)}</span>`).join(' ')}:
        messages delivered more often than their channel's max attempts land here.</div>
        <div class="row">${btn('Replay dead letters', 'topic-redrive', { topic }, 'primary')}
        <span class="small">sends them back to the channels they came from, on every node</span></div>${result('redrive:' + topic)}</div>`
    : '');

  // ---- peek ----

  const peeks = new Map();   // "topic/channel" → { n, loading, data, error }
  const PEEK_SIZES = [1, 5, 10, 25, 50, 100];

  async function peek(topic, channel, interactive) {
    const key = topic + '/' + channel;
    const n = kept('peek-n:' + key, '10');
    peeks.set(key, { ...(peeks.get(key) || {}), loading: true });
    const path = `/api/topics/${enc(topic)}/${enc(channel)}/peek?n=${enc(n)}`;
    const r = interactive ? await U.call('GET', path, null, 'Peek') : await U.api('GET', path);
    if (!r) {
      peeks.set(key, { error: 'Peek needs the admin\'s rights.' });
    } else if (r.status === 403) {
      peeks.set(key, { error: 'Peek shows message bodies, so it needs the admin\'s rights: press Peek to give the admin token.' });
    } else if (!r.ok) {
      peeks.set(key, { error: 'Peek failed: ' + U.failure(r) });
    } else {
      peeks.set(key, { data: r.data });
    }
    refresh();
  }

  const when = (ns) => (ns ? new Date(Math.floor(Number(ns) / 1e6)).toISOString().replace('T', ' ').replace('Z', '') : '–');
  const clip = (s, max) => (s.length > max ? s.slice(0, max) + '…' : s);
  const body = (m) => (m.binary
    ? `${badge('binary · ' + num(m.size) + ' B', 'info')}<code class="b64" data-body-base64>${esc(clip(m.body_base64, 600))}</code>`
    : `<pre class="body" data-body>${esc(clip(m.body, 2000))}</pre>`);
  const headers = (h) => Object.entries(h || {}).map(([k, v]) => `<span class="chip" data-header="${esc(k)}">${esc(k)}: ${esc(v)}</span>`).join('')
    || '<span class="small">–</span>';

  function peekCard(topic, channel) {
    const key = topic + '/' + channel;
    if (!peeks.has(key)) {
      peeks.set(key, { loading: true });
      setTimeout(() => peek(topic, channel, false));
    }
    const p = peeks.get(key);
    const n = kept('peek-n:' + key, '10');
    const controls = `<div class="inline-form"><label class="small">next
      <select data-keep="peek-n:${esc(key)}" name="n">${PEEK_SIZES.map((s) => `<option ${String(s) === n ? 'selected' : ''}>${s}</option>`).join('')}</select>
      messages</label>${btn('Peek', 'channel-peek', { topic, channel })}
      <span class="small">shows the next messages of every node without delivering them</span></div>`;
    let inner;
    if (p.error) {
      inner = `<div class="alert bad" data-peek-error>${esc(p.error)}</div>`;
    } else if (!p.data) {
      inner = '<div class="empty">Peeking…</div>';
    } else {
      const errs = (p.data.errors || []).map((e) => `<div class="alert bad" data-peek-error="${esc(e.address)}"><b class="mono">${esc(e.address)}</b>: ${esc(e.message)}</div>`).join('');
      const rows = p.data.messages.map((m) => `<tr data-message="${esc(m.id)}"><td class="mono">${esc(m.id)}<div class="small">${U.nodeLink(m.node)}</div></td>
        <td class="num" data-col="attempts">${num(m.attempts)}</td><td class="left">${when(m.timestamp)}<div class="small">${esc(m.state || '')}</div></td>
        <td class="left wrap">${body(m)}</td><td class="left wrap">${headers(m.headers)}</td></tr>`).join('');
      inner = errs + (p.data.messages.length ? `<table class="peek"><thead><tr><th>ID / node</th><th>Attempts</th><th class="left">Published</th>
        <th class="left">Body</th><th class="left">Headers</th></tr></thead><tbody>${rows}</tbody></table>`
        : p.data.nodes ? '<div class="empty" data-peek-empty>No messages waiting.</div>' : '');
    }
    return card('Peek', p.data ? p.data.messages.length : null, controls + inner);
  }

  // ---- rewind ----

  // datetime-local wants local wall-clock time without a zone
  const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 19);

  const rewindCard = (topic, channel) => {
    const key = topic + '/' + channel;
    const to = kept('rewind:' + key, localInput(new Date(Date.now() - 3600_000)));
    return card('Rewind', null, `<form class="inline-form" data-form="channel-rewind" data-topic="${esc(topic)}" data-channel="${esc(channel)}">
      <label class="small">deliver again every retained message published since
      <input type="datetime-local" step="1" name="to" required data-keep="rewind:${esc(key)}" value="${esc(to)}"></label>
      <button class="btn danger" type="submit">Rewind…</button></form>${result('rewind:' + key)}`);
  };

  // ---- settings forms ----

  const topicSettingsForm = (topic, t) => (has(t, 'dedup_window') || has(t, 'retention')
    ? card('Topic settings', null, `<form class="inline-form" data-form="topic-config" data-topic="${esc(topic)}">
      <label class="small">dedup window <input name="dedup_window" data-keep="cfg:${esc(topic)}:dedup_window" value="${esc(kept(`cfg:${topic}:dedup_window`))}"
        placeholder="${esc(t.dedup_window || '')}" size="8"></label>
      <label class="small">retention <input name="retention" data-keep="cfg:${esc(topic)}:retention" value="${esc(kept(`cfg:${topic}:retention`))}"
        placeholder="${esc(t.retention || '')}" size="8"></label>
      <button class="btn primary" type="submit">Save</button><span class="small">Go durations (2m, 24h; 0 turns it off), on every node</span>
      </form>${result('config:' + topic)}`) : '');

  const channelSettingsForm = (topic, channel, c) => {
    if (!has(c, 'max_attempts') && !has(c, 'dead_letter_topic')) return '';
    const k = `cfg:${topic}/${channel}:`;
    return card('Channel settings', null, `<form class="inline-form" data-form="channel-config" data-topic="${esc(topic)}" data-channel="${esc(channel)}">
      <label class="small">max attempts <input name="max_attempts" type="number" min="0" max="65535" data-keep="${esc(k)}max_attempts"
        value="${esc(kept(k + 'max_attempts'))}" placeholder="${esc(c.max_attempts ?? '')}" size="6"></label>
      <label class="small">dead-letter topic <input name="dead_letter_topic" data-keep="${esc(k)}dead_letter_topic"
        value="${esc(kept(k + 'dead_letter_topic'))}" placeholder="${esc(c.dead_letter_topic || 'none')}"></label>
      <label class="small"><input type="checkbox" name="no_dead_letter_topic"> none</label>
      <button class="btn primary" type="submit">Save</button><span class="small">max attempts 0 = unlimited; on every node</span>
      </form>${result('config:' + topic + '/' + channel)}`);
  };

  // ---- what the buttons and forms do ----

  const perNode = (data, f) => (data.results || []).map((r) => `${r.node}: ${f(r)}`).join(', ');

  // Confirm, run, and keep the outcome (the daemons' totals, or the reason it failed) beside the control.
  async function run(key, path, body, what, detail, text) {
    if (!(await U.confirm('Please confirm', `${what}: ${detail}?`))) return;
    const r = await U.call('POST', path, body, what);
    if (!r) return;
    const line = r.ok ? text(r.data) : what + ' failed: ' + U.failure(r);
    setResult(key, line, !r.ok);
    U.toast(line, !r.ok);
  }

  const actions = {
    'channel-peek': (d) => peek(d.topic, d.channel, true),
    'topic-redrive': (d) => run('redrive:' + d.topic, `/api/topics/${enc(d.topic)}`, { action: 'redrive' },
      `Replay the dead letters held in ${d.topic}`, 'they go back to their origin channels, on every node',
      (x) => `Replayed ${count(x.redriven, 'dead letter')} to their channels, ${num(x.skipped)} skipped (${perNode(x, (n) => n.redriven + ' replayed')}).`),
  };

  async function settings(f, channel, names) {
    const topic = f.dataset.topic;
    const body = { action: 'config' };
    for (const name of names) {
      const v = f.elements[name].value.trim();
      if (v !== '') body[name] = v;
    }
    if (f.elements.no_dead_letter_topic && f.elements.no_dead_letter_topic.checked) body.dead_letter_topic = '';
    const where = channel ? `${topic}/${channel}` : topic;
    if (Object.keys(body).length === 1) {
      setResult('config:' + where, 'Nothing to change: fill in a setting first.', true);
      return;
    }
    const path = channel ? `/api/topics/${enc(topic)}/${enc(channel)}` : `/api/topics/${enc(topic)}`;
    const what = `Change the settings of ${channel ? 'channel' : 'topic'} ${where}`;
    const r = await U.call('POST', path, body, what);
    if (!r) return;
    if (r.ok) {
      names.forEach((n) => forget(`cfg:${where}:${n}`));
      setResult('config:' + where, `Saved on ${r.data.calls} node${r.data.calls === 1 ? '' : 's'}.`, false);
    } else {
      setResult('config:' + where, 'Not saved: ' + U.failure(r), true);
    }
  }

  const forms = {
    'topic-config': (f) => settings(f, null, ['dedup_window', 'retention']),
    'channel-config': (f) => settings(f, f.dataset.channel, ['max_attempts', 'dead_letter_topic']),
    'channel-rewind': async (f) => {
      const { topic, channel } = f.dataset;
      const local = f.elements.to.value;
      const at = new Date(local);
      if (!local || Number.isNaN(at.getTime())) return;
      await run('rewind:' + topic + '/' + channel, `/api/topics/${enc(topic)}/${enc(channel)}`, { action: 'rewind', to: at.toISOString() },
        `Rewind channel ${topic}/${channel} to ${local.replace('T', ' ')}`,
        'every retained message published since then is delivered again to its consumers, on every node',
        (x) => `Rewound to ${at.toISOString()}: ${count(x.messages, 'message')} will be delivered again (${perNode(x, (n) => n.messages + ' from seq ' + n.from_seq)}).`);
    },
  };

  const init = (onChange) => { refresh = onChange; };
  // another page: peek afresh when the channel page is opened again, and forget old outcomes
  const reset = () => { peeks.clear(); results.clear(); };

  return { init, reset, topicStats, channelStats, channelHead, channelCells, deadLetterBadge, deadLetterNote, peekCard, rewindCard,
    topicSettingsForm, channelSettingsForm, actions, forms };
})();
