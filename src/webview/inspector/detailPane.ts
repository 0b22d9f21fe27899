// The inspector's lower pane: the selected frame pretty-printed, its links, and what can be done with it (copy the
// exact frame, resend, edit and resend, pin). Text only: the frame is set with textContent.
import type { FrameList } from '../../presentation/inspector/frameList';
import { prettyFrame } from '../../presentation/inspector/frames';
import { linkText } from '../../presentation/inspector/links';
import type { ViewMessage } from '../../presentation/inspector/protocol';
import { button, el } from './dom';

export interface DetailPaneDeps {
  list: FrameList;
  post(message: ViewMessage): void;
  /** The source can send frames again (a connected connection of ours). */
  canResend(): boolean;
  /** Selects a linked frame (and scrolls to it). */
  select(seq: number): void;
  /** A pin was set or removed on the selected frame. */
  pinned(): void;
}

export class DetailPane {
  readonly element: HTMLElement;
  private selected: number | undefined;
  private readonly copyButton: HTMLButtonElement;
  private readonly resendButton: HTMLButtonElement;
  private readonly editButton: HTMLButtonElement;
  private readonly pinButton: HTMLButtonElement;
  private readonly partners = el('span', { className: 'partners' });
  private readonly pre = el('pre', { className: 'json' });
  private readonly info = el('span', { className: 'info' });

  constructor(private readonly deps: DetailPaneDeps) {
    const seq = () => this.selected;
    this.copyButton = button('Copy', 'Copy the exact frame (pretty-printed EJSON)', () => {
      const s = seq();
      if (s !== undefined) deps.post({ type: 'copy', seq: s });
    });
    this.resendButton = button('Resend', 'Send this method or subscription again', () => {
      const s = seq();
      if (s !== undefined) deps.post({ type: 'resend', seq: s, edit: false });
    });
    this.editButton = button('Edit and Resend…', 'Edit the params, then send again', () => {
      const s = seq();
      if (s !== undefined) deps.post({ type: 'resend', seq: s, edit: true });
    });
    this.pinButton = button('Pin', 'Pin or unpin this frame', () => {
      const s = seq();
      if (s === undefined) return;
      deps.list.toggleBookmark(s);
      deps.pinned();
      this.show(s);
    });
    this.element = el(
      'section',
      { className: 'detail-pane' },
      el(
        'div',
        { className: 'toolbar' },
        this.copyButton,
        this.resendButton,
        this.editButton,
        this.pinButton,
        this.info,
        this.partners,
      ),
      this.pre,
    );
  }

  /** Shows the frame `seq` (or the empty state). */
  show(seq: number | undefined): void {
    this.selected = seq;
    const { list } = this.deps;
    const f = seq !== undefined ? list.frame(seq) : undefined;
    this.partners.replaceChildren();
    if (!f) {
      this.pre.textContent = 'Select a frame to see it in full.';
      this.info.textContent = '';
      for (const b of [this.copyButton, this.resendButton, this.editButton, this.pinButton]) b.disabled = true;
      return;
    }
    this.pre.textContent = prettyFrame(f.text);
    this.info.textContent = `#${f.seq} · ${f.dir === 'in' ? 'received' : 'sent'} ${new Date(f.at).toISOString()} · ${f.bytes} bytes`;
    const replayable = f.dir === 'out' && (f.msg === 'method' || f.msg === 'sub');
    const canResend = this.deps.canResend();
    this.copyButton.disabled = false;
    this.pinButton.disabled = false;
    this.pinButton.textContent = list.bookmarks.has(f.seq) ? 'Unpin' : 'Pin';
    this.resendButton.disabled = this.editButton.disabled = !(replayable && canResend);
    this.resendButton.title =
      replayable && !canResend
        ? 'Only a connected connection of ours can send again'
        : 'Send this method or subscription again';
    const link = list.linker.get(f.seq);
    for (const p of link?.partners ?? []) {
      const other = list.frame(p);
      if (!other) continue;
      this.partners.append(button(`${other.msg} #${p}`, 'Go to the linked frame', () => this.deps.select(p)));
    }
    const text = linkText(f, link);
    if (text) this.partners.prepend(el('span', { className: 'link', text }));
  }
}
