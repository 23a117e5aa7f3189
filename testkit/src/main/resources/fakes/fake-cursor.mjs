#!/usr/bin/env node
// A stand-in for `cursor-agent -p --output-format stream-json [--stream-partial-output]` (agents.md §4):
// system/init, user, partial assistant deltas and then the whole message, tool_call started/completed,
// result. Chats persist under $HOME/.cursor/chats so `--resume <id>` keeps the id and can prove what it
// saw (RECALL). Markers: TOOL, SLOW (deltas until killed), CRASH (stderr + exit 3, no result), HANG,
// MALFORMED, LINGER (stays after its result), ENV:<NAME>, FLAGS (answers the flags it got), "Reply with exactly: X" → X.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  console.log('2026.11.01-fake');
  process.exit(0);
}
const flags = {};
const bools = new Set(['-p', '--print', '--stream-partial-output', '--force', '--yolo', '--trust']);
let prompt;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    prompt = argv.slice(i + 1).join(' ');
    break;
  }
  if (bools.has(a)) flags[a] = true;
  else if (a.startsWith('-')) flags[a] = argv[++i];
  else prompt = a;
}
if (!(flags['-p'] || flags['--print']) || flags['--output-format'] !== 'stream-json' || prompt === undefined) {
  console.error('fake-cursor: expected -p --output-format stream-json and a prompt');
  process.exit(2);
}
const dir = path.join(process.env.HOME || '/tmp', '.cursor', 'chats');
fs.mkdirSync(dir, { recursive: true });
let chat = flags['--resume'];
let state = { turns: [] };
if (chat) {
  const file = path.join(dir, chat + '.json');
  if (!fs.existsSync(file)) {
    console.error(`Error: chat ${chat} not found`);
    process.exit(1);
  }
  state = JSON.parse(fs.readFileSync(file, 'utf8'));
} else {
  chat = crypto.randomUUID();
}
const save = () => fs.writeFileSync(path.join(dir, chat + '.json'), JSON.stringify(state));
save(); // the chat exists from init on, as with create-chat
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cwd = flags['--workspace'] || process.cwd();
const permissionMode = flags['--force'] ? 'force' : 'default';

out({ type: 'system', subtype: 'init', apiKeySource: 'env', cwd, session_id: chat,
  model: flags['--model'] || 'auto', permissionMode });
out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: prompt }] }, session_id: chat });
const say = (text) => out({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] },
  session_id: chat });

async function main() {
  const started = Date.now();
  if (prompt.includes('HANG')) {
    setInterval(() => {}, 1 << 30);
    return;
  }
  if (prompt.includes('MALFORMED')) process.stdout.write('[cursor] warming up {not json\n');
  if (prompt.includes('CRASH')) {
    say('about to ');
    process.stderr.write('Error: simulated crash in cursor-agent\n');
    process.exit(3);
  }
  if (prompt.includes('SLOW')) {
    for (let n = 0; n < 600; n++) {
      say(`tick ${n} `);
      await sleep(100);
    }
  }
  if (prompt.includes('TOOL')) {
    say('Let me look. ');
    const call_id = 'call_' + crypto.randomBytes(4).toString('hex');
    out({ type: 'tool_call', subtype: 'started', call_id, session_id: chat,
      tool_call: { shellToolCall: { args: { command: 'ls -la' } } } });
    out({ type: 'tool_call', subtype: 'completed', call_id, session_id: chat,
      tool_call: { shellToolCall: { args: { command: 'ls -la' }, result: { success: { exitCode: 0, stdout: 'ok' } } } } });
  }
  let answer;
  if (prompt.includes('RECALL')) answer = `turns before: ${state.turns.length}; last: ${state.turns.at(-1) ?? 'none'}`;
  else if (/ENV:(\w+)/.test(prompt)) answer = `env: ${process.env[prompt.match(/ENV:(\w+)/)[1]] ?? 'unset'}`;
  else if (prompt.includes('FLAGS')) answer = `flags: ${Object.keys(flags).sort().join(' ')} mode=${flags['--mode'] ?? '-'}`;
  else {
    const m = prompt.match(/Reply with exactly:\s*(.*)/);
    answer = m ? m[1].trim() : `echo: ${prompt}`;
  }
  // With --stream-partial-output the text arrives in pieces, then once more whole.
  if (flags['--stream-partial-output']) {
    for (let i = 0; i < answer.length; i += 4) {
      say(answer.slice(i, i + 4));
      await sleep(5);
    }
  }
  say(answer);
  state.turns.push(prompt);
  save();
  out({ type: 'result', subtype: 'success', is_error: false, duration_ms: Date.now() - started,
    duration_api_ms: 1, result: answer, session_id: chat, request_id: crypto.randomUUID() });
  if (prompt.includes('LINGER')) setInterval(() => {}, 1 << 30);
}
main();
