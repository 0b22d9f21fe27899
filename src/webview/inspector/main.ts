// The DDP Inspector webview: a thin view over FrameList (src/presentation/inspector). Every string from a server is
// set as text (textContent, value), never as markup. Talks to the extension only by messages.
import './inspector.css';
import { formatBytes } from '../../presentation/inspector/counters';
import { EMPTY_FILTER, type FilterSpec } from '../../presentation/inspector/filter';
import { FrameList } from '../../presentation/inspector/frameList';
import { FRAME_TYPES, type FrameType } from '../../presentation/inspector/frames';
import { isFrameBatch, unpackBatch } from '../../presentation/inspector/batch';
import { linkText } from '../../presentation/inspector/links';
import type { HostMessage, SourceInfo, ViewMessage } from '../../presentation/inspector/protocol';
import { VirtualList } from './virtualList';
import { button, clock, el } from './dom';
import { drawChart } from './chart';
import { DetailPane } from './detailPane';
import { timingRows } from './timing';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 22;

interface SavedState {
  key?: string;
  spec?: FilterSpec;
}
const saved = (vscode.getState() ?? {}) as SavedState;

const list = new FrameList(100_000);
let source: SourceInfo = { title: '', detail: '', live: false, canResend: false };
let key = saved.key ?? '';
let paused = false;
let selected: number | undefined;
let linked = new Set<number>();

// ---- header: source, counters, rate chart
const title = el('span', { className: 'title' });
const detail = el('span', { className: 'detail' });
const countersText = el('span', { className: 'counters' });
const chart = el('canvas', { className: 'chart', title: 'Frames per second, last minute' });
chart.width = 120;
chart.height = 22;
const header = el('header', {}, title, detail, el('span', { className: 'grow' }), countersText, chart);

// ---- type chips
const chipButtons = new Map<FrameType, HTMLButtonElement>();
const chips = el('div', { className: 'chips' });
const allChip = button('all', 'Show every type', () => setSpec({ ...list.spec, types: [] }));
allChip.className = 'chip';
chips.append(allChip);
for (const t of FRAME_TYPES) {
  const b = button(t, `Show ${t} frames (click again to remove)`, () => {
    const types = new Set(list.spec.types);
    if (types.has(t)) types.delete(t);
    else types.add(t);
    setSpec({ ...list.spec, types: [...types] });
  });
  b.className = 'chip';
  b.dataset.type = t;
  chipButtons.set(t, b);
  chips.append(b);
}

// ---- filters and actions
const search = el('input', { className: 'search', title: 'Search the frame text (case-insensitive)' });
search.type = 'search';
search.placeholder = 'Search frames';
const regex = el('input');
regex.type = 'checkbox';
const regexLabel = el('label', { title: 'Search with a regular expression' }, regex, document.createTextNode(' Regex'));
const direction = el('select', { title: 'Direction' });
for (const [value, label] of [
  ['all', 'In and out'],
  ['in', 'In (server → client)'],
  ['out', 'Out (client → server)'],
] as const) {
  const o = el('option', { text: label });
  o.value = value;
  direction.append(o);
}
const collection = el('input', { title: 'Collection contains' });
collection.placeholder = 'Collection';
const nameFilter = el('input', { title: 'Method or publication name contains' });
nameFilter.placeholder = 'Method / publication';
const pinnedOnly = el('input');
pinnedOnly.type = 'checkbox';
const pinnedLabel = el('label', { title: 'Only pinned frames' }, pinnedOnly, document.createTextNode(' Pinned'));
const pauseButton = button('Pause', 'Pause or resume capturing', () =>
  vscode.postMessage({ type: 'pause', paused: !paused }),
);
const clearButton = button('Clear', 'Clear the capture', () => vscode.postMessage({ type: 'clear' }));
const exportButton = button('Export…', 'Export the capture as JSON Lines (secrets masked)', () =>
  vscode.postMessage({ type: 'export', seqs: filterActive() ? list.shownSeqs() : null }),
);
const timingButton = button('Timing', 'Show methods and subscriptions as a waterfall over time', () =>
  setTiming(!timingOn),
);
const prevPin = button('◀ Pin', 'Previous pinned frame', () => jumpToBookmark(-1));
const nextPin = button('Pin ▶', 'Next pinned frame', () => jumpToBookmark(1));
const filters = el(
  'div',
  { className: 'filters' },
  search,
  regexLabel,
  direction,
  collection,
  nameFilter,
  pinnedLabel,
  el('span', { className: 'grow' }),
  timingButton,
  prevPin,
  nextPin,
  pauseButton,
  clearButton,
  exportButton,
);

// ---- the list
const COLUMNS = ['Time', '+ms', 'Dir', 'msg', 'Key', 'Link', 'Bytes', 'Preview'];
const columnHeader = el('div', { className: 'row head' }, ...COLUMNS.map((c) => el('span', { text: c })));
const listBox = el('div', { className: 'list' }, columnHeader);
const follow = button('↓ Follow new frames', 'Scroll to the newest frame and keep following', () =>
  virtual.scrollToEnd(),
);
follow.className = 'follow';
follow.hidden = true;
listBox.append(follow);

const virtual = new VirtualList(listBox, {
  rowHeight: ROW_HEIGHT,
  create: () => {
    const row = el('div', { className: 'row' }, ...COLUMNS.map(() => el('span')));
    row.addEventListener('click', () => {
      const f = list.frameAtRow(virtual.rowOf(row));
      if (f) select(f.seq, false);
    });
    return row;
  },
  render: (row, n) => {
    const f = list.frameAtRow(n);
    if (!f) return;
    const cells = row.children;
    cells[0].textContent = clock(f.at);
    cells[1].textContent = `+${f.gap}`;
    cells[2].textContent = f.dir === 'in' ? '⇣ in' : '⇡ out';
    cells[3].textContent = f.msg || '(none)';
    cells[4].textContent =
      f.name && f.dir === 'in' && (f.type === 'result' || f.type === 'updated') ? `${f.key} (${f.name})` : f.key;
    cells[5].textContent = linkText(f, list.linker.get(f.seq));
    cells[6].textContent = String(f.bytes);
    cells[7].textContent = f.preview;
    row.className = `row ${f.dir} t-${f.type}${f.seq === selected ? ' selected' : ''}${linked.has(f.seq) ? ' linked' : ''}${list.bookmarks.has(f.seq) ? ' pinned' : ''}`;
    row.setAttribute('aria-selected', String(f.seq === selected));
  },
});
virtual.onFollowChange = (on) => {
  follow.hidden = on;
};
virtual.viewport.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  const current = selected !== undefined ? list.rowOfSeq(selected) : -1;
  const next = Math.min(list.rows - 1, Math.max(0, current + (e.key === 'ArrowDown' ? 1 : -1)));
  const f = list.frameAtRow(next);
  if (f) select(f.seq, true);
});

// ---- the selected frame
const detailPane = new DetailPane({
  list,
  post: (m) => vscode.postMessage(m),
  canResend: () => source.canResend,
  select: (seq) => select(seq, true),
  pinned: () => refreshRows(),
});

const status = el('footer');

// ---- the timing view: methods and subscriptions as bars from their frame to their answer
const timingBox = el('div', { className: 'timing' });
timingBox.hidden = true;
let timingOn = false;
function setTiming(on: boolean): void {
  timingOn = on;
  timingBox.hidden = !on;
  listBox.hidden = on;
  timingButton.classList.toggle('on', on);
  timingButton.setAttribute('aria-pressed', String(on));
  if (on) renderTiming();
  else virtual.schedule();
}
function renderTiming(): void {
  timingBox.replaceChildren(
    ...timingRows(list, selected, (seq) => {
      select(seq, false);
      renderTiming();
    }),
  );
}

document.body.append(header, chips, filters, listBox, timingBox, detailPane.element, status);

function select(seq: number, reveal: boolean): void {
  selected = seq;
  linked = new Set(list.linker.get(seq)?.partners ?? []);
  if (reveal) {
    const row = list.rowOfSeq(seq);
    if (row >= 0) virtual.reveal(row);
  }
  virtual.render();
  showDetail();
}

function showDetail(): void {
  detailPane.show(selected);
}

function jumpToBookmark(dir: 1 | -1): void {
  const seq = list.nextBookmark(selected, dir);
  if (seq === undefined) return;
  if (list.rowOfSeq(seq) < 0) setSpec({ ...EMPTY_FILTER, types: [] }); // a pin hidden by the filter: show everything
  select(seq, true);
}

function filterActive(): boolean {
  const s = list.spec;
  return (
    s.types.length > 0 ||
    !!s.text ||
    s.direction !== 'all' ||
    !!s.collection.trim() ||
    !!s.name.trim() ||
    s.bookmarkedOnly
  );
}

function setSpec(spec: FilterSpec): void {
  list.setFilter(spec);
  search.value = spec.text;
  regex.checked = spec.regex;
  direction.value = spec.direction;
  collection.value = spec.collection;
  nameFilter.value = spec.name;
  pinnedOnly.checked = spec.bookmarkedOnly;
  search.classList.toggle('invalid', !!list.filterError);
  search.title = list.filterError ?? 'Search the frame text (case-insensitive)';
  vscode.setState({ key, spec } satisfies SavedState);
  refreshRows();
}

let typing: ReturnType<typeof setTimeout> | undefined;
function specFromInputs(): FilterSpec {
  return {
    types: list.spec.types,
    text: search.value,
    regex: regex.checked,
    direction: direction.value === 'in' || direction.value === 'out' ? direction.value : 'all',
    collection: collection.value,
    name: nameFilter.value,
    bookmarkedOnly: pinnedOnly.checked,
  };
}
for (const input of [search, collection, nameFilter]) {
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => setSpec(specFromInputs()), 120);
  });
}
for (const input of [regex, direction, pinnedOnly]) input.addEventListener('change', () => setSpec(specFromInputs()));

let rowsPending = false;
/** A flood is several messages per animation frame: the rows are laid out once for all of them. */
function rowsArrived(): void {
  if (rowsPending) return;
  rowsPending = true;
  requestAnimationFrame(() => {
    rowsPending = false;
    refreshRows();
  });
}

let chromePending = false;
/** Rows, counters and chips; at most once per animation frame however many batches arrive. */
function refreshRows(): void {
  virtual.setRows(list.rows);
  if (chromePending) return;
  chromePending = true;
  requestAnimationFrame(() => {
    chromePending = false;
    refreshChrome();
  });
}

function refreshChrome(): void {
  const c = list.counters;
  const now = Date.now();
  countersText.textContent = `in ${c.framesIn.toLocaleString('en-US')} · ${formatBytes(c.bytesIn)}   out ${c.framesOut.toLocaleString('en-US')} · ${formatBytes(c.bytesOut)}   ${c.perSecond(now).toLocaleString('en-US')}/s`;
  const active = new Set(list.spec.types);
  allChip.classList.toggle('on', active.size === 0);
  for (const [t, b] of chipButtons) {
    b.textContent = `${t} ${c.byType[t].toLocaleString('en-US')}`;
    b.classList.toggle('on', active.has(t));
    b.setAttribute('aria-pressed', String(active.has(t)));
  }
  const shown = list.rows.toLocaleString('en-US');
  const total = list.frames.length.toLocaleString('en-US');
  status.textContent = `${total} frames${filterActive() ? ` · ${shown} shown` : ''}${list.filterError ? ` · ${list.filterError}` : ''}${paused ? ' · capture paused' : ''}${source.live ? '' : ' · offline'} · keeps the last ${list.maxFrames.toLocaleString('en-US')}`;
  drawChart(chart, c.rates(now));
  if (timingOn) renderTiming();
}

setInterval(refreshChrome, 1000);

function setSource(s: SourceInfo): void {
  source = s;
  title.textContent = s.title;
  detail.textContent = s.detail;
  pauseButton.disabled = !s.live;
  showDetail();
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      key = m.key;
      list.maxFrames = m.maxFrames;
      list.frames = [];
      list.clear();
      selected = undefined;
      linked = new Set();
      paused = m.paused;
      pauseButton.textContent = paused ? 'Resume' : 'Pause';
      setSource(m.source);
      setSpec(saved.spec && typeof saved.spec === 'object' ? { ...EMPTY_FILTER, ...saved.spec } : list.spec);
      break;
    case 'frames': {
      const batches: unknown[] = Array.isArray(m.batches) ? m.batches : [];
      for (const batch of batches) {
        if (isFrameBatch(batch)) list.append(unpackBatch(batch));
        else status.textContent = 'A batch of frames arrived in a shape this inspector cannot read: it was skipped.';
      }
      rowsArrived();
      break;
    }
    case 'source':
      setSource(m.source);
      refreshChrome();
      break;
    case 'paused':
      paused = m.paused;
      pauseButton.textContent = paused ? 'Resume' : 'Pause';
      refreshChrome();
      break;
    case 'maxFrames':
      list.setMaxFrames(m.maxFrames);
      if (selected !== undefined && !list.frame(selected)) selected = undefined;
      showDetail();
      refreshRows();
      break;
    case 'cleared':
      list.clear();
      selected = undefined;
      linked = new Set();
      showDetail();
      refreshRows();
      break;
  }
});

showDetail();
vscode.postMessage({ type: 'ready' });
