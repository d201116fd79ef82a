// hydrawatch console: page logic (docs/CONSOLE.md).
// Plain DOM, no framework and no build step. The page is served with a CSP
// that allows only this file as script: no inline handlers, no eval.
'use strict';

(function () {
  const TOKEN_KEY = 'hydrawatch.token';   // sessionStorage: gone when the tab closes
  const PAGE_SIZES = [25, 50, 100, 250];   // members per page to choose from (the API allows up to 1000)
  const ACTIONS = ['monitor', 'throttle', 'verify', 'suspend'];

  const $ = (id) => document.getElementById(id);
  let generation = 0;   // bumped on every route change: late answers of an older view are dropped
  let blobUrls = [];    // the campaign page's case file (download link, frame): revoked when the next one is made
  let perPage = 100;    // members per page, the analyst's choice for this tab
  let membersAsk = 0;   // bumped on every members request: only the latest one's answer is shown

  // ---- DOM helpers --------------------------------------------------------

  // h('a', {href: '#/'}, 'text', child...): attributes are set as attributes,
  // except `on*` functions (listeners) and `value`/`checked` (properties).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  const num = (n) => (n === null || n === undefined ? '' : Number(n).toLocaleString('en-US'));
  const score = (s) => (typeof s === 'number' ? s.toFixed(3) : '');
  const pct = (x) => (typeof x === 'number' ? (100 * x).toFixed(1) + '%' : '');
  // RFC 3339 UTC -> "YYYY-MM-DD HH:MM" (the full value stays in the title).
  const time = (t) => (t ? h('time', {datetime: t, title: t}, t.slice(0, 16).replace('T', ' ')) : '—');
  const accountHref = (id) => '#/account/' + encodeURIComponent(id);
  const campaignHref = (id) => '#/campaign/' + encodeURIComponent(id);

  function table(testid, head, rows) {
    return h('table', {'data-testid': testid},
      h('thead', {}, h('tr', {}, head.map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows));
  }

  function showError(message) {
    const el = $('error');
    el.textContent = message;
    el.hidden = !message;
  }
  function showStatus(message) {
    const el = $('status');
    el.textContent = message;
    el.hidden = !message;
  }

  // ---- API ----------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // Every call carries the admin token. Errors are `{"error": "..."}` bodies
  // (serve's Response::Error); 401 (no token) and 403 (refused) sign out.
  async function api(method, path, body, token = sessionStorage.getItem(TOKEN_KEY)) {
    if (!token) throw new ApiError(401, 'not signed in');
    const init = {method, headers: {Authorization: 'Bearer ' + token}};
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, `${method} ${path}: the server did not answer (${e.message})`);
    }
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok) {
      let message = res.statusText;
      try {
        const j = await res.json();
        if (j && j.error) message = j.error;
      } catch (e) { /* not JSON: keep the status text */ }
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${message}`);
    }
    return type.startsWith('application/json') ? res.json() : res.text();
  }

  // Runs a view's work; API errors go to the page, never silently away.
  async function guarded(work) {
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        signOut(e.status === 401 ? 'Sign in to continue.' : 'The token was refused (403): sign in with an admin token.');
      } else {
        showError(e.message || String(e));
      }
    }
  }

  // An analyst's action: the outcome of the previous one is cleared first,
  // and the view takes no other click until the answer (no double submit).
  async function acting(work) {
    showError('');
    showStatus('');
    const view = $('view');
    view.inert = true;
    view.setAttribute('aria-busy', 'true');
    try {
      await guarded(work);
    } finally {
      view.inert = false;
      view.removeAttribute('aria-busy');
    }
  }

  // ---- sign-in ------------------------------------------------------------

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    generation++;
    $('top').hidden = true;
    $('summary').hidden = true;
    $('view').replaceChildren();
    showError('');
    showStatus('');
    const m = $('signin-message');
    m.textContent = message || '';
    m.hidden = !message;
    $('signin').hidden = false;
    $('token').value = '';
    $('token').focus();
  }

  async function signIn(ev) {
    ev.preventDefault();
    const token = $('token').value.trim();
    if (!token) return;
    $('signin-message').hidden = true;
    // Kept only once the API accepted it; a refused one signs out again.
    await guarded(async () => {
      await api('GET', '/v1/console/summary', undefined, token);
      sessionStorage.setItem(TOKEN_KEY, token);
      route();
    });
  }

  // ---- views --------------------------------------------------------------

  async function renderSummary() {
    const s = await api('GET', '/v1/console/summary');
    const el = $('summary');
    el.replaceChildren(
      s.run_at ? `Detection run ${s.detection_runs} at ${s.run_at} (policy ${s.policy}): ` : 'No detection run yet: ',
      `${num(s.accounts)} accounts, ${num(s.campaigns)} campaigns, `,
      h('strong', {}, `${num(s.attack_campaigns)} attack campaigns (${num(s.attack_accounts)} accounts)`),
      `, ${num(s.decisions_active)} decisions in force. Event time ${s.watermark || '—'}.`);
    el.hidden = false;
  }

  function decisionCounts(d) {
    if (!d) return '';
    return Object.entries(d).filter(([, n]) => n > 0).map(([a, n]) => `${a} ${num(n)}`).join(', ') || 'none';
  }

  async function viewCampaigns(gen) {
    const [r] = await Promise.all([api('GET', '/v1/console/campaigns'), renderSummary()]);
    if (gen !== generation) return;
    const rows = r.campaigns.map((c) => h('tr', {'data-testid': 'campaign-row', 'data-id': c.id, 'data-verdict': c.verdict, class: c.verdict},
      h('td', {}, h('a', {href: campaignHref(c.id)}, c.id)),
      h('td', {}, h('span', {class: 'verdict ' + c.verdict}, c.verdict)),
      h('td', {class: 'num', 'data-testid': 'campaign-score'}, score(c.score)),
      h('td', {class: 'num'}, num(c.accounts)),
      h('td', {class: 'num'}, num(c.interactions)),
      h('td', {}, time(c.first_seen)),
      h('td', {}, time(c.last_seen)),
      h('td', {}, (c.capabilities || []).map((x) => `${x.name} ${pct(x.share)}`).join(', ')),
      h('td', {}, decisionCounts(c.decisions))));
    $('view').replaceChildren(
      h('h1', {}, 'Campaigns by score'),
      rows.length ? table('campaigns-table',
        ['Campaign', 'Verdict', 'Score', 'Accounts', 'Interactions', 'First seen', 'Last seen', 'Top capabilities', 'Decisions in force'], rows)
        : h('p', {'data-testid': 'no-campaigns'}, r.run_at ? 'The last detection run found no campaign.' : 'No detection run yet: ingest events first.'));
  }

  function decisionCell(d) {
    if (!d) return '—';
    const until = d.until ? ` until ${d.until.slice(0, 16).replace('T', ' ')}` : '';
    return `${d.action}${d.simulated ? ' (shadow)' : ''}, ${d.origin}${until}`;
  }

  const fetchMembers = (id, offset) => api('GET', `/v1/console/campaigns/${encodeURIComponent(id)}/accounts?offset=${offset}&limit=${perPage}`);

  // `pending`: the page's answer when it was asked for already. `focus`: the
  // pager control to give the focus back to once the page is replaced.
  async function renderMembers(id, offset, gen, pending, focus) {
    const ask = ++membersAsk;
    let r = await (pending || fetchMembers(id, offset));
    // A newer detection run may have shrunk the campaign since the last page:
    // show its last page instead of an empty one.
    if (r.offset > 0 && r.offset >= r.total && gen === generation && ask === membersAsk) {
      r = await fetchMembers(id, r.total ? Math.floor((r.total - 1) / perPage) * perPage : 0);
    }
    if (gen !== generation || ask !== membersAsk) return;
    const rows = r.accounts.map((a) => h('tr', {'data-testid': 'member-row', 'data-id': a['user.id'], 'data-verdict': a.verdict},
      h('td', {}, h('a', {href: accountHref(a['user.id'])}, a['user.id'])),
      h('td', {}, h('span', {class: 'verdict ' + a.verdict}, a.verdict)),
      h('td', {class: 'num'}, score(a.score)),
      h('td', {class: 'num'}, num(a.requests)),
      h('td', {}, time(a.first_seen)),
      h('td', {}, time(a.last_seen)),
      h('td', {}, decisionCell(a.decision))));
    const last = Math.min(r.offset + r.accounts.length, r.total);
    const page = (o, testid) => () => guarded(() => renderMembers(id, o, generation, null, testid));
    // A new page size keeps the first member shown on the page shown.
    const resize = (ev) => {
      perPage = Number(ev.target.value);
      return guarded(() => renderMembers(id, Math.floor(r.offset / perPage) * perPage, generation, null, 'members-per-page'));
    };
    $('members').replaceChildren(
      h('h2', {}, `Members (${num(r.total)})`),
      table('members-table', ['Account', 'Verdict', 'Score', 'Requests', 'First seen', 'Last seen', 'Decision in force'], rows),
      h('p', {class: 'pager noprint'},
        h('button', {type: 'button', 'data-testid': 'members-prev', disabled: r.offset <= 0,
          onclick: page(Math.max(0, r.offset - perPage), 'members-prev')}, 'Previous'),
        h('span', {'data-testid': 'members-range'}, ` ${num(r.total ? r.offset + 1 : 0)}–${num(last)} of ${num(r.total)} `),
        h('button', {type: 'button', 'data-testid': 'members-next', disabled: last >= r.total,
          onclick: page(r.offset + perPage, 'members-next')}, 'Next'),
        h('label', {for: 'members-per-page'}, 'Per page'),
        h('select', {id: 'members-per-page', 'data-testid': 'members-per-page', onchange: resize},
          PAGE_SIZES.map((n) => h('option', {value: n, selected: n === perPage}, n)))));
    // Keyboard paging: the focus stays on the control used while it can be used.
    const again = focus && $('members').querySelector(`[data-testid=${focus}]`);
    if (again && !again.disabled) again.focus();
  }

  async function viewCampaign(gen, id) {
    // The case file and the first page of members are asked for together.
    const [html, members] = await Promise.all([
      api('GET', `/v1/console/campaigns/${encodeURIComponent(id)}/case.html`), fetchMembers(id, 0)]);
    if (gen !== generation) return;
    for (const u of blobUrls) URL.revokeObjectURL(u);
    const blob = (parts) => URL.createObjectURL(new Blob(parts, {type: 'text/html;charset=utf-8'}));
    // The case file's own navigation (links to index.html) has no target
    // here: hidden in the frame, kept in the download.
    const head = html.indexOf('</head>');
    const download = blob([html]);
    const framed = blob(head < 0 ? [html] : [html.slice(0, head), '<style>.noprint{display:none}</style>', html.slice(head)]);
    blobUrls = [download, framed];
    // The frame loads a blob: URL rather than a multi-megabyte srcdoc
    // attribute: its load event came sooner at the median, by less than the
    // spread on a loaded machine (bench/RESULTS.md, "Case files"). The blob document keeps this page's
    // CSP (scripts: the case file's sorting script by its hash, hence
    // frame-src blob: in serve's policy); sandbox without allow-same-origin
    // gives it an opaque origin, away from this page and its token.
    $('view').replaceChildren(
      h('p', {class: 'noprint'}, h('a', {href: '#/'}, '← Campaigns')),
      h('h1', {}, `Campaign ${id}`),
      h('p', {class: 'noprint'}, h('a', {href: download, download: `${id}.html`, 'data-testid': 'case-download'}, 'Download the case file'),
        ' (self-contained HTML, to print or to attach to a report)'),
      h('iframe', {sandbox: 'allow-scripts', src: framed, title: `Case file of campaign ${id}`, 'data-testid': 'case-frame', class: 'case'}),
      h('section', {id: 'members', 'data-testid': 'members'}, h('p', {}, 'Loading members…')));
    await renderMembers(id, 0, gen, members);
  }

  function decisionRow(d, reasonInput) {
    const act = (label, verb, extra) => h('button', {
      type: 'button', 'data-testid': 'action-' + verb, 'data-decision': d.id,
      onclick: () => acting(() => runAction(d, verb, extra ? {duration: extra.value.trim()} : {}, reasonInput.value.trim())),
    }, label);
    const extendBy = h('input', {type: 'text', value: '7d', size: 4, 'aria-label': `Extend decision ${d.id} by`, 'data-testid': 'extend-duration'});
    const liftFor = h('input', {type: 'text', value: '30d', size: 4, 'aria-label': `Monitor for (lift of decision ${d.id})`, 'data-testid': 'lift-duration'});
    const throttle = d.throttle ? ` (${Object.entries(d.throttle).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
    return h('tr', {'data-testid': 'decision-row', 'data-id': d.id, 'data-active': d.active ? 'true' : 'false', 'data-origin': d.origin, class: d.active ? 'active' : 'ended'},
      h('td', {class: 'num'}, d.id),
      h('td', {}, d.type + throttle, d.simulated ? h('span', {class: 'tag'}, ' shadow') : null),
      h('td', {}, d.origin),
      h('td', {}, d.active ? 'active' : h('span', {}, 'ended ', time(d.ended))),
      h('td', {}, time(d.start)),
      h('td', {}, d.until ? time(d.until) : 'open-ended'),
      h('td', {class: 'reason'}, d.reason || ''),
      h('td', {class: 'actions noprint'}, d.active ? h('div', {},
        act('Confirm', 'confirm'),
        act('Move to shadow', 'shadow'),
        act('Delete', 'delete'),
        h('span', {class: 'group'}, extendBy, act('Extend', 'extend', extendBy)),
        h('span', {class: 'group'}, liftFor, act('Lift', 'lift', liftFor))) : ''));
  }

  async function runAction(d, verb, body, reason) {
    if (reason) body.reason = reason;
    if (verb === 'delete' && !window.confirm(`Delete decision ${d.id} (${d.type} on ${d.value})? Nothing replaces it.`)) return;
    const r = verb === 'delete'
      ? await api('DELETE', `/v1/decisions/${d.id}`)
      : await api('POST', `/v1/decisions/${d.id}/${verb}`, body);
    // {"ended": OLD, "id": NEW or null}; a plain delete replaces nothing.
    const replaced = verb !== 'delete' && r && r.id !== null && r.id !== undefined ? `now decision ${r.id}` : 'nothing replaces it';
    await route(true);
    showStatus(`${verb}: decision ${d.id} ended, ${replaced}.`);
  }

  function addDecisionForm(account) {
    const f = (name, attrs) => h('input', Object.assign({id: 'add-' + name, name, 'data-testid': 'add-' + name}, attrs));
    const action = h('select', {id: 'add-action', name: 'action', 'data-testid': 'add-action'}, ACTIONS.map((a) => h('option', {value: a}, a)));
    const limits = h('fieldset', {id: 'add-throttle', hidden: true},
      h('legend', {}, 'Throttle (requests and/or tokens per window)'),
      h('label', {for: 'add-requests'}, 'Requests'), f('requests', {type: 'number', min: 0, value: '100'}),
      h('label', {for: 'add-tokens'}, 'Tokens'), f('tokens', {type: 'number', min: 0, value: '0'}),
      h('label', {for: 'add-window'}, 'Window'), f('window', {type: 'text', value: '1h', size: 5}));
    action.addEventListener('change', () => { limits.hidden = action.value !== 'throttle'; });
    const form = h('form', {id: 'add-form', 'data-testid': 'add-form', class: 'noprint'},
      h('h2', {}, 'Add a manual decision'),
      h('label', {for: 'add-action'}, 'Action'), action,
      h('label', {for: 'add-duration'}, 'Duration'), f('duration', {type: 'text', value: '24h', size: 6, placeholder: 'empty: until lifted'}),
      h('label', {for: 'add-reason'}, 'Reason'), f('reason', {type: 'text', size: 40}),
      limits,
      h('button', {type: 'submit', 'data-testid': 'add-submit'}, 'Add decision'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      acting(async () => {
        const body = {account, action: action.value};
        const duration = $('add-duration').value.trim();
        const reason = $('add-reason').value.trim();
        if (duration) body.duration = duration;
        if (reason) body.reason = reason;
        if (action.value === 'throttle') {
          body.throttle = {requests: Number($('add-requests').value), tokens: Number($('add-tokens').value), window: $('add-window').value.trim()};
        }
        const r = await api('POST', '/v1/decisions', body);
        await route(true);
        showStatus(`Added decision ${r.id}: ${body.action} on ${account}.`);
      });
    });
    return form;
  }

  async function viewAccount(gen, id) {
    const r = await api('GET', `/v1/console/accounts/${encodeURIComponent(id)}`);
    if (gen !== generation) return;
    const a = r.account;
    const facts = a ? h('dl', {class: 'facts', 'data-testid': 'account-facts'},
      h('dt', {}, 'Verdict'), h('dd', {'data-testid': 'account-verdict'}, h('span', {class: 'verdict ' + a.verdict}, a.verdict)),
      h('dt', {}, 'Score'), h('dd', {'data-testid': 'account-score'}, score(a.score)),
      h('dt', {}, 'Campaign'), h('dd', {}, a.campaign ? h('a', {href: campaignHref(a.campaign), 'data-testid': 'account-campaign'}, a.campaign) : '—'),
      h('dt', {}, 'Requests'), h('dd', {}, num(a.requests)),
      h('dt', {}, 'First seen'), h('dd', {}, time(a.first_seen)),
      h('dt', {}, 'Last seen'), h('dd', {}, time(a.last_seen)))
      : h('p', {'data-testid': 'account-unseen'}, 'The last detection run did not see this account; only its decisions are known.');
    const reasons = a && a.reasons && a.reasons.length
      ? h('ol', {'data-testid': 'account-reasons'}, a.reasons.map((x) => h('li', {}, x))) : h('p', {}, 'None.');
    const features = a && a.features
      ? table('account-features', ['Feature', 'Value'], Object.entries(a.features).map(([k, v]) =>
        h('tr', {}, h('td', {}, k), h('td', {class: 'num'}, typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)))))
      : h('p', {}, 'None.');
    const links = r.links.length
      ? table('account-links', ['Linked account', 'Weight', 'Channels (evidence by channel)'], r.links.map((l) =>
        h('tr', {'data-testid': 'link-row'},
          h('td', {}, h('a', {href: accountHref(l.other)}, l.other)),
          h('td', {class: 'num'}, Number(l.weight).toFixed(2)),
          h('td', {}, Object.entries(l.channels).sort((x, y) => y[1] - x[1]).map(([c, s]) => `${c} ${Number(s).toFixed(2)}`).join(', ')))))
      : h('p', {'data-testid': 'no-links'}, 'No link joined this account to another.');
    const reasonInput = h('input', {id: 'action-reason', type: 'text', size: 50, 'data-testid': 'action-reason', placeholder: 'default: the action and the old reason'});
    const decisions = r.decisions.length
      ? table('decisions-table', ['Id', 'Action', 'Origin', 'State', 'Start', 'Until', 'Reason', 'Act'], r.decisions.map((d) => decisionRow(d, reasonInput)))
      : h('p', {'data-testid': 'no-decisions'}, 'No decision.');
    $('view').replaceChildren(
      h('h1', {}, 'Account ', h('span', {'data-testid': 'account-id'}, r['user.id'])),
      facts,
      h('div', {class: 'columns'},
        h('section', {}, h('h2', {}, 'Reasons'), reasons),
        h('section', {}, h('h2', {}, 'Features'), features)),
      h('section', {}, h('h2', {}, 'Links'), links),
      h('section', {},
        h('h2', {}, 'Decisions'),
        h('p', {class: 'noprint'}, h('label', {for: 'action-reason'}, 'Reason for an action (optional) '), reasonInput),
        decisions),
      addDecisionForm(r['user.id']));
  }

  // ---- routing ------------------------------------------------------------

  // #/ campaigns, #/campaign/ID, #/account/ID (IDs percent-encoded).
  // A new route starts from an empty view at the top; a refresh after an
  // action keeps what is shown (and the scroll position) until the answer.
  async function route(refresh) {
    const gen = ++generation;
    if (!sessionStorage.getItem(TOKEN_KEY)) { signOut(''); return; }
    $('signin').hidden = true;
    $('top').hidden = false;
    showError('');
    showStatus('');
    if (refresh !== true) {
      $('view').replaceChildren(h('p', {class: 'muted loading'}, 'Loading…'));
      window.scrollTo(0, 0);
    }
    const m = location.hash.match(/^#\/(campaign|account)\/(.+)$/);
    await guarded(async () => {
      if (m && m[1] === 'campaign') await viewCampaign(gen, decodeURIComponent(m[2]));
      else if (m) await viewAccount(gen, decodeURIComponent(m[2]));
      else await viewCampaigns(gen);
    });
    // A failed view leaves its error, not "Loading…".
    if (gen === generation && $('view').querySelector(':scope > .loading')) $('view').replaceChildren();
    if (gen === generation) document.title = `hydrawatch console${m ? ' · ' + decodeURIComponent(m[2]) : ''}`;
  }

  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signOut('Signed out.'));
  $('lookup').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = $('lookup-id').value.trim();
    if (id) location.hash = accountHref(id);
  });
  window.addEventListener('hashchange', () => route());
  route();
})();
