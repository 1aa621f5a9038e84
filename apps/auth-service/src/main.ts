import { runService } from '@lab/service-kit';
import { authService } from './service';

runService(authService);
