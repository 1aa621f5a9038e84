import { liveReloadSuite } from './support/live-reload-suite';

liveReloadSuite('consul');
