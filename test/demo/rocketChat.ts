// `npm start -- --rocket-chat`: also starts the Rocket.Chat-shaped server of the tests (test/support/
// rocketChatServer.ts) beside the demo server, with a few stream events every few seconds, to try streams and
// two-factor by hand (Connect to Server... with the URL it prints; Log In as the user it names).
import { RC_PLAIN_USER, RC_USER, startRocketChatServer } from '../support/rocketChatServer';

const ROOMS = ['GENERAL', 'random', 'support'];

/** Starts it on `port` (0: any free one); returns its stop function. */
export async function startRocketChatDemo(port: number): Promise<() => Promise<void>> {
  const rc = await startRocketChatServer({ port, anonymousRead: true });
  let n = 0;
  const timer = setInterval(() => {
    n++;
    const rid = ROOMS[n % ROOMS.length];
    rc.emit('stream-room-messages', rid, { _id: `demo-${n}`, rid, msg: `Demo message ${n}`, ts: new Date() });
    if (n % 3 === 0)
      rc.emit('stream-notify-all', 'public-settings-changed', 'updated', { _id: 'Site_Name', value: `Demo ${n}` });
    if (n % 2 === 0) rc.emit('stream-notify-user', `${RC_USER.id}/notification`, { title: `Ping ${n}`, text: 'Hello' });
  }, 2000);
  console.log(
    [
      `Rocket.Chat-shaped server listening on ${rc.url}`,
      '  streams: stream-room-messages (GENERAL, random, support or __my_messages__; a message every 2 s),',
      `           stream-notify-all (public-settings-changed), stream-notify-user (${RC_USER.id}/notification), ...`,
      `  two-factor login: user "${RC_USER.username}", password "${RC_USER.password}", code ${RC_USER.code}`,
      `  plain login: user "${RC_PLAIN_USER.username}", password "${RC_PLAIN_USER.password}"`,
      '  methods: saveUserProfile(...) (asks for the two-factor code), sendMessage({rid, msg})',
    ].join('\n'),
  );
  return async () => {
    clearInterval(timer);
    await rc.close();
  };
}
