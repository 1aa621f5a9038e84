import { runService } from '@lab/service-kit';
import { gatewayService } from './service';

runService(gatewayService);
