#!/usr/bin/env node
// A stand-in for `claude -p --input-format stream-json --output-format stream-json --verbose
// --permission-prompt-tool stdio` (Claude Code 2.1.197, agents.md §2.3-2.6). Markers in the user text steer it:
// ASK_TOOL:<cmd>[|<cmd>...] (+ WITHDRAW), SLOW, MALFORMED, CRASH, HANG, API_ERROR, HISTORY, "Reply with exactly: X".
// State lives under $HOME/.fake-claude: one file per (cwd, session) so --resume proves it saw the earlier turns,
// and invocations.jsonl lists every start (args and cwd) for the tests.
import { randomUUID } from 'node:crypto';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('2.1.197 (Claude Code)\n');
  process.exit(0);
}
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const home = process.env.HOME || '/tmp';
const stateDir = path.join(home, '.fake-claude');
fs.mkdirSync(stateDir, { recursive: true });
fs.appendFileSync(path.join(stateDir, 'invocations.jsonl'), JSON.stringify({ args, cwd: process.cwd() }) + '\n');

const cwd = process.cwd();
const resume = opt('--resume');
const sessionId = resume || opt('--session-id') || randomUUID();
const model = opt('--model') || 'claude-fake-1';
const permissionMode = opt('--permission-mode') || 'default';
const stateFile = path.join(stateDir, cwd.replaceAll('/', '-') + '__' + sessionId + '.json');
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let history = [];
if (resume) {
  if (!fs.existsSync(stateFile)) {
    out({ type: 'result', subtype: 'error_during_execution', is_error: true, session_id: sessionId,
      result: `No conversation found with session ID: ${resume}`, terminal_reason: 'completed' });
    process.exit(1);
  }
  history = JSON.parse(fs.readFileSync(stateFile, 'utf8')).prompts;
}
const sessionRules = new Set();
const pendingAnswers = new Map();
let interrupted = null;
let turns = Promise.resolve();
let seq = 0;

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  if (msg.type === 'user') {
    const text = msg.message.content.map((c) => c.text || '').join('');
    turns = turns.then(() => turn(text));
  } else if (msg.type === 'control_request') {
    const sub = msg.request.subtype;
    if (sub === 'interrupt' && interrupted) interrupted();
    out({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response: {} } });
  } else if (msg.type === 'control_response') {
    const done = pendingAnswers.get(msg.response.request_id);
    if (done) { pendingAnswers.delete(msg.response.request_id); done(msg.response); }
  }
});
rl.on('close', () => turns.then(() => process.exit(0)));

const base = () => ({ session_id: sessionId, uuid: randomUUID() });
const event = (e) => out({ type: 'stream_event', event: e, parent_tool_use_id: null, ...base() });

function stream(text, chunks) {
  event({ type: 'message_start', message: { id: 'msg_' + (++seq), type: 'message', role: 'assistant', model,
    content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 0 } } });
  event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (const c of chunks || split(text)) event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } });
  event({ type: 'content_block_stop', index: 0 });
  assistant([{ type: 'text', text }]);
  event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } });
  event({ type: 'message_stop' });
}
function split(text) { const h = Math.ceil(text.length / 2); return h > 0 ? [text.slice(0, h), text.slice(h)].filter(Boolean) : []; }
function assistant(content) {
  out({ type: 'assistant', message: { id: 'msg_' + seq, role: 'assistant', model, content, stop_reason: null,
    usage: { input_tokens: 10, output_tokens: 5 } }, parent_tool_use_id: null, ...base() });
}
function result(fields) {
  out({ type: 'result', subtype: 'success', is_error: false, duration_ms: 5, num_turns: 1, stop_reason: 'end_turn',
    total_cost_usd: 0.0012, usage: { input_tokens: 10, output_tokens: 5 }, terminal_reason: 'completed',
    permission_denials: [], ...base(), ...fields });
}
function save(prompt) {
  history.push(prompt);
  fs.writeFileSync(stateFile, JSON.stringify({ prompts: history }));
}

async function turn(text) {
  out({ type: 'system', subtype: 'init', cwd, tools: ['Bash', 'Read', 'Write'], mcp_servers: [], model, permissionMode,
    apiKeySource: 'none', claude_code_version: '2.1.197', ...base() });
  out({ type: 'system', subtype: 'status', status: 'requesting', ...base() });
  // Like claude, the prompt is in the transcript before the model answers, so a crashed turn can be resumed.
  const prior = history.join(' | ');
  save(text);
  if (text.includes('HANG')) return new Promise(() => {});
  if (text.includes('CRASH')) {
    stream('about to crash');
    process.stderr.write('fake-claude: boom (CRASH marker)\n');
    process.exit(3);
  }
  if (text.includes('MALFORMED')) process.stdout.write('this line is not JSON {\n');
  if (text.includes('API_ERROR')) {
    assistant([{ type: 'text', text: 'API Error: 400 fake bad request' }]);
    return result({ is_error: true, api_error_status: 400, result: 'API Error: 400 fake bad request' });
  }
  if (text.includes('SLOW')) return slow(text);
  const ask = /ASK_TOOL:(.+)/.exec(text);
  if (ask) return tool(text, ask[1].trim());
  let reply = 'ok';
  const exact = /Reply with exactly: (.+)/.exec(text);
  if (exact) reply = exact[1].trim();
  if (text.includes('HISTORY')) reply = 'HISTORY: ' + prior;
  stream(reply);
  result({ result: reply });
}

async function slow(text) {
  let stop = false;
  interrupted = () => { stop = true; };
  event({ type: 'message_start', message: { id: 'msg_' + (++seq), type: 'message', role: 'assistant', model,
    content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 0 } } });
  event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  let sent = '';
  for (let i = 0; i < 600 && !stop; i++) {
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'tick ' } });
    sent += 'tick ';
    await sleep(100);
  }
  interrupted = null;
  assistant([{ type: 'text', text: sent }]);
  if (!stop) return result({ result: sent });
  out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, ...base() });
  result({ subtype: 'error_during_execution', is_error: true, result: '', terminal_reason: 'aborted_streaming' });
}

// Parallel tool calls ("ASK_TOOL:a|b") ask in one go; WITHDRAW takes the first request back 300 ms later.
async function tool(text, cmds) {
  const calls = cmds.split('|').map((cmd) => ({ cmd: cmd.trim(), id: 'toolu_' + randomUUID().slice(0, 8) }));
  for (const c of calls) c.input = { command: c.cmd, description: 'fake tool call' };
  assistant(calls.map((c) => ({ type: 'tool_use', id: c.id, name: 'Bash', input: c.input })));
  for (const c of calls) {
    if (sessionRules.has(c.cmd)) { c.answer = Promise.resolve({ response: { behavior: 'allow', updatedInput: c.input } }); continue; }
    const requestId = randomUUID();
    c.answer = new Promise((r) => pendingAnswers.set(requestId, r));
    out({ type: 'control_request', request_id: requestId, request: { subtype: 'can_use_tool', tool_name: 'Bash',
      display_name: 'Bash', input: c.input, description: 'fake tool call', tool_use_id: c.id, blocked_path: path.join(cwd, 'x'),
      permission_suggestions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: c.cmd }], behavior: 'allow',
        destination: 'localSettings' }] } });
    if (text.includes('WITHDRAW') && c === calls[0]) {
      setTimeout(() => {
        pendingAnswers.delete(requestId);
        out({ type: 'control_cancel_request', request_id: requestId });
      }, 300);
      c.answer = sleep(300).then(() => ({ response: { behavior: 'deny', message: 'withdrawn' } }));
    }
  }
  // An interrupt while asking withdraws every question and aborts the turn, as claude does.
  let stop = false;
  const stopped = new Promise((r) => { interrupted = () => { stop = true; r({ response: { behavior: 'deny', message: 'interrupted' } }); }; });
  const replies = [];
  const denials = [];
  for (const c of calls) {
    const response = await Promise.race([c.answer, stopped]);
    if (stop) break;
    const answer = response.response || { behavior: 'deny', message: response.error };
    for (const p of answer.updatedPermissions || []) {
      if (p.destination === 'session') for (const r of p.rules || []) sessionRules.add(r.ruleContent);
    }
    if (answer.behavior === 'allow') {
      let stdout = '';
      try { stdout = execSync(answer.updatedInput.command, { cwd, encoding: 'utf8' }); } catch (e) { stdout = String(e); }
      out({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: c.id, content: stdout || '(done)', is_error: false }] },
        tool_use_result: { stdout, stderr: '', interrupted: false }, parent_tool_use_id: null, ...base() });
      replies.push('ran: ' + c.cmd);
    } else {
      out({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: c.id, content: answer.message, is_error: true }] },
        tool_use_result: 'Error: ' + answer.message, parent_tool_use_id: null, ...base() });
      replies.push('denied: ' + c.cmd);
      denials.push({ tool_name: 'Bash', tool_use_id: c.id, tool_input: c.input });
    }
  }
  interrupted = null;
  if (stop) {
    out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, ...base() });
    return result({ subtype: 'error_during_execution', is_error: true, result: '', terminal_reason: 'aborted_streaming' });
  }
  const reply = replies.join('; ');
  stream(reply);
  result({ result: reply, permission_denials: denials });
}
