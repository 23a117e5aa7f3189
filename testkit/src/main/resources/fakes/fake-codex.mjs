#!/usr/bin/env node
// A stand-in for `codex` 0.169.0: `--version`, and `app-server` speaking its JSON-RPC over stdio (no
// "jsonrpc" field). Thread ids and each thread's turns live in $CODEX_HOME/fake-codex-state.json, so a
// new process can resume a thread and prove it saw the earlier turns; every line received is appended to
// $CODEX_HOME/fake-codex.log with the pid. Markers in the prompt choose what a turn does (see runTurn).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import crypto from 'node:crypto';
import { execSync } from 'node:child_process';

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('codex-cli 0.169.0\n');
  process.exit(0);
}
if (args[0] !== 'app-server') {
  process.stderr.write(`fake-codex: unsupported arguments: ${args.join(' ')}\n`);
  process.exit(2);
}
if (args.includes('--fail-start')) {
  process.stderr.write('fake-codex: error loading config: refusing to start (--fail-start)\n');
  process.exit(2);
}

const home = process.env.CODEX_HOME || path.join(os.tmpdir(), 'fake-codex-home');
fs.mkdirSync(home, { recursive: true });
const stateFile = path.join(home, 'fake-codex-state.json');
const logFile = path.join(home, 'fake-codex.log');
const quiet = process.env.FAKE_CODEX_NO_LOG === '1';

const loadState = () => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { threads: {} });
const saveState = (s) => fs.writeFileSync(stateFile, JSON.stringify(s));
const log = (entry) => { if (!quiet) fs.appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + '\n'); };

const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const notify = (method, params) => send({ method, params, emittedAtMs: Date.now() });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let initialized = false;
let nextServerId = 0;
const serverPending = new Map();
const loaded = new Set();
const turns = new Map();

function serverRequest(method, params) {
  const id = nextServerId++;
  send({ id, method, params });
  return new Promise((resolve) => serverPending.set(id, resolve));
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let msg;
  try { msg = JSON.parse(line); } catch { process.stderr.write(`fake-codex: bad line ${line}\n`); return; }
  log({ in: msg });
  if (msg.method !== undefined && msg.id !== undefined) handle(msg);
  else if (msg.method !== undefined) { if (msg.method === 'initialized') log({ event: 'initialized' }); }
  else if (serverPending.has(msg.id)) { const r = serverPending.get(msg.id); serverPending.delete(msg.id); r(msg); }
});
rl.on('close', () => process.exit(0));

const ok = (id, result) => send({ id, result });
const fail = (id, code, message) => send({ id, error: { code, message } });

function handle({ id, method, params = {} }) {
  if (method === 'initialize') {
    if (initialized) return fail(id, -32600, 'Already initialized');
    if (args.includes('--refuse-init')) return fail(id, -32600, 'initialize refused (--refuse-init)');
    initialized = true;
    const name = params.clientInfo?.name ?? 'unknown';
    return ok(id, { userAgent: `${name}/0.169.0 (fake)`, codexHome: home, platformFamily: 'unix', platformOs: 'linux' });
  }
  if (!initialized) return fail(id, -32600, 'Not initialized');
  switch (method) {
    case 'thread/start': {
      const threadId = crypto.randomUUID();
      const state = loadState();
      state.threads[threadId] = { cwd: params.cwd, turns: [] };
      saveState(state);
      loaded.add(threadId);
      const thread = { id: threadId, cwd: params.cwd, turns: [], status: { type: 'idle' } };
      ok(id, { thread, approvalPolicy: params.approvalPolicy, sandbox: { type: params.sandbox } });
      return notify('thread/started', { thread });
    }
    case 'thread/resume': {
      const saved = loadState().threads[params.threadId];
      if (!saved) return fail(id, -32600, `no rollout found for thread id ${params.threadId}`);
      loaded.add(params.threadId);
      log({ event: 'resumed', threadId: params.threadId, earlierTurns: saved.turns.length });
      return ok(id, { thread: { id: params.threadId, cwd: params.cwd, turns: [], status: { type: 'idle' } } });
    }
    case 'turn/start': {
      if (!loaded.has(params.threadId)) return fail(id, -32600, `thread not found: ${params.threadId}`);
      const turn = { id: crypto.randomUUID(), threadId: params.threadId, interrupted: false, steers: [] };
      turns.set(turn.id, turn);
      ok(id, { turn: { id: turn.id, status: 'inProgress', items: [] } });
      const text = (params.input || []).filter((i) => i.type === 'text').map((i) => i.text).join('\n');
      runTurn(turn, text).catch((e) => process.stderr.write(`fake-codex: ${e.stack}\n`));
      return;
    }
    case 'turn/interrupt': {
      const turn = turns.get(params.turnId);
      if (!turn) return fail(id, -32600, `no active turn ${params.turnId}`);
      ok(id, {});
      if (!turn.hang) turn.interrupted = true;
      return;
    }
    case 'turn/steer': {
      const turn = turns.get(params.expectedTurnId);
      if (!turn) return fail(id, -32600, 'no active turn to steer');
      turn.steers.push((params.input || []).map((i) => i.text).join('\n'));
      return ok(id, { turnId: turn.id });
    }
    default:
      return fail(id, -32600, `Invalid request: unknown variant \`${method}\``);
  }
}

function answerFor(prompt) {
  const m = prompt.match(/Reply with exactly:\s*(.*)/);
  return m ? m[1].trim() : `echo: ${prompt}`;
}

const words = (s) => s.split(/\s+/).filter(Boolean).length;

async function runTurn(turn, prompt) {
  const { threadId } = turn;
  const turnId = turn.id;
  const started = Date.now();
  notify('turn/started', { threadId, turn: { id: turnId, status: 'inProgress', items: [] } });
  const userItem = { type: 'userMessage', id: crypto.randomUUID(), content: [{ type: 'text', text: prompt }] };
  notify('item/started', { threadId, turnId, item: userItem });
  notify('item/completed', { threadId, turnId, item: userItem });
  const state = loadState();
  const cwd = state.threads[threadId]?.cwd || process.cwd();
  const earlier = state.threads[threadId]?.turns || [];
  let answer = answerFor(prompt);

  const complete = (status, error = null) => {
    turns.delete(turnId);
    notify('turn/completed', { threadId, turn: { id: turnId, status, items: [], error, durationMs: Date.now() - started } });
  };

  if (prompt.includes('MALFORMED')) process.stdout.write('this line is not JSON {\n');
  if (prompt.includes('CRASH')) {
    notify('item/agentMessage/delta', { threadId, turnId, itemId: 'msg_crash', delta: 'about to crash' });
    await sleep(50);
    process.stderr.write('thread main panicked at CRASH marker: fake failure\n');
    process.exit(3);
  }
  const exit = prompt.match(/EXIT:(\d+)/);
  if (exit) process.exit(Number(exit[1]));
  if (prompt.includes('HANG')) { turn.hang = true; return; }
  if (prompt.includes('FAIL_TURN')) {
    notify('error', { threadId, turnId, willRetry: true, error: { message: 'Reconnecting... 1/5', codexErrorInfo: 'other' } });
    notify('error', { threadId, turnId, willRetry: false, error: { message: 'fake model failure', codexErrorInfo: 'other' } });
    return complete('failed', { message: 'fake model failure', codexErrorInfo: 'other' });
  }
  if (prompt.includes('RECALL')) answer = `RECALL:${earlier.map((t) => t.prompt).join('|')}`;
  if (prompt.includes('UNKNOWN_REQUEST')) {
    const r = await serverRequest('item/tool/mystery', { threadId, turnId, itemId: 'call_mystery' });
    answer = r.error ? `UNKNOWN_ANSWERED:${r.error.code}` : 'UNKNOWN_NOT_REJECTED';
  }

  const cmds = [...prompt.matchAll(/APPROVE_CMD:([^\n]*)/g)].map((m) => m[1].trim());
  if (cmds.length) {
    // All requests go out at once: the host must queue them and show them one at a time.
    const asks = cmds.map((cmd, i) => {
      const item = { type: 'commandExecution', id: `call_cmd_${i}`, command: `/bin/bash -lc '${cmd}'`, cwd, status: 'inProgress' };
      notify('item/started', { threadId, turnId, item });
      return serverRequest('item/commandExecution/requestApproval', {
        kind: 'command', threadId, turnId, itemId: item.id, startedAtMs: Date.now(), environmentId: 'local',
        command: item.command, cwd, commandActions: [{ type: 'unknown', command: cmd }], reason: 'the fake wants to run it',
        availableDecisions: ['accept', 'cancel'],
      }).then((r) => ({ item, cmd, decision: r.result?.decision ?? `error:${r.error?.message}` }));
    });
    const results = await Promise.all(asks);
    for (const { item, cmd, decision } of results) {
      const accepted = decision === 'accept' || decision === 'acceptForSession';
      if (accepted) execSync(cmd, { cwd, shell: '/bin/sh' });
      notify('item/completed', { threadId, turnId, item: { ...item, status: accepted ? 'completed' : 'declined', exitCode: accepted ? 0 : null } });
    }
    answer = results.map((r) => `${r.cmd}=${r.decision}`).join(';');
  }

  const patch = prompt.match(/APPROVE_PATCH:(\S+)/);
  if (patch) {
    const file = patch[1];
    const item = { type: 'fileChange', id: 'call_patch', changes: [{ path: path.join(cwd, file), kind: { type: 'add' }, diff: 'hello\n' }], status: 'inProgress' };
    notify('item/started', { threadId, turnId, item });
    const r = await serverRequest('item/fileChange/requestApproval', { threadId, turnId, itemId: item.id, startedAtMs: Date.now(), reason: null, grantRoot: null });
    const decision = r.result?.decision;
    const accepted = decision === 'accept' || decision === 'acceptForSession';
    if (accepted) {
      fs.writeFileSync(path.join(cwd, file), 'hello\n');
      notify('turn/diff/updated', { threadId, turnId, diff: `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1 @@\n+hello\n` });
    }
    notify('item/completed', { threadId, turnId, item: { ...item, status: accepted ? 'completed' : 'declined' } });
    answer = `patch ${decision}`;
  }

  const msgId = `msg_${crypto.randomUUID()}`;
  notify('item/started', { threadId, turnId, item: { type: 'agentMessage', id: msgId, text: '' } });
  if (prompt.includes('SLOW')) {
    for (let i = 0; i < 300 && !turn.interrupted; i++) {
      notify('item/agentMessage/delta', { threadId, turnId, itemId: msgId, delta: '.' });
      await sleep(200);
    }
    if (turn.interrupted) {
      record(threadId, prompt, '(interrupted)');
      return complete('interrupted');
    }
    answer = `slow done${turn.steers.length ? ` (steered: ${turn.steers.join('|')})` : ''}`;
  }
  const n = Math.min(3, answer.length);
  for (let i = 0; i < n; i++) {
    const delta = answer.slice(Math.floor((answer.length * i) / n), Math.floor((answer.length * (i + 1)) / n));
    notify('item/agentMessage/delta', { threadId, turnId, itemId: msgId, delta });
  }
  notify('item/completed', { threadId, turnId, item: { type: 'agentMessage', id: msgId, text: answer, phase: null } });
  const last = { totalTokens: words(prompt) + words(answer), inputTokens: words(prompt), cachedInputTokens: 0, outputTokens: words(answer), reasoningOutputTokens: 0 };
  notify('thread/tokenUsage/updated', { threadId, turnId, tokenUsage: { total: last, last } });
  record(threadId, prompt, answer);
  complete('completed');
}

function record(threadId, prompt, answer) {
  const state = loadState();
  if (!state.threads[threadId]) state.threads[threadId] = { turns: [] };
  state.threads[threadId].turns.push({ prompt, answer });
  saveState(state);
}
