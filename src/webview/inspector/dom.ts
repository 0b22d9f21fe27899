// Small DOM helpers for the inspector webview. Text only: every string goes in through textContent or title.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  e.append(...children);
  return e;
}

export function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { text, title });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
export function clock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
