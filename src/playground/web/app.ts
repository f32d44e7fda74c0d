/**
 * The playground page: search tools, read their TypeScript, run a script with a trace and see what it did.
 * Talks to the same REST API as any client (with the API key typed in, if the server needs one). Bundled
 * at build time (bundle.mjs); the page allows no inline script, so everything happens here.
 */
import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { javascript } from '@codemirror/lang-javascript';
import { EXAMPLES } from '../examples';

interface SearchHit {
  name: string;
  description: string;
  score: number;
}
interface DescribedTool {
  name: string;
  description: string;
  inputSchema: unknown;
  outputSchema: unknown;
}
interface TraceEntry {
  tool: string;
  startMs: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'unfinished';
  error?: string;
}
interface PendingApproval {
  approvalId: string;
  tool: string;
  args: unknown;
  script: string;
  requestedAt: string;
  expiresAt: string;
}
interface JobView {
  jobId: string;
  state: string;
  result?: Envelope;
  error?: { code: string; message: string };
  approval?: PendingApproval;
}
interface Envelope {
  status: string;
  jobId?: string;
  approval?: PendingApproval;
  result?: unknown;
  error?: { code: string; message: string; hint?: string; line?: number; column?: number };
  logs: { level: string; message: string }[];
  warnings: string[];
  stats: { durationMs: number; toolCalls: number };
  risk?: { score: number; signals: { kind?: string; message?: string }[] };
  trace?: TraceEntry[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const KEY_STORAGE = 'scriptgate.apiKey';

async function api<T>(path: string, body?: unknown): Promise<T> {
  const key = $<HTMLInputElement>('api-key').value.trim();
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { 'x-api-key': key } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const payload = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; hint?: string } };
  // An execution that failed is still a 200 envelope; anything else with `error` is a request that failed.
  if (!res.ok && payload.error) throw new Error(`${payload.error.code ?? res.status}: ${payload.error.message ?? ''}${payload.error.hint ? ` (${payload.error.hint})` : ''}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return payload as T;
}

async function search(query: string): Promise<void> {
  const status = $('search-status');
  const list = $('results');
  list.replaceChildren();
  status.textContent = 'Searching…';
  try {
    const { tools, strategy } = await api<{ tools: SearchHit[]; strategy?: string }>('/v1/search', { query, topK: 15 });
    const ranking = strategy === 'ml' ? 'ranked by words and meaning (ml)' : 'ranked by words (tfidf)';
    status.textContent = tools.length ? `${tools.length} tools, best first, ${ranking}` : 'No tool matches.';
    for (const hit of tools) {
      const item = el('li');
      item.dataset.tool = hit.name;
      item.append(el('span', hit.name, 'name'), el('span', hit.score.toFixed(2), 'score'), el('span', hit.description, 'desc'));
      item.addEventListener('click', () => void describe(hit.name));
      list.append(item);
    }
  } catch (err) {
    status.textContent = String((err as Error).message);
  }
}

async function describe(name: string): Promise<void> {
  const detail = $('tool-detail');
  try {
    const { tools, typescript } = await api<{ tools: DescribedTool[]; typescript?: string }>('/v1/describe', { names: [name], format: 'both' });
    const tool = tools[0];
    if (!tool) return;
    $('tool-name').textContent = tool.name;
    $('tool-description').textContent = tool.description;
    $('tool-ts').textContent = typescript ?? '';
    $('tool-input').textContent = JSON.stringify(tool.inputSchema, null, 2);
    $('tool-output').textContent = JSON.stringify(tool.outputSchema, null, 2);
    detail.hidden = false;
  } catch (err) {
    $('search-status').textContent = String((err as Error).message);
  }
}

/** An array of rows (objects or values) as a table; anything else stays JSON only. */
function renderTable(result: unknown): void {
  const table = $<HTMLTableElement>('result-table');
  table.replaceChildren();
  table.hidden = !Array.isArray(result) || result.length === 0;
  if (table.hidden) return;
  const rows = result as unknown[];
  const objects = rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const columns = objects ? [...new Set(rows.flatMap((r) => Object.keys(r as object)))] : ['value'];
  const head = el('tr');
  for (const c of columns) head.append(el('th', c));
  table.append(head);
  for (const row of rows) {
    const tr = el('tr');
    tr.className = 'row';
    for (const c of columns) {
      const value = objects ? (row as Record<string, unknown>)[c] : row;
      tr.append(el('td', typeof value === 'string' ? value : JSON.stringify(value) ?? ''));
    }
    table.append(tr);
  }
}

function renderTimeline(trace: TraceEntry[], totalMs: number): void {
  const box = $('timeline');
  box.replaceChildren();
  if (trace.length === 0) {
    box.append(el('p', 'No tool calls.', 'muted'));
    return;
  }
  const span = Math.max(totalMs, ...trace.map((t) => t.startMs + t.durationMs), 1);
  for (const t of trace) {
    const row = el('div', undefined, `call ${t.outcome}`);
    row.dataset.tool = t.tool;
    row.dataset.outcome = t.outcome;
    const bar = el('div', undefined, 'bar');
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    bar.style.left = `${45 + (t.startMs / span) * 55}%`;
    bar.style.width = `${Math.max(0.4, (t.durationMs / span) * 55)}%`;
    bar.title = `starts at ${t.startMs} ms, takes ${t.durationMs} ms`;
    const outcome = t.outcome === 'error' ? `error ${t.error ?? ''}` : t.outcome;
    row.append(el('span', `${t.tool} · ${t.durationMs.toFixed(1)} ms · ${outcome}`, 'label'), bar);
    box.append(row);
  }
}

function showEnvelope(envelope: Envelope): void {
  $('outcome').hidden = false;
  const status = $('status');
  status.textContent = envelope.status;
  status.className = `badge${envelope.status === 'ok' ? ' ok' : envelope.status === 'input_required' ? ' waiting' : ''}`;
  $('duration').textContent = `${envelope.stats.durationMs} ms, ${envelope.stats.toolCalls} tool calls`;
  $('risk').textContent = envelope.risk ? `risk score ${envelope.risk.score}` : 'risk score 0';
  const error = envelope.error;
  $('error').hidden = !error;
  $('error-message').textContent = error ? `${error.code}: ${error.message}` : '';
  $('error-line').textContent = error?.line !== undefined ? `line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ''}` : '';
  $('error-hint').textContent = error?.hint ?? '';
  const warnings = $('warnings');
  warnings.replaceChildren(...envelope.warnings.map((w) => el('li', w)));
  renderTimeline(envelope.trace ?? [], envelope.stats.durationMs);
  renderTable(envelope.result);
  const waiting = envelope.status === 'input_required' && envelope.approval ? `(waiting: job ${envelope.jobId ?? ''} runs once ${envelope.approval.tool} is approved below)` : '(no result)';
  $('result').textContent = envelope.result === undefined ? waiting : JSON.stringify(envelope.result, null, 2);
  $('logs').textContent = envelope.logs.map((l) => `[${l.level}] ${l.message}`).join('\n') || '(no logs)';
}

/**
 * The tenant's calls waiting for a person: each with its tool, arguments and the whole script, and
 * Approve / Deny. A decision resumes the job; the page waits for it and shows where it got to.
 */
async function loadApprovals(): Promise<void> {
  const status = $('approvals-status');
  try {
    const { approvals } = await api<{ approvals: { jobId: string; approval: PendingApproval }[] }>('/v1/approvals');
    status.textContent = approvals.length ? `${approvals.length} waiting, soonest to expire first` : 'Nothing waits for approval.';
    $('approvals').replaceChildren(...approvals.map(({ jobId, approval }) => approvalCard(jobId, approval)));
  } catch (err) {
    status.textContent = String((err as Error).message);
  }
}

function approvalCard(jobId: string, approval: PendingApproval): HTMLLIElement {
  const item = el('li', undefined, 'approval');
  item.dataset.job = jobId;
  item.dataset.tool = approval.tool;
  const when = el('span', ` · job ${jobId} · expires ${new Date(approval.expiresAt).toLocaleString()}`, 'muted');
  const args = el('pre', JSON.stringify(approval.args, null, 2), 'args');
  const script = el('details');
  script.append(el('summary', 'Script'), el('pre', approval.script, 'script'));
  const reason = el('input', undefined, 'reason');
  reason.placeholder = 'Reason (optional; a denial passes it to the script)';
  const approve = el('button', 'Approve', 'approve');
  const deny = el('button', 'Deny', 'deny');
  const outcome = el('span', '', 'muted outcome');
  const decide = async (decision: 'approve' | 'deny') => {
    approve.disabled = deny.disabled = true;
    try {
      await api(`/v1/jobs/${encodeURIComponent(jobId)}/approvals/${encodeURIComponent(approval.approvalId)}`, { decision, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
      outcome.textContent = `${decision === 'approve' ? 'Approved' : 'Denied'}; waiting for the job…`;
      const view = await api<JobView>(`/v1/jobs/${encodeURIComponent(jobId)}?waitMs=20000`);
      outcome.textContent = `job ${view.state}`;
      item.dataset.state = view.state;
      if (view.result) showEnvelope(view.result);
      await loadApprovals();
    } catch (err) {
      outcome.textContent = String((err as Error).message);
      approve.disabled = deny.disabled = false;
    }
  };
  approve.addEventListener('click', () => void decide('approve'));
  deny.addEventListener('click', () => void decide('deny'));
  const actions = el('div', undefined, 'actions');
  actions.append(reason, approve, deny, outcome);
  item.append(el('span', approval.tool, 'tool'), when, args, script, actions);
  return item;
}

function start(): void {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
  const keyInput = $<HTMLInputElement>('api-key');
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  keyInput.addEventListener('change', () => {
    sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim());
    void loadApprovals();
  });

  const names = Object.keys(EXAMPLES);
  const run = $<HTMLButtonElement>('run');
  // Ctrl/Cmd+Enter runs the script from the editor.
  const runKey = keymap.of([{ key: 'Mod-Enter', run: () => (run.click(), true) }]);
  const editor = new EditorView({
    doc: EXAMPLES[names[0]!]!,
    extensions: [runKey, basicSetup, javascript(), ...(nonce ? [EditorView.cspNonce.of(nonce)] : [])],
    parent: $('editor'),
  });
  const select = $<HTMLSelectElement>('examples');
  for (const name of names) select.append(new Option(name, name));
  select.addEventListener('change', () => {
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: EXAMPLES[select.value] ?? '' } });
  });

  $('approvals-refresh').addEventListener('click', () => void loadApprovals());
  // With a key from this session the list loads at once; otherwise when a key is typed, on Refresh, or after a run.
  if (keyInput.value) void loadApprovals();

  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $<HTMLInputElement>('search').value.trim();
    if (query) void search(query);
  });

  run.addEventListener('click', async () => {
    run.disabled = true;
    try {
      const envelope = await api<Envelope>('/v1/execute', { script: editor.state.doc.toString(), trace: true });
      showEnvelope(envelope);
      if (envelope.status === 'input_required') await loadApprovals();
    } catch (err) {
      showEnvelope({ status: 'request failed', error: { code: 'REQUEST', message: String((err as Error).message) }, logs: [], warnings: [], stats: { durationMs: 0, toolCalls: 0 } });
    } finally {
      run.disabled = false;
    }
  });
}

start();
