import { runService } from '@lab/service-kit';
import { productService } from './service';

runService(productService);
