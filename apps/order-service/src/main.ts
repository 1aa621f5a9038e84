import { runService } from '@lab/service-kit';
import { orderService } from './service';

runService(orderService);
