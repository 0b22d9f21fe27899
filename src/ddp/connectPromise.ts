/**
 * The promises of connect() calls made before the session is up: all of them settle together, on the first DDP
 * `connected` or on the error that ends the attempt (close, version mismatch, giving up), so none is left hanging.
 */
export class ConnectPromise {
  private pending?: { resolve(): void; reject(error: Error): void };

  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const previous = this.pending;
      this.pending = {
        resolve: () => (previous?.resolve(), resolve()),
        reject: (e) => (previous?.reject(e), reject(e)),
      };
    });
  }

  settle(error?: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve();
  }
}
