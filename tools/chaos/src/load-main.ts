#!/usr/bin/env node
import { runCommandMain } from '@lab/common';

import { runLoad } from './load-cli';

void runCommandMain('load', runLoad);
