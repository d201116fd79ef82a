// Load time of a case file page in Debian's headless Chromium (issue 5:
// "a 25,000-account campaign page loads in under 2 s"), against a floor
// measured in the same run: a plain page holding the same table rows (the
// same cells and text) with no style, no SVG and no script.
//
//   node bench/casefile_load.mjs --page RESULT/cases/C001.html [--runs 5]
//       [--hydrawatch BIN --events EVENTS --accounts REGISTRY --campaign C001
//        [--baseline OTHER_BIN]]
//
// Each run opens the case page and the floor in turn in a new tab over
// file:// and reads the Navigation and Paint Timing entries: navigation
// start to the load event's end, and to first paint. With --hydrawatch, the
// events are also served (`hydrawatch serve`, POST /v1/events) and the
// console's campaign page is timed: from the route change to the members
// table shown and to the case file frame's load event. With --baseline, a
// second build (say the commit before a change) serves the same events too
// and the two consoles are timed in alternation, in the same session. Prints
// best and median of the runs as Markdown tables. A benchmark, not a test: it
// never fails on a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {Serve, launch, loadChromium} from '../tests/e2e/lib.mjs';

const opt = {runs: 5};
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!opt.page) throw new Error('usage: node bench/casefile_load.mjs --page CASE.html [--runs N]');

const html = fs.readFileSync(opt.page, 'utf8');
const rows = html.match(/<tr\b[\s\S]*?<\/tr>/g) || [];
const floorFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hw-casefile-floor-')), 'floor.html');
fs.writeFileSync(floorFile, `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><table>\n${rows.join('\n')}\n</table></body></html>\n`);
const count = (re, s) => (s.match(re) || []).length;

const chromium = await loadChromium();
const browser = await launch(chromium);

async function measure(file) {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(file).href, {waitUntil: 'load', timeout: 300000});
  const t = await page.evaluate(() => new Promise((resolve) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const done = () => {
      const fp = performance.getEntriesByName('first-paint')[0] || performance.getEntriesByName('first-contentful-paint')[0];
      resolve({load: nav.loadEventEnd - nav.startTime, paint: fp ? fp.startTime : NaN});
    };
    // loadEventEnd is set once the load handlers returned; paint entries may lag a frame.
    const wait = (n) => (nav.loadEventEnd > 0 && (performance.getEntriesByType('paint').length || n === 0) ? done() : setTimeout(() => wait(n - 1), 20));
    wait(100);
  }));
  const svgs = await page.locator('svg').count();
  await page.close();
  return Object.assign(t, {svgs});
}

const results = {case: [], floor: []};
for (let i = 0; i < Number(opt.runs); i++) {
  results.case.push(await measure(opt.page));
  results.floor.push(await measure(floorFile));
}
fs.rmSync(path.dirname(floorFile), {recursive: true, force: true});

// The console's campaign page, through a real server per build; the builds'
// runs alternate so that they share the machine's load.
async function startConsole(bin) {
  const serve = new Serve({hydrawatch: bin, work: fs.mkdtempSync(path.join(os.tmpdir(), 'hw-console-load-'))});
  await serve.start(opt.accounts);
  const t0 = Date.now();
  await serve.ingest(opt.events);
  const summary = await serve.settledSummary();
  console.log(`${bin}: ${summary.accounts} accounts, ${summary.campaigns} campaigns after ${summary.detection_runs} detection runs, ${((Date.now() - t0) / 1000).toFixed(0)} s to ingest and settle`);
  const page = await browser.context.newPage();
  await page.goto(`${serve.base}/console/`);
  await page.getByLabel('Admin token').fill(serve.admin);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('campaigns-table').waitFor();
  return {bin, serve, page, runs: [], frame: ''};
}

async function timeConsole(c) {
  const {page} = c;
  await page.bringToFront();
  await page.evaluate(() => { location.hash = '#/'; });
  await page.getByTestId('campaigns-table').waitFor();
  const t = await page.evaluate((id) => new Promise((resolve) => {
    const t = {start: performance.now()};
    const done = () => { if (t.members && t.frame) { observer.disconnect(); resolve({members: t.members - t.start, frame: t.frame - t.start, how: t.how}); } };
    // The frame's load listener is added as soon as the frame is inserted, before it can load.
    const observer = new MutationObserver(() => {
      const f = document.querySelector('[data-testid=case-frame]');
      if (f && !f.dataset.timed) {
        f.dataset.timed = '1';
        t.how = f.hasAttribute('srcdoc') ? 'srcdoc' : (f.getAttribute('src') || '').split(':')[0] + ': URL';
        f.addEventListener('load', () => { t.frame = performance.now(); done(); });
      }
      if (!t.members && document.querySelector('[data-testid=member-row]')) { t.members = performance.now(); done(); }
    });
    observer.observe(document.getElementById('view'), {childList: true, subtree: true});
    location.hash = '#/campaign/' + encodeURIComponent(id);
  }), opt.campaign || 'C001');
  c.frame = t.how;
  c.runs.push(t);
}

async function measureConsoles() {
  const consoles = [];
  try {
    for (const bin of [opt.hydrawatch, opt.baseline].filter(Boolean)) consoles.push(await startConsole(bin));
    // Which build goes first alternates too.
    for (let i = 0; i < Number(opt.runs); i++) {
      for (const c of i % 2 ? [...consoles].reverse() : consoles) await timeConsole(c);
    }
    return consoles;
  } finally {
    for (const c of consoles) {
      await c.serve.stop();
      fs.rmSync(c.serve.work, {recursive: true, force: true});
    }
  }
}
const consoles = opt.hydrawatch ? await measureConsoles() : null;
await browser.close();

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return {best: s[0], median: s[Math.floor((s.length - 1) / 2)]};
};
const ms = (x) => `${Math.round(x)} ms`;
console.log(`${path.basename(opt.page)}: ${(html.length / 1e6).toFixed(1)} MB, ${rows.length} table rows, ${count(/<td\b/g, html)} cells, ${results.case[0].svgs} SVG charts; ${opt.runs} runs, Chromium headless, 1280x800\n`);
console.log('| page | load event, best | median | first paint, best | median |');
console.log('|---|---|---|---|---|');
for (const [name, runs] of Object.entries(results)) {
  const l = stat(runs.map((r) => r.load)), p = stat(runs.map((r) => r.paint));
  console.log(`| ${name === 'case' ? 'case file' : 'floor (same rows, no style, SVG or script)'} | ${ms(l.best)} | ${ms(l.median)} | ${ms(p.best)} | ${ms(p.median)} |`);
}
const ratio = stat(results.case.map((r) => r.load)).median / stat(results.floor.map((r) => r.load)).median;
console.log(`\ncase file / floor (median load): ${ratio.toFixed(2)}`);
if (consoles) {
  console.log(`\nconsole campaign page (#/campaign/${opt.campaign || 'C001'}, case file in its sandboxed frame, first 100 members), ${opt.runs} runs${consoles.length > 1 ? ' each, alternating' : ''}:\n`);
  console.log('| console | frame | members table shown, best | median | case file frame loaded, best | median |');
  console.log('|---|---|---|---|---|---|');
  for (const c of consoles) {
    const m = stat(c.runs.map((r) => r.members)), f = stat(c.runs.map((r) => r.frame));
    console.log(`| ${c.bin === opt.baseline ? 'baseline ' : ''}${c.bin} | ${c.frame} | ${ms(m.best)} | ${ms(m.median)} | ${ms(f.best)} | ${ms(f.median)} |`);
  }
}
