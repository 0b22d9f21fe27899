// The timing view: methods and subscriptions as bars from their frame to their answer (a waterfall).
import type { FrameList } from '../../presentation/inspector/frameList';
import { layoutSpans, spansOf } from '../../presentation/inspector/timeline';
import { clock, el } from './dom';

/** The axis line, then one row per method or subscription; clicking a row selects its frame. */
export function timingRows(
  list: FrameList,
  selected: number | undefined,
  onSelect: (seq: number) => void,
): HTMLElement[] {
  const spans = spansOf(list);
  const { bars, from, to } = layoutSpans(spans, Date.now());
  const axis = el('div', {
    className: 'axis',
    text: spans.length
      ? `${clock(from)} — ${clock(to)} (${Math.round(to - from).toLocaleString('en-US')} ms)`
      : 'No method or subscription sent yet.',
  });
  const rows = spans.map((span, i) => {
    const bar = el('div', { className: `bar ${span.kind} ${span.outcome}` });
    bar.style.left = `${(bars[i].left * 100).toFixed(3)}%`;
    bar.style.width = `${(bars[i].width * 100).toFixed(3)}%`;
    const ms = span.ms !== undefined ? `${Math.round(span.ms)} ms` : 'waiting';
    const row = el(
      'div',
      {
        className: `span${span.seq === selected ? ' selected' : ''}`,
        title: `${span.kind} ${span.name}: ${span.outcome} ${ms}`,
      },
      el('span', { className: 'label', text: `${span.kind === 'method' ? 'method' : 'sub'} ${span.name}` }),
      el('span', { className: 'ms', text: ms }),
      el('div', { className: 'track' }, bar),
    );
    row.addEventListener('click', () => onSelect(span.seq));
    return row;
  });
  return [axis, ...rows];
}
