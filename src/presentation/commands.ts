// Every command id of the extension, in one map: registrations (src/vscode/commands), tree rows that run a command on
// click, the status bar's actions and the menus in package.json all name commands from here, and a unit test checks
// this map against package.json's contributes.commands and menus (both directions). Plain module: no VS Code API,
// because view models name commands too.

export const COMMANDS = {
  connect: 'ddpExplorer.connect',
  addConnection: 'ddpExplorer.addConnection',
  removeConnection: 'ddpExplorer.removeConnection',
  disconnect: 'ddpExplorer.disconnect',
  reconnect: 'ddpExplorer.reconnect',
  refresh: 'ddpExplorer.refresh',
  showLog: 'ddpExplorer.showLog',
  statusActions: 'ddpExplorer.statusActions',
  subscribe: 'ddpExplorer.subscribe',
  unsubscribe: 'ddpExplorer.unsubscribe',
  callMethod: 'ddpExplorer.callMethod',
  login: 'ddpExplorer.login',
  logout: 'ddpExplorer.logout',
  openDocument: 'ddpExplorer.openDocument',
  copyDocument: 'ddpExplorer.copyDocument',
  copyId: 'ddpExplorer.copyId',
  copyValue: 'ddpExplorer.copyValue',
  copyPath: 'ddpExplorer.copyPath',
  filterCollection: 'ddpExplorer.filterCollection',
  clearFilter: 'ddpExplorer.clearFilter',
  loadMore: 'ddpExplorer.loadMore',
  loadAll: 'ddpExplorer.loadAll',
  openInspector: 'ddpExplorer.openInspector',
  openCapture: 'ddpExplorer.openCapture',
  startTap: 'ddpExplorer.startTap',
  stopTap: 'ddpExplorer.stopTap',
  copyTapUrl: 'ddpExplorer.copyTapUrl',
  inspectTapClient: 'ddpExplorer.inspectTapClient',
  runRequest: 'ddpExplorer.ddp.runRequest',
  runAll: 'ddpExplorer.ddp.runAll',
  selectEnvironment: 'ddpExplorer.ddp.selectEnvironment',
  subscribeStream: 'ddpExplorer.subscribeStream',
  openStreamEvent: 'ddpExplorer.openStreamEvent',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
