#!/usr/bin/env node
// A faithful ACP agent for tests (JSON-RPC 2.0, one object per line on stdio). State lives under
// $HOME/.fake-acp so a new process can session/load; every message it receives is logged there.
// Prompt markers: ASK_TOOL:<cmd>, WITHDRAW, SLOW, STUCK (ignores session/cancel), REFUSE, FAIL_RPC, MALFORMED, CRASH, FS_READ, HISTORY, "Reply with exactly: X".
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

if (process.argv.includes('--version')) {
  console.log('fake-acp 1.0.0');
  process.exit(0);
}

const dir = path.join(process.env.HOME || '.', '.fake-acp');
fs.mkdirSync(path.join(dir, 'sessions'), { recursive: true });
const logFile = path.join(dir, 'log.jsonl');
const ids = { next: 0 };
const waiting = new Map();
const active = new Map(); // sessionId -> {cancelled, wake}

const send = (msg) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...msg }) + '\n');
const log = (entry) => fs.appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
const sessionFile = (id) => path.join(dir, 'sessions', id.replace(/[^A-Za-z0-9_-]/g, '') + '.json');
const loadState = (id) => JSON.parse(fs.readFileSync(sessionFile(id), 'utf8'));
const saveState = (s) => fs.writeFileSync(sessionFile(s.id), JSON.stringify(s));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function update(sessionId, u) { send({ method: 'session/update', params: { sessionId, update: u } }); }

function request(method, params, onId = () => {}) {
  const id = ids.next++;
  send({ id, method, params });
  onId(id);
  return new Promise((resolve) => waiting.set(id, resolve));
}

// Asks, then takes the question back with $/cancel_request before anyone answers.
async function withdraw(state) {
  const asked = request('session/request_permission', { sessionId: state.id,
    toolCall: { toolCallId: 'call_w', title: 'Run withdrawn', kind: 'execute' },
    options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }, { optionId: 'reject', name: 'Reject', kind: 'reject_once' }] },
  (id) => setTimeout(() => send({ method: '$/cancel_request', params: { requestId: id } }), 500));
  const answer = await asked;
  log({ withdrawn: answer });
  await new Promise((r) => setTimeout(r, 1500)); // time for a test to see the task running again
  await say(state, 'WITHDRAWN ' + (answer.result?.outcome?.outcome || JSON.stringify(answer.error)));
}

async function say(state, text) {
  const mid = Math.ceil(text.length / 2);
  for (const part of [text.slice(0, mid), text.slice(mid)]) {
    if (part) update(state.id, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: part } });
  }
  state.history.push({ role: 'agent', text });
}

async function askTool(state, cmd) {
  const toolCallId = 'call_' + state.history.length;
  const title = 'Run ' + cmd;
  update(state.id, { sessionUpdate: 'tool_call', toolCallId, title, kind: 'execute', status: 'pending',
    rawInput: { command: cmd } });
  let choice = 'allow';
  if (!state.alwaysAllow) {
    const answer = await request('session/request_permission', { sessionId: state.id,
      toolCall: { toolCallId, title, kind: 'execute', rawInput: { command: cmd } },
      options: [
        { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
        { optionId: 'session_level_allow', name: 'Allow for this session', kind: 'allow_always' },
        { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
        { optionId: 'always_reject', name: 'Always reject', kind: 'reject_always' }] });
    log({ permission: answer });
    const outcome = answer.result?.outcome;
    if (!outcome || outcome.outcome === 'cancelled') return 'cancelled';
    choice = outcome.optionId;
  }
  if (choice === 'session_level_allow') state.alwaysAllow = true;
  if (choice === 'allow' || choice === 'session_level_allow') {
    update(state.id, { sessionUpdate: 'tool_call_update', toolCallId, status: 'in_progress' });
    update(state.id, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed',
      content: [{ type: 'content', content: { type: 'text', text: 'ran ' + cmd } }] });
    await say(state, 'RAN ' + cmd);
  } else {
    update(state.id, { sessionUpdate: 'tool_call_update', toolCallId, status: 'failed' });
    await say(state, 'REJECTED ' + cmd);
  }
  return 'end_turn';
}

async function prompt(params) {
  const state = loadState(params.sessionId);
  const text = (params.prompt || []).filter((b) => b.type === 'text').map((b) => b.text).join('');
  const prior = state.history.filter((h) => h.role === 'user').map((h) => h.text);
  state.history.push({ role: 'user', text });
  const turn = { cancelled: false, wake: () => {} };
  active.set(state.id, turn);
  try {
    let stop = 'end_turn';
    const ask = text.match(/ASK_TOOL:(\S+)/);
    if (text.includes('CRASH')) {
      process.stderr.write('fake-acp: crashing as asked\n');
      process.exit(3);
    } else if (text.includes('WITHDRAW')) {
      await withdraw(state);
    } else if (ask) {
      stop = await askTool(state, ask[1]);
    } else if (text.includes('FAIL_RPC')) {
      throw { code: -32603, message: 'context deadline exceeded' };
    } else if (text.includes('REFUSE')) {
      await say(state, 'I will not');
      stop = 'refusal';
    } else if (text.includes('SLOW') || text.includes('STUCK')) {
      const stuck = text.includes('STUCK');
      for (let i = 0; i < 300 && (stuck || !turn.cancelled); i++) {
        update(state.id, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: '.' } });
        await new Promise((r) => { turn.wake = r; setTimeout(r, 100); });
      }
      stop = turn.cancelled ? 'cancelled' : 'end_turn';
    } else if (text.includes('FS_READ')) {
      const answer = await request('fs/read_text_file', { sessionId: state.id, path: '/etc/hostname' });
      await say(state, 'FS_READ error ' + answer.error?.code);
    } else if (text.includes('HISTORY')) {
      await say(state, 'HISTORY ' + prior.length + ' ' + (prior[prior.length - 1] || ''));
    } else {
      if (text.includes('MALFORMED')) process.stdout.write('this line is not JSON\n');
      const exact = text.match(/Reply with exactly:\s*(.*)/);
      await say(state, exact ? exact[1].trim() : 'echo: ' + text);
    }
    update(state.id, { sessionUpdate: 'usage_update', used: 100 * state.history.length, size: 200000 });
    saveState(state);
    return { stopReason: stop, usage: { inputTokens: text.length, outputTokens: 3, totalTokens: text.length + 3 } };
  } finally {
    active.delete(state.id);
  }
}

async function serve(msg) {
  const p = msg.params || {};
  switch (msg.method) {
    case 'initialize':
      return { protocolVersion: 1, agentCapabilities: { loadSession: true,
        promptCapabilities: { image: false, audio: false, embeddedContext: false } },
      authMethods: [], agentInfo: { name: 'fake-acp', version: '1.0.0' } };
    case 'session/new': {
      if (!path.isAbsolute(p.cwd || '') || !Array.isArray(p.mcpServers)) throw { code: -32602, message: 'bad params' };
      const id = 'sess_' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      saveState({ id, cwd: p.cwd, history: [] });
      return { sessionId: id };
    }
    case 'session/load': {
      if (!fs.existsSync(sessionFile(p.sessionId))) throw { code: -32002, message: 'session not found' };
      const state = loadState(p.sessionId);
      for (const h of state.history) {
        update(state.id, { sessionUpdate: h.role === 'user' ? 'user_message_chunk' : 'agent_message_chunk',
          content: { type: 'text', text: h.text } });
      }
      return {};
    }
    case 'session/prompt':
      return prompt(p);
    default:
      throw { code: -32601, message: 'method not found: ' + msg.method };
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  log({ in: msg });
  if (msg.method === undefined) {
    const resolve = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (resolve) resolve(msg);
  } else if (msg.id === undefined) {
    if (msg.method === 'session/cancel') {
      const turn = active.get(msg.params.sessionId);
      if (turn) { turn.cancelled = true; turn.wake(); }
    }
  } else {
    serve(msg).then((result) => send({ id: msg.id, result }),
      (e) => send({ id: msg.id, error: { code: e.code ?? -32603, message: e.message ?? String(e) } }));
  }
}).on('close', () => process.exit(0));
