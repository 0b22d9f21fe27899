// The tree's levels, one per node kind: a new level is a new module in this folder, a member of TreeNode
// (../nodes.ts) and a line here. The type makes this table list every kind, and each level its own kind.
import type { NodeKind } from '../nodes';
import { collectionLevel } from './collection';
import { connectionLevel } from './connection';
import { documentLevel } from './document';
import { fieldLevel } from './field';
import { groupLevel } from './group';
import { infoLevel } from './info';
import type { Level } from './level';
import { loadMoreLevel } from './loadMore';
import { moreFieldsLevel } from './moreFields';
import { streamLevel } from './stream';
import { streamEventLevel } from './streamEvent';
import { streamEventGroupLevel } from './streamEventGroup';
import { subscriptionLevel } from './subscription';

type LevelTable = { readonly [K in NodeKind]: Level<K> };

/** In the order their refresh keys are gathered: outer levels first. */
export const LEVELS: LevelTable = {
  connection: connectionLevel,
  group: groupLevel,
  subscription: subscriptionLevel,
  collection: collectionLevel,
  document: documentLevel,
  field: fieldLevel,
  loadMore: loadMoreLevel,
  moreFields: moreFieldsLevel,
  info: infoLevel,
  stream: streamLevel,
  streamEventGroup: streamEventGroupLevel,
  streamEvent: streamEventLevel,
};

export function levelOf<K extends NodeKind>(kind: K): Level<K> {
  return LEVELS[kind];
}
