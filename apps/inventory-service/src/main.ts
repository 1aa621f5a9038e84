import { runService } from '@lab/service-kit';
import { inventoryService } from './service';

runService(inventoryService);
