import { runService } from '@lab/service-kit';
import { dashboardService } from './service';

runService(dashboardService);
