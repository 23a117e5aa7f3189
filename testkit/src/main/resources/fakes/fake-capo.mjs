#!/usr/bin/env node
// A stand-in for `capo --rpc` (capo-agent 0.7.0 protocol.rs): session line first, then adjacently tagged
// events ({"type", "payload"}) for commands read from stdin. Sessions persist under
// $HOME/.capo/agent/sessions so `--session <id>` resumes and can prove what it saw (RECALL).
// Prompt markers: ASK_TOOL:<cmd> (permission, then the tool per the choice), SLOW (deltas until
// cancel_agent), MALFORMED (a non-JSON line), CRASH (stderr + exit 3), HANG (ignores everything),
// ERROR (an error event), ENV:<NAME> (answers that variable), "Reply with exactly: X" → X.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import crypto from 'node:crypto';

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  console.log('capo 0.7.0 (fake)');
  process.exit(0);
}
if (!argv.includes('--rpc')) {
  console.error('fake-capo: only --rpc and --version are faked');
  process.exit(2);
}
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const dir = path.join(process.env.HOME || '/tmp', '.capo', 'agent', 'sessions');
fs.mkdirSync(dir, { recursive: true });
const ulid = () => {
  const abc = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(crypto.randomBytes(26), (b) => abc[b % 32]).join('');
};
let session = opt('--session');
let state = { cwd: process.cwd(), model: opt('--model') || 'fake-model', turns: [] };
if (session) {
  const file = path.join(dir, session + '.json');
  if (!fs.existsSync(file)) {
    console.error(`fake-capo: no session ${session}`);
    process.exit(1);
  }
  state = JSON.parse(fs.readFileSync(file, 'utf8'));
} else {
  session = ulid();
}
const save = () => fs.writeFileSync(path.join(dir, session + '.json'), JSON.stringify(state));
save();

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const ev = (type, payload) => out(payload === undefined ? { type } : { type, payload });
out({ type: 'session', protocol_version: 1, session_id: session, cwd: process.cwd() });

const allowCache = new Set(); // allow_session answers, for this process's life
let turn = null; // {prompt, waiting: [{tool,args,resolve}], cancelled, timer}
let hung = false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function runTurn(prompt) {
  const t = { prompt, waiting: null, cancelled: false };
  turn = t;
  ev('agent_turn_started');
  if (prompt.includes('HANG')) {
    hung = true;
    return;
  }
  ev('agent_thinking');
  if (prompt.includes('CRASH')) {
    ev('agent_text_delta', 'about to ');
    process.stderr.write('fake-capo: panicked at simulated crash\n');
    setTimeout(() => process.exit(3), 20);
    return;
  }
  if (prompt.includes('MALFORMED')) process.stdout.write('this is {not json\n');
  let answer;
  if (prompt.includes('SLOW')) {
    let n = 0;
    while (!t.cancelled && n < 600) {
      ev('agent_text_delta', `tick ${n++} `);
      await sleep(100);
    }
    return finish(t, null);
  }
  if (prompt.includes('ERROR')) {
    ev('error', 'simulated model error: overloaded');
    return finish(t, null);
  }
  const ran = [];
  for (const m of prompt.matchAll(/ASK_TOOL:(\S+)/g)) {
    const args = { command: m[1], timeout_ms: 120000 };
    const key = 'bash ' + JSON.stringify(args);
    let choice = allowCache.has(key) ? 'allow_session' : null;
    if (!choice) {
      ev('permission_requested', { tool: 'bash', args });
      choice = await new Promise((resolve) => { t.waiting = { tool: 'bash', args, resolve }; });
      t.waiting = null;
      if (t.cancelled) return finish(t, null);
      if (choice === 'mismatch') {
        ev('error', 'resolve_permission did not match the pending request');
        return finish(t, null);
      }
    }
    if (choice === 'allow_session') allowCache.add(key);
    if (choice === 'deny') {
      ran.push(`denied ${m[1]}`);
      continue;
    }
    const id = 'toolu_' + crypto.randomBytes(4).toString('hex');
    ev('tool_call_started', { id, name: 'bash', args });
    ev('tool_call_progress', { id, chunk: { Status: `running ${m[1]}` } });
    ev('tool_call_progress', { id, chunk: { Stdout: Array.from(Buffer.from('ok\n')) } });
    ev('tool_call_completed', { id, result: { is_error: false, text: 'ok' } });
    ran.push(`ran ${m[1]}`);
  }
  if (ran.length) answer = ran.join(', ');
  else if (prompt.includes('RECALL')) {
    const prev = state.turns.at(-1);
    answer = `turns before: ${state.turns.length}; last: ${prev ?? 'none'}`;
  } else if (/ENV:(\w+)/.test(prompt)) {
    answer = `env: ${process.env[prompt.match(/ENV:(\w+)/)[1]] ?? 'unset'}`;
  } else {
    const m = prompt.match(/Reply with exactly:\s*(.*)/);
    answer = m ? m[1].trim() : `echo: ${prompt}`;
  }
  return finish(t, answer);
}

async function finish(t, answer) {
  if (answer !== null && !t.cancelled) {
    for (let i = 0; i < answer.length; i += 4) {
      ev('agent_text_delta', answer.slice(i, i + 4));
      await sleep(5);
    }
    ev('agent_message_complete', answer);
  }
  state.turns.push(t.prompt);
  save();
  ev('agent_turn_complete');
  if (turn === t) turn = null;
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (hung) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    ev('error', 'invalid command line');
    return;
  }
  switch (cmd.type) {
    case 'send_user_message':
      if (turn) ev('error', 'a turn is already running');
      else runTurn(typeof cmd.payload === 'string' ? cmd.payload : cmd.payload.text);
      break;
    case 'resolve_permission': {
      const w = turn && turn.waiting;
      if (!w) {
        ev('error', 'no permission request is pending');
        break;
      }
      const p = cmd.payload || {};
      const same = p.tool === w.tool && JSON.stringify(p.args) === JSON.stringify(w.args);
      w.resolve(same ? p.choice : 'mismatch');
      break;
    }
    case 'cancel_agent':
      if (turn) {
        turn.cancelled = true;
        if (turn.waiting) turn.waiting.resolve('deny');
      }
      break;
    case 'get_state':
      ev('state_snapshot', { session_id: session, model: state.model, active_turn: !!turn });
      break;
    case 'quit':
      process.exit(0);
      break;
    default:
      ev('notice', { title: 'fake-capo', body: `unhandled command ${cmd.type}` });
  }
});
rl.on('close', () => { if (!hung) process.exit(0); });
