// Every scenario of `npm run bench`, in the order the table shows them.
import type { Scenario } from '../scenario.js';
import { startupScenario } from './startup.js';
import { largeValuesScenario } from './large-values.js';
import { ansibleOverheadScenario } from './ansible-overhead.js';

export const scenarios: Scenario[] = [
  largeValuesScenario,
  startupScenario,
  ansibleOverheadScenario,
];
