import { liveReloadSuite } from './support/liveReloadSuite';

liveReloadSuite('consul');
