// Linked frames: a method with its result and updated, a subscription with its ready or nosub, and the times
// between them. Incremental: each frame is linked once, as it arrives. Plain module (also in the webview).
import type { FrameView } from './frames';

export interface Link {
  /** seqs of the frames that belong with this one (the method for a result, the result and updated for a method). */
  partners: number[];
  /** The method or publication name, for answers that carry only an id. */
  name?: string;
  /** On a method: ms from the method to its result and to its updated. */
  resultMs?: number;
  updatedMs?: number;
  /** On a sub: ms to its ready or nosub. */
  readyMs?: number;
  nosubMs?: number;
  /** On an answer: ms since its method or sub. */
  ms?: number;
}

interface Open {
  seq: number;
  at: number;
  name: string;
}

export class FrameLinker {
  private readonly links = new Map<number, Link>();
  /** Latest outgoing method/sub per id: ids restart with each new client, so the latest one is the one answered. */
  private readonly methods = new Map<string, Open>();
  private readonly subs = new Map<string, Open>();

  get(seq: number): Link | undefined {
    return this.links.get(seq);
  }

  /** Links a frame to what came before it; fills `f.name` on answers. Frames must come in seq order. */
  add(f: FrameView): void {
    if (f.dir === 'out') {
      if (f.type === 'method' && f.id !== undefined)
        this.methods.set(f.id, { seq: f.seq, at: f.at, name: f.name ?? '' });
      else if (f.msg === 'sub' && f.id !== undefined) this.subs.set(f.id, { seq: f.seq, at: f.at, name: f.name ?? '' });
      else if (f.msg === 'unsub' && f.id !== undefined) this.answer(f, this.subs.get(f.id), undefined);
      return;
    }
    switch (f.type) {
      case 'result': {
        const open = f.id !== undefined ? this.methods.get(f.id) : undefined;
        this.answer(f, open, 'resultMs');
        break;
      }
      case 'updated':
        for (const id of f.ids ?? []) this.answer(f, this.methods.get(id), 'updatedMs');
        break;
      case 'ready':
        for (const id of f.ids ?? []) this.answer(f, this.subs.get(id), 'readyMs');
        break;
      case 'nosub': {
        const open = f.id !== undefined ? this.subs.get(f.id) : undefined;
        this.answer(f, open, 'nosubMs');
        if (f.id !== undefined && open) this.subs.delete(f.id);
        break;
      }
      default:
    }
  }

  private answer(
    f: FrameView,
    open: Open | undefined,
    field: 'resultMs' | 'updatedMs' | 'readyMs' | 'nosubMs' | undefined,
  ): void {
    if (!open) return;
    const ms = f.at - open.at;
    const opener = this.linkOf(open.seq);
    opener.partners.push(f.seq);
    if (field && opener[field] === undefined) opener[field] = ms;
    const answer = this.linkOf(f.seq);
    answer.partners.push(open.seq);
    // One `updated` or `ready` can answer several: name them all.
    answer.name = answer.name ? `${answer.name}, ${open.name}` : open.name;
    if (answer.ms === undefined) answer.ms = ms;
    f.name = answer.name;
  }

  private linkOf(seq: number): Link {
    let link = this.links.get(seq);
    if (!link) {
      link = { partners: [] };
      this.links.set(seq, link);
    }
    return link;
  }

  /** Forgets links of frames older than `seq` (dropped from the capture), so memory stays bounded. */
  forgetBefore(seq: number): void {
    for (const key of this.links.keys()) {
      if (key >= seq) break;
      this.links.delete(key);
    }
    for (const map of [this.methods, this.subs]) {
      for (const [id, open] of map) if (open.seq < seq) map.delete(id);
    }
  }

  clear(): void {
    this.links.clear();
    this.methods.clear();
    this.subs.clear();
  }
}

/** The short text of the link column: `→ result 3 ms · updated 4 ms`, `← math.add 3 ms`. */
export function linkText(f: FrameView, link: Link | undefined): string {
  if (!link) {
    if (f.dir === 'out' && f.type === 'method') return '→ waiting';
    if (f.dir === 'out' && f.msg === 'sub') return '→ waiting';
    return '';
  }
  const ms = (n: number | undefined) => (n === undefined ? '…' : `${Math.round(n)} ms`);
  if (f.dir === 'out' && f.type === 'method') return `→ result ${ms(link.resultMs)} · updated ${ms(link.updatedMs)}`;
  if (f.dir === 'out' && f.msg === 'sub') {
    if (link.nosubMs !== undefined && link.readyMs === undefined) return `→ nosub ${ms(link.nosubMs)}`;
    return `→ ready ${ms(link.readyMs)}`;
  }
  return link.name !== undefined ? `← ${link.name}${link.ms !== undefined ? ` ${ms(link.ms)}` : ''}` : '';
}
