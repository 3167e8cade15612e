// Every scenario of `npm run bench`, in the order the table shows them.
import type { Scenario } from '../scenario.js';
import { manifestParsingScenario } from './manifest-parsing.js';
import { startupScenario } from './startup.js';
import { terraformScaleScenario } from './terraform-scale.js';

export const scenarios: Scenario[] = [
  startupScenario,
  manifestParsingScenario,
  terraformScaleScenario,
];
