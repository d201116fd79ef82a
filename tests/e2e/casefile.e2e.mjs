// End-to-end test of the case files (docs/FORMAT.md, "DIR/cases/") in Debian's headless Chromium.
//
//   node tests/e2e/casefile.e2e.mjs --hydrawatch build/release/src/cli/hydrawatch [--artifacts DIR]
//
// Simulates `small`, runs `hydrawatch analyze` (which writes RESULT/cases/)
// and opens index.html and every campaign page over file://: each must load
// with no console error, uncaught exception or failed request, ask for
// nothing but file: and data: URLs, draw its SVG charts, and sort its
// accounts table on a click (the page's one script). The index must link
// every campaign page. Screenshots of the index and the top campaign go to
// --artifacts (env HW_E2E_ARTIFACTS).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {launch, loadChromium, parseArgs, run, runTest, screenshot, step, watch} from './lib.mjs';

const args = parseArgs({});
const chromium = await loadChromium();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-casefile-e2e-'));
let browser = null;

async function main() {
  step('simulating small and analyzing');
  run(args.hydrawatch, ['simulate', '--scenario', 'small', '--out', path.join(work, 'sim')]);
  run(args.hydrawatch, ['analyze', path.join(work, 'sim', 'events.jsonl'), '--accounts', path.join(work, 'sim', 'accounts.jsonl'),
    '--out', path.join(work, 'result')]);
  const cases = path.join(work, 'result', 'cases');
  const campaigns = JSON.parse(fs.readFileSync(path.join(work, 'result', 'campaigns.json'), 'utf8')).campaigns;
  assert.ok(campaigns.length >= 2, `analyze found campaigns (${campaigns.length})`);

  browser = await launch(chromium);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20000);
  const problems = watch(page);
  const foreign = [];
  page.on('request', (r) => { if (!/^(file|data):/.test(r.url())) foreign.push(r.url()); });
  const clean = (where) => {
    assert.deepEqual(foreign.splice(0), [], `requests to anything but file: or data: in ${where}`);
    assert.deepEqual(problems.splice(0), [], `page problems in ${where}`);
  };

  step('index.html');
  await page.goto(pathToFileURL(path.join(cases, 'index.html')).href, {waitUntil: 'load'});
  const links = await page.locator('table a[href$=".html"]').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.deepEqual(links.map(([id]) => id), campaigns.map((c) => c.id), 'the index lists every campaign by score');
  await screenshot(page, args, 'casefile-index', {fullPage: true});
  clean('index.html');

  for (const [i, [id, href]] of links.entries()) {
    // The top campaign is reached through the index link, the others directly.
    if (i === 0) await Promise.all([page.waitForEvent('load'), page.locator(`table a[href="${href}"]`).click()]);
    else await page.goto(pathToFileURL(path.join(cases, href)).href, {waitUntil: 'load'});
    await page.locator('h1').filter({hasText: id}).waitFor();
    const charts = await page.locator('svg').count();
    assert.ok(charts >= 5, `${href}: ${charts} SVG charts`);
    const boxes = await page.locator('svg').evaluateAll((ss) => ss.filter((s) => s.getBoundingClientRect().width > 0).length);
    assert.equal(boxes, charts, `${href}: every chart is laid out`);
    const th = page.locator('table.sortable th').filter({hasText: /^requests$/i}).first();
    await th.click();
    assert.equal(await th.getAttribute('aria-sort'), 'ascending', `${href}: the accounts table sorts`);
    const requests = await page.locator('table.sortable tbody tr').evaluateAll((trs, col) => trs.map((tr) => Number(tr.cells[col].textContent.replace(/,/g, ''))),
      await th.evaluate((e) => e.cellIndex));
    assert.deepEqual(requests, [...requests].sort((a, b) => a - b), `${href}: sorted by requests`);
    if (i === 0) await screenshot(page, args, `casefile-${id}`, {fullPage: true});
    clean(href);
  }
  step(`${links.length} campaign pages checked`);
}

await runTest('casefile e2e', main, async () => {
  if (browser) await browser.close();
  fs.rmSync(work, {recursive: true, force: true});
});
