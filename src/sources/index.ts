// The subcommand registry: adding a subcommand is a folder and one line here.
import type { AnySource } from './types.js';
import { kube } from './kube/index.js';
import { terraform } from './terraform/index.js';
import { ansible } from './ansible/index.js';

export const sources: readonly AnySource[] = [kube, terraform, ansible];
