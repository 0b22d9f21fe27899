// End-to-end steps for proxies (issue 15), run by test/e2e/run.ts as scenario 20 (`E2E_ONLY=20 npm run test:e2e`).
// They need scenario 1's connection to the demo server. A local CONNECT proxy with Basic auth counts the tunnels;
// the steps write `http.proxy` into the user settings file, as a person editing settings.json would.
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
  const file = path.join(h.profile.userDataDir, 'User', 'settings.json');
  const original = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const setProxy = (url: string | undefined) =>
    fs.writeFileSync(file, JSON.stringify(url === undefined ? original : { ...original, 'http.proxy': url }, null, 2));
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
    await h.step('a wrong proxy password: the 407 sentence, no password in it', async () => {
      await wb.clearNotifications();
      setProxy(withPassword('wr0ng-pw'));
      const text = await wb.waitForNotification(/refused the tunnel: 407 Proxy Authentication Required/, 30_000);
      if (text.includes('wr0ng-pw') || text.includes(SECRET)) throw new Error(`credentials in "${text}"`);
      if (!text.includes(`127.0.0.1:${proxy.port}`)) throw new Error(`the proxy is not named: "${text}"`);
      return `"${text}"`;
    });
    await h.step('http.proxy removed: Connect reaches the demo directly again', async () => {
      const before = toDemo().length;
      setProxy(undefined);
      await wb.clearNotifications();
      await wb.runCommand('DDP: Connect to Server...');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit(demo.url);
      const status = await wb.waitForStatus(/DDP/, CONNECTED, 30_000);
      if (toDemo().length !== before) throw new Error('the proxy was still used after http.proxy was removed');
      return `status "${status}"`;
    });
  } finally {
    setProxy(undefined);
    await proxy.stop();
  }
}
