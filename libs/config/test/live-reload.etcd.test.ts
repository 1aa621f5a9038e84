import { liveReloadSuite } from './support/liveReloadSuite';

liveReloadSuite('etcd');
