#!/usr/bin/env node
import { runCommandMain } from '@lab/common';

import { runChaos } from './chaos-cli';

void runCommandMain('chaos', runChaos);
