// The tap in a process of its own for bench/inspector.ts (as in VS Code, where it runs in the extension host):
// started with the target URL, it answers { url } over IPC and runs until killed.
import { Tap } from '../src/core/tap';

void Tap.start({ target: process.argv[2], maxFrames: 100_000 }).then((tap) => process.send?.({ url: tap.url }));
