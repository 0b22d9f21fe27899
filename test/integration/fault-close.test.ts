// Faults: close() during every state (idle, connecting, waiting to reconnect, reconnecting, connected, with a
// ping outstanding, with a peer that never answers the close handshake) leaves no socket, timer or listener.
//
// The clients run in a child process of their own (this same file, with FAULT_CLOSE_PLAN set) so that the
// servers and proxy of the test cannot hide or add handles: for each state in turn the child compares
// process.getActiveResourcesInfo() after close() with a baseline taken just before, and after the last one
// it must exit by itself (an empty event loop) without process.exit().

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startRealServer } from '../support/realServer';
import { startScriptServer } from '../support/scriptServer';
import { startProxy, type ProxyPair } from '../support/proxy';
import { refusedPort } from '../support/clients';
import { DdpClient, type DdpEventName } from '../../src/ddp';

type State =
  | 'idle'
  | 'connecting-upgrade'
  | 'connecting-ddp'
  | 'reconnecting-wait'
  | 'reconnecting-opening'
  | 'connected'
  | 'connected-ping-outstanding'
  | 'connected-peer-silent'
  | 'closed-then-reopened';

interface ChildReport {
  state: State;
  statusBeforeClose: string;
  statusAfterClose: string;
  baseline: string[];
  after: string[];
  settledMs: number;
  listenersBefore: Record<string, number>;
  listenersAfter: Record<string, number>;
  callOutcomes: string[];
  eventsAfterClose: string[];
}

const PROCESS_EVENTS = [
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
  'warning',
  'SIGINT',
  'SIGTERM',
];

function listenerCounts(): Record<string, number> {
  return Object.fromEntries(PROCESS_EVENTS.map((e) => [e, process.listenerCount(e)]));
}

/** Active resources, read inside a timer callback (the timer that runs it is no longer active). */
function resources(): Promise<string[]> {
  return new Promise((resolve) => setTimeout(() => resolve(process.getActiveResourcesInfo().sort()), 1));
}

function waitEvent(
  c: DdpClient,
  event: DdpEventName,
  pred: (...a: any[]) => boolean = () => true,
  ms = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.off(event, on);
      reject(new Error(`child: no '${event}' within ${ms} ms (status ${c.status})`));
    }, ms);
    const on = (...a: any[]) => {
      if (!pred(...a)) return;
      clearTimeout(timer);
      c.off(event, on);
      resolve();
    };
    c.on(event, on);
  });
}

async function child(state: State, url: string): Promise<void> {
  const baseline = await resources();
  const listenersBefore = listenerCounts();
  const debugLines: string[] = [];
  const debugWaiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const options = {
    autoReconnectTimeout: 30,
    maxReconnectTimeout: 200,
    heartbeatInterval: 0,
    connectTimeout: 5000,
    debug: (line: string) => {
      debugLines.push(line);
      for (const w of [...debugWaiters])
        if (w.re.test(line)) {
          debugWaiters.splice(debugWaiters.indexOf(w), 1);
          w.resolve();
        }
    },
  };
  const sawLine = (re: RegExp) =>
    debugLines.some((l) => re.test(l))
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`child: no debug line ${re}`)), 5000);
          debugWaiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        });
  const calls: Array<Promise<string>> = [];
  const track = (p: Promise<unknown>) =>
    calls.push(
      p.then(
        (v) => `resolved ${JSON.stringify(v)}`,
        (e) => `rejected ${e?.name} ${e?.code} ${e?.message}`,
      ),
    );
  let c: DdpClient;
  const ignore = () => undefined;

  switch (state) {
    case 'idle':
      c = new DdpClient(url, options);
      track(c.call('echo', ['never sent']));
      break;
    case 'connecting-upgrade':
      // The proxy accepts the TCP connection and never forwards: the HTTP upgrade is in flight.
      c = new DdpClient(url, options);
      c.connect().catch(ignore);
      // connect() emitted 'connecting' synchronously; give the TCP connect a moment to complete so the
      // upgrade request is what is in flight (either way the state is 'connecting', which is asserted).
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
      track(c.call('echo', ['queued']));
      break;
    case 'connecting-ddp':
      // The socket is open and `connect` sent; the server never answers it.
      c = new DdpClient(url, options);
      c.connect().catch(ignore);
      c.subscribe('docs', ['x']);
      await sawLine(/^> \{"msg":"connect"/);
      break;
    case 'reconnecting-wait':
      // Nothing listens: the first attempt fails and the next one is a long backoff away.
      c = new DdpClient(url, { ...options, autoReconnectTimeout: 60_000, maxReconnectTimeout: 60_000 });
      c.connect().catch(ignore);
      await waitEvent(c, 'reconnecting');
      track(c.call('echo', ['queued']));
      break;
    case 'reconnecting-opening':
      // Connected once; the proxy stalls every later connection, so the reconnect attempt is mid-upgrade.
      c = new DdpClient(url, options);
      await c.connect();
      c.reconnectNow();
      await waitEvent(c, 'connecting');
      track(c.call('echo', ['queued']));
      break;
    case 'connected':
      c = new DdpClient(url, { ...options, heartbeatInterval: 200, heartbeatTimeout: 5000 });
      await c.connect();
      await new Promise<void>((resolve, reject) => c.subscribe('docs', ['items'], (e) => (e ? reject(e) : resolve())));
      track(c.call('slow', ['never released']));
      await new Promise<void>((resolve) => setTimeout(resolve, 1)); // let the call go out
      break;
    case 'connected-ping-outstanding':
      // The server never answers pings: close while our ping waits for its pong.
      c = new DdpClient(url, { ...options, heartbeatInterval: 50, heartbeatTimeout: 10_000 });
      await c.connect();
      await sawLine(/^> \{"msg":"ping"/);
      break;
    case 'connected-peer-silent':
      // The proxy stalls the link right after `connected`: our close frame is never answered.
      c = new DdpClient(url, options);
      await c.connect();
      track(c.call('echo', ['lost in the stall']));
      break;
    case 'closed-then-reopened':
      c = new DdpClient(url, options);
      await c.connect();
      c.close();
      c.close();
      await c.connect();
      track(c.call('echo', ['answered']));
      await calls[0];
      break;
  }
  const statusBeforeClose = c.status;
  const eventsAfterClose: string[] = [];
  const events = ['connecting', 'connected', 'reconnected', 'reconnecting', 'status', 'socket_closed'] as const;
  c.close();
  for (const e of events) c.on(e, (...a: unknown[]) => eventsAfterClose.push(`${e} ${JSON.stringify(a)}`));
  const statusAfterClose = c.status;
  const started = Date.now();
  let after = await resources();
  while (after.join() !== baseline.join() && Date.now() - started < 3000) after = await resources();
  const settledMs = Date.now() - started;
  const callOutcomes = await Promise.all(calls);
  const report: ChildReport = {
    state,
    statusBeforeClose,
    statusAfterClose,
    baseline,
    after,
    settledMs,
    listenersBefore,
    listenersAfter: listenerCounts(),
    callOutcomes,
    eventsAfterClose,
  };
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  // No process.exit(): the parent checks that this process now exits on its own.
}

interface ChildRun {
  reports: Map<State, ChildReport>;
  code: number | null;
  output: string;
  /** ms from the last report to the child's exit (it must exit by itself: nothing left to keep it alive). */
  exitMs: number;
}

function runChild(plan: Array<[State, string]>, timeoutMs = 45_000): Promise<ChildRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', __filename], {
      env: { ...process.env, FAULT_CLOSE_PLAN: JSON.stringify(plan) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let lastReportAt = 0;
    proc.stdout.on('data', (d) => {
      output += d;
      if (String(d).includes('REPORT ')) lastReportAt = Date.now();
    });
    proc.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      const reports = new Map<State, ChildReport>();
      for (const line of output.split('\n')) {
        if (!line.startsWith('REPORT ')) continue;
        const r = JSON.parse(line.slice(7)) as ChildReport;
        reports.set(r.state, r);
      }
      resolve({ reports, code, output, exitMs: lastReportAt ? Date.now() - lastReportAt : -1 });
    });
  });
}

if (process.env.FAULT_CLOSE_PLAN) {
  // One state after the other; each compares against a baseline taken just before it, so a state is
  // judged on its own handles. After the last one the process must exit by itself.
  void (async () => {
    for (const [state, url] of JSON.parse(process.env.FAULT_CLOSE_PLAN!) as Array<[State, string]>) {
      try {
        await child(state, url);
      } catch (err) {
        process.stdout.write(`CHILD FAILED ${state}: ${(err as Error)?.stack ?? err}\n`);
        process.exitCode = 3;
      }
    }
  })();
} else {
  describe('fault-close: close() in every state leaves no socket, timer or listener', () => {
    const expectations: Array<[State, string, (t: import('node:test').TestContext) => Promise<string>]> = [
      ['idle', 'idle', async () => 'ws://127.0.0.1:9/websocket'],
      [
        'connecting-upgrade',
        'connecting',
        async (t) => {
          const s = await startRealServer();
          t.after(() => s.close());
          const proxy = await startProxy({ port: s.port });
          t.after(() => proxy.close());
          proxy.stallNew = ['up', 'down'];
          return proxy.url;
        },
      ],
      [
        'connecting-ddp',
        'connecting',
        async (t) => {
          const s = await startScriptServer({ autoConnect: false });
          t.after(() => s.close());
          return s.url;
        },
      ],
      ['reconnecting-wait', 'reconnecting', async () => `ws://127.0.0.1:${await refusedPort()}/websocket`],
      [
        'reconnecting-opening',
        'reconnecting',
        async (t) => {
          const s = await startRealServer();
          t.after(() => s.close());
          const proxy = await startProxy({ port: s.port });
          t.after(() => proxy.close());
          proxy.on('pair', (p: ProxyPair) => p.index > 0 && p.stall());
          return proxy.url;
        },
      ],
      [
        'connected',
        'connected',
        async (t) => {
          const s = await startRealServer();
          t.after(() => s.close());
          for (let i = 0; i < 50; i++) s.store.set('items', `i${i}`, { i });
          return s.url;
        },
      ],
      [
        'connected-ping-outstanding',
        'connected',
        async (t) => {
          const s = await startScriptServer({ autoPong: false });
          t.after(() => s.close());
          return s.url;
        },
      ],
      [
        'connected-peer-silent',
        'connected',
        async (t) => {
          const s = await startScriptServer();
          t.after(() => s.close());
          const proxy = await startProxy({ port: s.port });
          t.after(() => proxy.close());
          proxy.on('pair', (p: ProxyPair) =>
            p.on('data', (dir, data: Buffer) => {
              if (dir === 'down' && data.includes('"connected"')) p.stall();
            }),
          );
          return proxy.url;
        },
      ],
      [
        'closed-then-reopened',
        'connected',
        async (t) => {
          const s = await startRealServer();
          t.after(() => s.close());
          return s.url;
        },
      ],
    ];

    const cleanups: Array<() => unknown> = [];
    let run: ChildRun | undefined;
    before(async () => {
      const fakeT = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as import('node:test').TestContext;
      const plan: Array<[State, string]> = [];
      for (const [state, , setup] of expectations) plan.push([state, await setup(fakeT)]);
      run = await runChild(plan);
    });
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    for (const [state, status] of expectations) {
      test(`close() while ${state}`, { timeout: 60_000 }, () => {
        const report = run?.reports.get(state);
        assert.ok(report, `the child reported nothing for ${state}:\n${run?.output}`);
        assert.equal(report.statusBeforeClose, status, 'the child did not reach the state');
        assert.equal(report.statusAfterClose, 'closed');
        assert.deepEqual(report.after, report.baseline, `handles left ${report.settledMs} ms after close()`);
        // A peer that never answers the close handshake may hold the socket for the 1 s close grace period.
        assert.ok(
          report.settledMs <= (state === 'connected-peer-silent' ? 1600 : 300),
          `handles took ${report.settledMs} ms to go`,
        );
        assert.deepEqual(report.listenersAfter, report.listenersBefore);
        for (const outcome of report.callOutcomes) {
          if (state === 'closed-then-reopened') assert.equal(outcome, 'resolved "answered"');
          else assert.match(outcome, /^rejected DdpConnectionError CLOSED /);
        }
        const forbidden = report.eventsAfterClose.filter(
          (e) => /^(connecting|connected|reconnected|reconnecting) /.test(e) || /^status \["(?!closed)/.test(e),
        );
        assert.deepEqual(forbidden, [], 'the client came back to life after close()');
      });
    }

    test('after the last close() the process exits by itself (nothing keeps the event loop alive)', () => {
      assert.ok(run, 'the child did not run');
      assert.equal(run.code, 0, `the child did not exit cleanly:\n${run.output}`);
      assert.ok(run.exitMs >= 0 && run.exitMs < 2000, `the child took ${run.exitMs} ms to exit after its last report`);
    });
  });
}
