// End-to-end test of the analyst console (docs/CONSOLE.md) in Debian's headless Chromium.
//
//   node tests/e2e/console.e2e.mjs --hydrawatch build/release/src/cli/hydrawatch [--artifacts DIR]
//
// Simulates `small`, serves it (POST /v1/events in 1 MiB batches) and, once
// detection has run, checks that every console data endpoint and every
// decision action answers 401 without a token and 403 with a bouncer key or
// a wrong token and changes nothing; then drives the console: sign-in
// (refused token, then the admin token), campaigns by score, the top
// campaign's case file (a sandboxed blob: frame under the console's CSP)
// and members, an attack member's account page, the decision actions
// (confirm, extend, move to shadow, lift, add, delete), each checked through
// the API, paging through the biggest campaign's members, and sign-out. Any console error, uncaught
// exception, failed request or HTTP error answer the test did not provoke
// fails it. Screenshots go to --artifacts (env HW_E2E_ARTIFACTS).
//
// --url URL --token T --key K --labels FILE drive an already running server
// instead (no simulate, serve or ingest).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Serve, launch, loadChromium, parseArgs, run, runTest, screenshot, step, watch} from './lib.mjs';

const args = parseArgs({});
const chromium = await loadChromium();
const DAY = 86400e3;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-console-e2e-'));
let browser = null;
let problems = [];       // the page's errors not yet checked, printed on failure
const serve = new Serve({hydrawatch: args.hydrawatch, work, url: args.url, token: args.token, key: args.key});
const {admin, bouncer} = serve;
const call = (...a) => serve.call(...a);
const get = (p) => serve.get(p);

// ---- checks through the API -----------------------------------------------

// Every console data endpoint and every action, without the admin token:
// 401 without credentials, 403 with the bouncer key (as X-Api-Key or as a
// Bearer token) or a wrong token, an {"error"} body each time, and nothing
// changed afterwards.
async function checkRefusals(campaign, account, decisionId) {
  const snapshot = async () => JSON.stringify([
    await get('/v1/decisions'), await get(`/v1/console/accounts/${encodeURIComponent(account)}`),
    (({watermark, detection_runs, decisions_active}) => [watermark, detection_runs, decisions_active])(await get('/v1/console/summary'))]);
  const before = await snapshot();
  const c = encodeURIComponent(campaign), a = encodeURIComponent(account);
  const requests = [
    ['GET', '/v1/console/summary'],
    ['GET', '/v1/console/campaigns'],
    ['GET', `/v1/console/campaigns/${c}/case.html`],
    ['GET', `/v1/console/campaigns/${c}/accounts?offset=0&limit=10`],
    ['GET', `/v1/console/accounts/${a}`],
    ['POST', `/v1/decisions/${decisionId}/confirm`, {}],
    ['POST', `/v1/decisions/${decisionId}/extend`, {duration: '7d'}],
    ['POST', `/v1/decisions/${decisionId}/shadow`, {}],
    ['POST', `/v1/decisions/${decisionId}/lift`, {duration: '30d'}],
    ['DELETE', `/v1/decisions/${decisionId}`],
    ['POST', '/v1/decisions', {account, action: 'suspend', duration: '1h', reason: 'must be refused'}],
  ];
  // Ingest is not a console endpoint (docs/SERVE.md): it answers a bouncer
  // key without Authorization 401, not 403. Refused either way.
  const ingest = ['POST', '/v1/events', `{"time":"2030-01-01T00:00:00Z","user.id":"${account}"}\n`, true];
  const credentials = [
    ['no credentials', 'none', 401],
    ['the bouncer key', {'X-Api-Key': bouncer}, 403],
    ['the bouncer key as a Bearer token', {Authorization: `Bearer ${bouncer}`}, 403],
    ['a wrong token', {Authorization: `Bearer ${admin}x`}, 403],
  ];
  let n = 0;
  for (const [method, p, body, raw] of [...requests, ingest]) {
    for (const [what, auth, want] of credentials) {
      const r = await call(method, p, {auth: typeof auth === 'string' ? auth : Object.assign({}, auth), body, raw});
      const ok = p === ingest[1] && want === 403 ? [401, 403] : [want];
      assert.ok(ok.includes(r.status), `${method} ${p} with ${what}: ${r.status} (want ${ok.join(' or ')}) ${r.text.slice(0, 200)}`);
      assert.equal(typeof r.json?.error, 'string', `${method} ${p} with ${what}: body ${r.text.slice(0, 200)} is not {"error": ...}`);
      n++;
    }
  }
  assert.equal(await snapshot(), before, 'refused requests changed decisions or the summary');
  return n;
}

// The console's pages hold no data: served without a token, under a CSP
// that allows scripts from the console only.
async function checkAssets() {
  for (const [p, type] of [['/console/', 'text/html'], ['/console/app.js', 'javascript'], ['/console/app.css', 'text/css']]) {
    const r = await call('GET', p, {auth: 'none'});
    assert.equal(r.status, 200, `GET ${p} without a token: ${r.status}`);
    assert.match(r.headers.get('content-type') || '', new RegExp(type), `GET ${p}: Content-Type`);
    if (p === '/console/') {
      const csp = r.headers.get('content-security-policy') || '';
      const scripts = (csp.match(/script-src([^;]*)/) || [])[1] || '';
      assert.match(scripts, /'self'/, `CSP script-src allows the console's script: ${csp}`);
      assert.doesNotMatch(scripts, /unsafe-inline|unsafe-eval/, `CSP script-src: ${csp}`);
      assert.doesNotMatch(r.text, /<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=/i, 'index.html has no inline script or handler');
    }
  }
}

const accountApi = (id) => get(`/v1/console/accounts/${encodeURIComponent(id)}`);
const byId = (acc, id) => acc.decisions.find((d) => d.id === id);

// After an action on `old`: the old decision ended and, unless `none`, the
// new one (id from the answer the console showed) is active and manual.
async function checkReplaced(accountId, old, newId) {
  const acc = await accountApi(accountId);
  const o = byId(acc, old.id);
  assert.ok(o && !o.active && o.ended, `decision ${old.id} ended: ${JSON.stringify(o)}`);
  const inForce = await get(`/v1/decisions?scope=account&value=${encodeURIComponent(accountId)}`);
  assert.ok(!inForce.some((d) => d.id === old.id), `decision ${old.id} left the decisions in force`);
  if (newId === null) return null;
  const n = byId(acc, newId);
  assert.ok(n && n.active && n.origin === 'manual', `decision ${newId} active and manual: ${JSON.stringify(n)}`);
  // The decisions API lists it in force too (simulated ones are recorded, not enforced).
  if (!n.simulated) assert.ok(inForce.some((d) => d.id === newId && d.origin === 'manual'), `decision ${newId} in force`);
  return n;
}

const plus = (t, ms) => new Date(Date.parse(t) + ms).toISOString().replace('.000Z', 'Z');
const sameTime = (a, b) => (a === null ? b === null : Date.parse(a) === Date.parse(b));

// The members' pager of the campaign page shown, checked against `all`, the
// campaign's member ids in the API's order. `act(work)` does something that
// shows another page and waits until the members section is redrawn;
// `expectAt(offset, per, via)` checks that it shows exactly the API's
// members offset+1... (no gap, no duplicate), its range and the total, the
// page size chosen, Previous disabled on the first page only and Next on the
// last only, and the focus kept on the control used. Returns the ids shown.
function pager(page, all) {
  const members = page.getByTestId('members');
  const state = () => members.evaluate((s) => ({
    ids: [...s.querySelectorAll('[data-testid=member-row] td:first-child a')].map((a) => a.textContent),
    rowIds: [...s.querySelectorAll('[data-testid=member-row]')].map((tr) => tr.dataset.id),
    range: s.querySelector('[data-testid=members-range]').textContent.trim(),
    heading: s.querySelector('h2').textContent,
    prev: s.querySelector('[data-testid=members-prev]').disabled,
    next: s.querySelector('[data-testid=members-next]').disabled,
    per: s.querySelector('[data-testid=members-per-page]').value,
    focus: document.activeElement?.dataset?.testid || null,
  }));
  const n = (x) => x.toLocaleString('en-US');
  return {
    async act(work) {
      // The section is redrawn as a whole: wait for a new table.
      await members.evaluate((s) => { s.querySelector('[data-testid=members-table]').hwShown = true; });
      await work();
      await page.waitForFunction(() => document.querySelector('[data-testid=members-table]')?.hwShown === undefined);
    },
    async expectAt(offset, per, via, focus) {
      const s = await state();
      const to = Math.min(offset + per, all.length);
      const where = `members ${offset + 1}-${to} of ${all.length}, ${per} a page (after ${via})`;
      assert.deepEqual(s.ids, all.slice(offset, to), `${where}: the API's members at that offset, in order`);
      assert.deepEqual(s.rowIds, s.ids, `${where}: rows keyed by the account shown`);
      assert.equal(s.range, `${n(offset + 1)}–${n(to)} of ${n(all.length)}`, `${where}: range`);
      assert.equal(s.heading, `Members (${n(all.length)})`, `${where}: total`);
      assert.equal(s.per, String(per), `${where}: page size shown`);
      assert.equal(s.prev, offset === 0, `${where}: Previous disabled on the first page only`);
      assert.equal(s.next, to === all.length, `${where}: Next disabled on the last page only`);
      // Keyboard paging: the focus stays on the control used while it is enabled.
      if (focus && !s[focus === 'members-prev' ? 'prev' : focus === 'members-next' ? 'next' : 'none']) {
        assert.equal(s.focus, focus, `${where}: focus`);
      }
      return s.ids;
    },
  };
}

// ---- the browser ------------------------------------------------------------

async function main() {
  let labels;
  if (!args.url) {
    step('simulating small');
    run(args.hydrawatch, ['simulate', '--scenario', 'small', '--out', path.join(work, 'sim')]);
    await serve.start(path.join(work, 'sim', 'accounts.jsonl'));
    step(`serve on ${serve.base}; posting events`);
    const t = await serve.ingest(path.join(work, 'sim', 'events.jsonl'));
    step(`ingested ${t.accepted} events (${t.duplicates} duplicates) in ${t.batches} batches, ${t.busy} busy answers`);
    labels = path.join(work, 'sim', 'labels.jsonl');
  } else {
    labels = args.labels;
  }
  const label = new Map(fs.readFileSync(labels, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((l) => [l['user.id'], l.label]));

  const summary = await serve.settledSummary();
  step(`detection: ${summary.detection_runs} runs, ${summary.campaigns} campaigns, ${summary.attack_campaigns} attack (${summary.attack_accounts} accounts), ${summary.decisions_active} decisions`);
  const list = await get('/v1/console/campaigns');
  const attacks = list.campaigns.filter((c) => c.verdict === 'attack');
  assert.ok(attacks.length >= 1 && attacks.length === summary.attack_campaigns, `attack campaigns: ${attacks.length} vs summary ${summary.attack_campaigns}`);
  const top = list.campaigns[0];
  const members = (await get(`/v1/console/campaigns/${encodeURIComponent(top.id)}/accounts?offset=0&limit=1000`)).accounts;
  // Members on the console's first page whose decision in force is the engine's.
  const engineDecided = members.slice(0, 100).filter((m) => m.decision && m.decision.origin === 'engine' && !m.decision.simulated);
  assert.ok(engineDecided.length >= 3, `the engine decided on at least 3 members of ${top.id} (${engineDecided.length})`);
  const [memberA, memberB, memberC] = engineDecided;

  step('static assets and refusals');
  await checkAssets();
  const refused = await checkRefusals(top.id, memberC['user.id'], memberC.decision.id);
  step(`${refused} requests without the admin token refused (401/403), nothing changed`);

  const b = await launch(chromium);
  browser = b;
  const page = await b.context.newPage();
  page.setDefaultTimeout(20000);
  let refusing = false;   // true while the test provokes a 403 on purpose
  problems = watch(page, (t) => refusing && /\b403\b/.test(t));
  const shot = (name, opts) => screenshot(page, args, `console-${name}`, opts);
  const see = (testid) => page.getByTestId(testid).waitFor({state: 'visible'});
  const clean = (where) => assert.deepEqual(problems.splice(0), [], `page problems ${where}`);
  // An API error the test provokes: shown in the page's error banner; the
  // answer (and Chromium's "Failed to load resource" line) is the only problem.
  const expectError = async (code, text, work) => {
    const from = problems.length;
    await work();
    await page.getByTestId('error').filter({hasText: `${code}`}).filter({hasText: text}).waitFor();
    const other = problems.splice(from).filter((p) => !new RegExp(`\\b${code}\\b`).test(p));
    assert.deepEqual(other, [], `only the ${code}`);
  };
  const statusAfter = async (click) => {
    await page.evaluate(() => { document.getElementById('status').hidden = true; });
    await click();
    await see('status');
    return page.getByTestId('status').textContent();
  };

  step('sign-in');
  await page.goto(`${serve.base}/console/`);
  await see('signin');
  assert.ok(await page.locator('#top').isHidden(), 'no navigation before sign-in');
  await shot('01-signin');
  refusing = true;
  for (const wrong of [admin + 'x', bouncer]) {
    await page.getByLabel('Admin token').fill(wrong);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-message').filter({hasText: '403'}).waitFor();
    assert.ok(await page.getByTestId('signin').isVisible(), 'a refused token stays on the sign-in form');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
  }
  await shot('02-signin-refused');
  refusing = false;
  await page.getByLabel('Admin token').fill(admin);
  await page.getByTestId('signin-submit').click();
  await see('campaigns-table');
  clean('at sign-in');

  step('campaigns by score');
  const rows = page.getByTestId('campaign-row');
  assert.equal(await rows.count(), list.campaigns.length, 'one row per campaign');
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({
    id: tr.dataset.id, verdict: tr.dataset.verdict, score: Number(tr.querySelector('[data-testid=campaign-score]').textContent),
  })));
  for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1].score >= shown[i].score, `sorted by score at row ${i}`);
  const firstBenign = shown.findIndex((c) => c.verdict !== 'attack');
  assert.ok(firstBenign === -1 || shown.slice(firstBenign).every((c) => c.verdict !== 'attack'), 'attack campaigns on top');
  assert.equal(shown[0].id, top.id);
  for (const c of attacks) {
    const ms = (await get(`/v1/console/campaigns/${encodeURIComponent(c.id)}/accounts?offset=0&limit=1000`)).accounts;
    const labelled = ms.filter((m) => label.get(m['user.id']) === 'attack').length;
    assert.ok(labelled >= 0.8 * ms.length, `campaign ${c.id}: ${labelled} of ${ms.length} members are simulated attackers`);
  }
  assert.match(await page.getByTestId('summary').textContent(), new RegExp(`${summary.attack_campaigns} attack campaigns`));
  await shot('03-campaigns');

  step(`campaign ${top.id}`);
  await rows.first().getByRole('link', {name: top.id}).click();
  await see('members-table');
  const frame = page.frameLocator('[data-testid=case-frame]');
  await frame.locator('h1').filter({hasText: top.id}).waitFor();
  const charts = await frame.locator('svg').count();
  assert.ok(charts >= 5, `the case file has its charts (${charts} svg)`);
  assert.equal(await page.getByTestId('member-row').count(), Math.min(100, top.accounts), 'members listed');
  assert.match(await page.getByTestId('members-range').textContent(), new RegExp(`of ${top.accounts.toLocaleString('en-US')}`));
  await shot('04-campaign', {fullPage: true});
  // The case file's own sorting script runs in the sandbox (CSP hash): sort by requests.
  await frame.locator('table.sortable th').filter({hasText: /^requests$/i}).first().click();
  await frame.locator('table.sortable th[aria-sort]').waitFor();
  // The frame is a blob: document (faster than srcdoc for big case files,
  // bench/RESULTS.md) in an opaque origin: the page cannot reach into it.
  const caseFrame = page.frames().find((f) => f.parentFrame() === page.mainFrame());
  assert.match(caseFrame?.url() || '', /^blob:/, 'the case file frame loads a blob: URL');
  assert.deepEqual(await page.getByTestId('case-frame').evaluate((f) => [f.sandbox.value, f.contentDocument]), ['allow-scripts', null],
    'the case file frame is sandboxed without allow-same-origin');
  clean(`on campaign ${top.id}`);
  // ... and it keeps the console's CSP: an inline script (not the sorting
  // script's hash) is refused there. Chromium's console line is the only problem.
  const inline = await caseFrame.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), {once: true});
    const s = document.createElement('script');
    s.textContent = 'window.hwInlineRan = true;';
    document.body.append(s);
    setTimeout(() => resolve(window.hwInlineRan ? 'ran' : 'no violation reported'), 2000);
  }));
  assert.match(inline, /^script-src/, `an inline script in the case file frame is refused by the CSP (${inline})`);
  assert.deepEqual(problems.splice(0).filter((p) => !/Content Security Policy/.test(p)), [], 'only the CSP refusal');

  step(`account ${memberA['user.id']}`);
  const A = memberA['user.id'];
  await page.locator(`[data-testid=member-row][data-id="${A}"]`).getByRole('link', {name: A}).click();
  await see('decisions-table');
  assert.equal(await page.getByTestId('account-id').textContent(), A);
  assert.equal(await page.getByTestId('account-verdict').textContent(), 'attack');
  assert.ok(await page.getByTestId('account-reasons').locator('li').count() >= 1, 'reasons listed');
  assert.ok(await page.getByTestId('link-row').count() >= 1, 'links listed');
  const apiA = await accountApi(A);
  assert.equal(await page.getByTestId('link-row').count(), apiA.links.length, 'every link listed');
  assert.ok(apiA.decisions.length >= 1 && apiA.decisions[0].active, 'active decisions first');
  await shot('05-account', {fullPage: true});
  clean(`on account ${A}`);

  const row = (id) => page.locator(`[data-testid=decision-row][data-id="${id}"]`);
  const act = async (id, verb, duration) => {
    if (duration) await row(id).getByTestId(`${verb}-duration`).fill(duration);
    const text = await statusAfter(() => row(id).getByTestId(`action-${verb}`).click());
    const m = text.match(new RegExp(`^${verb}: decision ${id} ended(?:, now decision (\\d+)|, nothing replaces it)\\.$`));
    assert.ok(m, `status after ${verb} of ${id}: ${text}`);
    return m[1] ? Number(m[1]) : null;
  };

  step('confirm');
  const d0 = byId(apiA, memberA.decision.id);
  const m1 = await checkReplaced(A, d0, await act(d0.id, 'confirm'));
  assert.equal(m1.type, d0.type, 'confirm keeps the action');
  assert.ok(sameTime(m1.until, d0.until), 'confirm keeps the end');
  assert.equal(m1.simulated, false);
  await shot('06-confirmed', {fullPage: true});

  step('a refused action shows the API error and changes nothing');
  await row(m1.id).getByTestId('extend-duration').fill('soon');
  await expectError(400, 'duration', () => row(m1.id).getByTestId('action-extend').click());
  assert.ok(byId(await accountApi(A), m1.id).active, 'a refused extend leaves the decision');
  await shot('07-refused-extend');

  step('extend');
  const m2 = await checkReplaced(A, m1, await act(m1.id, 'extend', '3d'));
  assert.equal(m2.type, m1.type, 'extend keeps the action');
  assert.ok(m1.until === null ? m2.until === null : sameTime(m2.until, plus(m1.until, 3 * DAY)), `extend by 3d: ${m1.until} -> ${m2.until}`);
  await shot('08-extended', {fullPage: true});

  step('move to shadow');
  const m3 = await checkReplaced(A, m2, await act(m2.id, 'shadow'));
  assert.equal(m3.simulated, true, 'shadow: simulated');
  assert.equal(m3.type, m2.type, 'shadow keeps the action');
  assert.ok(sameTime(m3.until, m2.until), 'shadow keeps the end');
  assert.ok(!(await get(`/v1/decisions?scope=account&value=${encodeURIComponent(A)}`)).some((d) => d.id === m3.id && !d.simulated),
    'a shadow decision is not enforced');
  await shot('09-shadowed', {fullPage: true});

  step('lift a manual decision');
  assert.equal(await checkReplaced(A, m3, await act(m3.id, 'lift', '30d')), null, 'lifting a manual decision leaves none');
  await shot('10-lifted-manual', {fullPage: true});

  step('add a manual decision, then delete it');
  await page.getByLabel('Action', {exact: true}).selectOption('verify');
  await page.getByLabel('Duration', {exact: true}).fill('2h');
  await page.getByLabel('Reason', {exact: true}).fill('e2e: manual check');
  const added = await statusAfter(() => page.getByTestId('add-submit').click());
  const addedMatch = added.match(/^Added decision (\d+): verify on /);
  assert.ok(addedMatch, `status after add: ${added}`);
  const addedId = Number(addedMatch[1]);
  const n = byId(await accountApi(A), addedId);
  assert.ok(n && n.active && n.origin === 'manual' && n.type === 'verify' && n.reason === 'e2e: manual check', `added: ${JSON.stringify(n)}`);
  assert.equal(Date.parse(n.until) - Date.parse(n.start), 2 * 3600e3, 'duration 2h');
  await shot('11-added', {fullPage: true});
  page.once('dialog', (dlg) => dlg.accept());
  assert.equal(await checkReplaced(A, n, await act(addedId, 'delete')), null, 'delete leaves none');
  await shot('12-deleted', {fullPage: true});

  step(`lift an engine decision (account ${memberB['user.id']}, through the search box)`);
  const B = memberB['user.id'];
  await page.getByTestId('lookup-input').fill(B);
  await page.getByTestId('lookup-input').press('Enter');
  await page.getByTestId('account-id').filter({hasText: B}).waitFor();
  const e0 = byId(await accountApi(B), memberB.decision.id);
  const lifted = await checkReplaced(B, e0, await act(e0.id, 'lift', '2d'));
  assert.equal(lifted.type, 'monitor', 'lifting an engine decision leaves a manual monitor');
  assert.equal(lifted.simulated, false);
  assert.equal(Date.parse(lifted.until) - Date.parse(lifted.start), 2 * DAY, 'for the duration given');
  await shot('13-lifted-engine', {fullPage: true});

  step('an unknown account shows the 404');
  await expectError(404, 'no-such-account-e2e', () => page.goto(`${serve.base}/console/#/account/no-such-account-e2e`));
  assert.equal(await page.getByTestId('account-id').count(), 0, 'the previous account is no longer shown');
  await shot('14-unknown-account');
  clean('in the account actions');

  // The biggest campaign, in pages of the console's smallest size (the
  // `small` scenario has no campaign above the default 100): Next to the
  // last page, Previous back to the first.
  const big = list.campaigns.reduce((x, y) => (y.accounts > x.accounts ? y : x));
  const per = 25;
  step(`paging through the ${big.accounts} members of ${big.id}, ${per} a page`);
  const everyone = await get(`/v1/console/campaigns/${encodeURIComponent(big.id)}/accounts?offset=0&limit=1000`);
  const all = everyone.accounts.map((m) => m['user.id']);
  assert.equal(everyone.total, big.accounts, `the members API's total for ${big.id} is the campaign list's count`);
  assert.equal(all.length, everyone.total, 'one page of 1000 holds them all');
  assert.equal(new Set(all).size, all.length, 'the API lists each member once');
  assert.ok(all.length > 2 * per, `${big.id} has more than two pages of ${per} (${all.length}): first, middle and last page`);
  await page.getByTestId('nav-campaigns').click();
  await page.locator(`[data-testid=campaign-row][data-id="${big.id}"]`).getByRole('link', {name: big.id}).click();
  await see('members-table');
  // A second campaign's frame renders too (the first one's blob: URLs are revoked by then).
  await page.frameLocator('[data-testid=case-frame]').locator('h1').filter({hasText: big.id}).waitFor();
  const pagerShown = pager(page, all);
  await pagerShown.expectAt(0, 100, 'opening the campaign: 100 a page by default');
  const perPage = (size) => pagerShown.act(() => page.getByTestId('members-per-page').selectOption(String(size)));
  const click = (testid) => pagerShown.act(() => page.getByTestId(testid).click());
  await perPage(per);
  const forward = [await pagerShown.expectAt(0, per, `choosing ${per} a page`, 'members-per-page')];
  const pages = Math.ceil(all.length / per);
  for (let k = 1; k < pages; k++) {
    await click('members-next');
    forward.push(await pagerShown.expectAt(k * per, per, 'Next', 'members-next'));
  }
  assert.deepEqual(forward.flat(), all, 'the pages going forward hold every member once, in order');
  await shot('15-members-paged');
  for (let k = pages - 2; k >= 0; k--) {
    await click('members-prev');
    await pagerShown.expectAt(k * per, per, 'Previous', 'members-prev');
  }
  // A new page size keeps the first member shown: from the third page to
  // pages of 2*per (the second one), then of 100 (the first).
  await click('members-next');
  await click('members-next');
  await pagerShown.expectAt(2 * per, per, 'Next twice', 'members-next');
  await perPage(2 * per);
  await pagerShown.expectAt(2 * per, 2 * per, `choosing ${2 * per} a page`, 'members-per-page');
  await perPage(100);
  await pagerShown.expectAt(0, 100, 'choosing 100 a page', 'members-per-page');
  clean('while paging');

  step('sign out');
  await page.getByTestId('signout').click();
  await see('signin');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the token is dropped');
  await page.goto(`${serve.base}/console/#/campaign/${encodeURIComponent(top.id)}`);
  await page.reload();
  await see('signin');
  assert.ok(await page.getByTestId('members').count() === 0, 'no data without a token');
  await shot('16-signed-out');
  clean('at sign-out');
}

await runTest('console e2e', main, async (ok) => {
  if (!ok && problems.length) console.error(`page problems not yet checked:\n  ${problems.join('\n  ')}`);
  if (browser) await browser.close();
  await serve.stop();
  if (!ok && serve.log) {
    const log = path.join(args.artifacts, 'console-serve.log');
    fs.writeFileSync(log, serve.log);
    console.error(`serve's log: ${log}`);
  }
  fs.rmSync(work, {recursive: true, force: true});
});
