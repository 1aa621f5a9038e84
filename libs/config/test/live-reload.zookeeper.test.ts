import { liveReloadSuite } from './support/liveReloadSuite';

liveReloadSuite('zookeeper');
