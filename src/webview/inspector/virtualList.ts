// A windowed list of fixed-height rows: only the rows in view exist in the DOM (a pool reused on every scroll), so
// 100,000 frames scroll like 100. With one fixed row height, windowing is arithmetic; see README "How it works".

export interface VirtualListOptions {
  rowHeight: number;
  /** Fills a pooled row element for `row`. Text only: never markup. */
  render(element: HTMLElement, row: number): void;
  /** A new row element (called while the pool grows). */
  create(): HTMLElement;
}

export class VirtualList {
  readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private rows = 0;
  /** Follow new rows at the bottom; off while the user has scrolled up. */
  follow = true;
  private frame = 0;
  onFollowChange?: (follow: boolean) => void;

  constructor(
    parent: HTMLElement,
    private readonly options: VirtualListOptions,
  ) {
    this.viewport = document.createElement('div');
    this.viewport.className = 'viewport';
    this.viewport.tabIndex = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.viewport.append(this.spacer);
    parent.append(this.viewport);
    this.viewport.addEventListener('scroll', () => {
      const atBottom =
        this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - this.options.rowHeight / 2;
      if (atBottom !== this.follow) {
        this.follow = atBottom;
        this.onFollowChange?.(atBottom);
      }
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** The row count changed (new frames, a filter): keeps the bottom in view while following. */
  setRows(rows: number): void {
    this.rows = rows;
    this.spacer.style.height = `${rows * this.options.rowHeight}px`;
    if (this.follow) this.viewport.scrollTop = this.viewport.scrollHeight;
    this.schedule();
  }

  /** Scrolls so that `row` is in view (centred when it was far away). */
  reveal(row: number): void {
    const h = this.options.rowHeight;
    const top = row * h;
    const view = this.viewport;
    if (top < view.scrollTop || top + h > view.scrollTop + view.clientHeight) {
      view.scrollTop = Math.max(0, top - view.clientHeight / 2);
    }
    this.schedule();
  }

  scrollToEnd(): void {
    this.follow = true;
    this.onFollowChange?.(true);
    this.viewport.scrollTop = this.viewport.scrollHeight;
    this.schedule();
  }

  /** The row under a pooled element (for clicks). */
  rowOf(element: HTMLElement): number {
    return Number(element.dataset.row ?? -1);
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders now (all visible rows again: selection and links may have changed). */
  render(): void {
    const h = this.options.rowHeight;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / h));
    const count = Math.min(this.rows - first, Math.ceil(this.viewport.clientHeight / h) + 1);
    while (this.pool.length < count) {
      const el = this.options.create();
      el.style.height = `${h}px`;
      this.pool.push(el);
      this.spacer.append(el);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i];
      if (i >= count) {
        el.hidden = true;
        continue;
      }
      const row = first + i;
      el.hidden = false;
      el.dataset.row = String(row);
      el.style.transform = `translateY(${row * h}px)`;
      this.options.render(el, row);
    }
  }
}
