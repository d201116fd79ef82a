// Shared by the end-to-end tests: arguments, Debian's Chromium through
// playwright-core, page error collection, child processes, screenshots.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

// --name value pairs; every test takes --hydrawatch BIN and --artifacts DIR
// (default: env HW_E2E_ARTIFACTS, else build/release/e2e-artifacts).
export function parseArgs(defaults) {
  const args = Object.assign({
    artifacts: process.env.HW_E2E_ARTIFACTS || path.join(HERE, '../../build/release/e2e-artifacts'),
  }, defaults);
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) fail(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.hydrawatch && !args.url) fail('usage: --hydrawatch PATH_TO_HYDRAWATCH [--artifacts DIR]');
  fs.mkdirSync(args.artifacts, {recursive: true});
  return args;
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

// The tests must fail, not skip, when the browser or playwright-core is
// missing: the bar says they pass in CI, and CI runs ./hw setup first.
export async function loadChromium() {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: run ./hw setup (installs Debian's chromium)`);
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    fail(`playwright-core not installed in tests/e2e/node_modules (${e.code || e.message}): run ./hw setup`);
  }
}

// A fresh profile per run. The background-networking flags keep Chromium
// from calling out (connections to anything but this machine are refused
// here, and would show up as failed requests).
export async function launch(chromium, viewport = {width: 1280, height: 800}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, {recursive: true, force: true});
  };
  return {context, close};
}

// Every console error, uncaught exception, failed request and HTTP error
// answer of a page (all its frames) lands in `problems`. `allow(text)`
// returning true excuses one (the test's deliberate refusals).
export function watch(page, allow = () => false) {
  const problems = [];
  const note = (text) => { if (!allow(text)) problems.push(text); };
  page.on('console', (m) => { if (m.type() === 'error') note(`console error: ${m.text()} (${m.location().url || 'page'})`); });
  page.on('pageerror', (e) => note(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => note(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
  return problems;
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, Object.assign({encoding: 'utf8', maxBuffer: 64 << 20}, opts));
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return r.stdout;
}

export async function screenshot(page, args, name, opts = {}) {
  const file = path.join(args.artifacts, name + '.png');
  await page.screenshot(Object.assign({path: file}, opts));
  console.log(`screenshot: ${file}`);
  return file;
}

// Runs a test's body; `cleanup(ok)` always runs after it (browser, server,
// files), then the outcome is printed and the process exits 0 or 1.
export async function runTest(name, body, cleanup) {
  const started = Date.now();
  let ok = false;
  try {
    await body();
    ok = true;
  } catch (e) {
    console.error(e.stack || String(e));
  } finally {
    await cleanup(ok);
  }
  console.log(`${name}: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(ok ? 0 : 1);
}

export function step(message) {
  console.log(`[${(process.uptime()).toFixed(1)}s] ${message}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');

// `hydrawatch serve` with the online engine, a fresh admin token and bouncer
// key, and its ports chosen by the kernel; or, with `url`, a server already
// running (then `token` and `key` are its credentials). Errors are thrown.
export class Serve {
  constructor({hydrawatch, work, url, token, key}) {
    Object.assign(this, {hydrawatch, work, base: url, process: null, log: ''});
    this.admin = token || crypto.randomBytes(24).toString('hex');
    this.bouncer = key || crypto.randomBytes(24).toString('hex');
  }

  async start(accounts) {
    const config = path.join(this.work, 'serve.yaml');
    fs.writeFileSync(config, [
      'version: 1',
      'listen: {check: "127.0.0.1:0", admin: "127.0.0.1:0"}',
      'threads: 2',
      `auth: {admin_tokens: ["${sha256(this.admin)}"], bouncer_keys: ["${sha256(this.bouncer)}"]}`,
      `engine: {enabled: true, accounts: "${accounts}"}`,
      '',
    ].join('\n'));
    const p = spawn(this.hydrawatch, ['serve', '--config', config], {stdio: ['ignore', 'ignore', 'pipe']});
    this.process = p;
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d) => { this.log += d; });
    const exited = new Promise((resolve) => p.on('exit', (code, sig) => resolve(`serve exited ${code ?? sig}`)));
    // Ports are 0: the "listening" log line names the ones the kernel gave.
    for (let i = 0; i < 200; i++) {
      const m = this.log.match(/admin \S+ \(port (\d+)\)/);
      if (m) return (this.base = `http://127.0.0.1:${m[1]}`);
      const r = await Promise.race([exited, sleep(100)]);
      if (r) throw new Error(`${r}:\n${this.log}`);
    }
    throw new Error(`serve did not log its ports in 20 s:\n${this.log}`);
  }

  // SIGTERM (graceful), SIGKILL after 10 s.
  async stop() {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((resolve) => p.on('exit', resolve));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  }

  // One request; `auth`: 'admin' (default), 'none', or a headers object.
  async call(method, p, {auth = 'admin', body, raw} = {}) {
    const headers = auth === 'admin' ? {Authorization: `Bearer ${this.admin}`} : auth === 'none' ? {} : {...auth};
    if (body !== undefined) headers['Content-Type'] = raw ? 'application/x-ndjson' : 'application/json';
    const res = await fetch(this.base + p, {method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body)});
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return {status: res.status, headers: res.headers, text, json};
  }

  async get(p) {
    const r = await this.call('GET', p);
    assert.equal(r.status, 200, `GET ${p}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.json;
  }

  // Posts an events file in batches of whole lines of at most `batch` bytes
  // (serve's default limits.max_body_bytes); a 429 (engine busy) is retried
  // with backoff. Every line must be accepted or counted as a duplicate.
  async ingest(file, batch = 1 << 20) {
    const buf = fs.readFileSync(file);
    const total = {accepted: 0, duplicates: 0, rejected: 0, batches: 0, busy: 0};
    for (let start = 0; start < buf.length;) {
      let end = Math.min(start + batch, buf.length);
      if (end < buf.length) end = buf.lastIndexOf(0x0a, end - 1) + 1;
      if (end <= start) throw new Error(`a line of ${file} is longer than ${batch} bytes`);
      for (let attempt = 0; ; attempt++) {
        const r = await this.call('POST', '/v1/events', {body: buf.subarray(start, end), raw: true});
        if (r.status === 200) {
          for (const k of ['accepted', 'duplicates', 'rejected']) total[k] += r.json[k];
          if (r.json.rejected) throw new Error(`batch at byte ${start}: rejected lines: ${JSON.stringify(r.json.errors.slice(0, 3))}`);
          break;
        }
        if (r.status !== 429 || attempt > 200) throw new Error(`POST /v1/events: ${r.status} ${r.text.slice(0, 300)}`);
        total.busy++;
        await sleep(Math.min(1000, 20 << Math.min(attempt, 6)));
      }
      total.batches++;
      start = end;
    }
    const lines = buf.toString('latin1').split('\n').filter((l) => l.length).length;
    assert.equal(total.accepted + total.duplicates, lines, 'every line accepted once or counted as a duplicate');
    return total;
  }

  // The console's copy is rebuilt at most every 5 s after a detection run:
  // waits until the summary has campaigns and stays the same for 6 s.
  async settledSummary() {
    let last = null, since = Date.now();
    for (const deadline = Date.now() + 300e3; Date.now() < deadline; await sleep(500)) {
      const s = await this.get('/v1/console/summary');
      const key = JSON.stringify([s.detection_runs, s.run_at, s.campaigns, s.decisions_active]);
      if (key !== last) { last = key; since = Date.now(); }
      else if (s.campaigns > 0 && s.run_at && Date.now() - since >= 6000) return s;
    }
    throw new Error(`the console never showed a settled detection run with campaigns: ${last}`);
  }
}
