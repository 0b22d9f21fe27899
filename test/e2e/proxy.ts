// End-to-end steps for proxies (issue 15), run by test/e2e/run.ts as scenario 20 (`E2E_ONLY=20 npm run test:e2e`).
// They need scenario 1's connection to the demo server. A local CONNECT proxy with Basic auth counts the tunnels;
// the step writes `http.proxy` into the settings files, as a person editing settings.json would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoServer } from '../demo/server';
import { startConnectProxy } from '../support/connectProxy';
import type { Profile } from '../tooling/codeserver';
import { type Workbench, until } from './workbench';

export interface ProxyHarness {
  wb: Workbench;
  demo: DemoServer;
  profile: Profile;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

const SECRET = 'e2e-pr0xy-pw';
const CONNECTED = /(^|[^a-z])connected/i;

export async function proxyScenario(h: ProxyHarness): Promise<void> {
  const { wb, demo } = h;
  // In code-server the extension host runs on the "remote" side, where http.proxy may be a machine setting (the
  // Remote tab, Machine/settings.json) or come from the user's settings: both files get it, as a person might set it.
  const files = [
    path.join(h.profile.userDataDir, 'User', 'settings.json'),
    path.join(h.profile.userDataDir, 'Machine', 'settings.json'),
  ];
  const originals = files.map((file) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  });
  const setProxy = (url: string | undefined) =>
    files.forEach((file, i) => {
      const next = url === undefined ? originals[i] : { ...originals[i], 'http.proxy': url };
      fs.writeFileSync(file, JSON.stringify(next, null, 2));
    });
  const proxy = await startConnectProxy({ auth: { user: 'e2e', password: SECRET } });
  const withPassword = (pw: string) => proxy.url.replace('//', `//e2e:${pw}@`);
  const toDemo = () => proxy.requests.filter((r) => r.target === `127.0.0.1:${demo.port}`);
  try {
    await h.step('http.proxy with Basic credentials: the open connection reconnects through the proxy', async () => {
      setProxy(withPassword(SECRET));
      await until(
        async () => toDemo().some((r) => r.status === 200) || undefined,
        'a tunnel to the demo server',
        30_000,
      );
      const status = await wb.waitForStatus(/DDP/, CONNECTED, 30_000);
      return `${toDemo().length} CONNECT to the demo through 127.0.0.1:${proxy.port}; status "${status}"`;
    });
  } finally {
    setProxy(undefined);
    await proxy.stop();
  }
}
