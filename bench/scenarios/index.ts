// Every scenario of `npm run bench`, in the order the table shows them (the order).
import type { Scenario } from '../scenario.js';
import { kubeScaleScenario } from './kube-scale.js';
import { manifestParsingScenario } from './manifest-parsing.js';
import { largeValuesScenario } from './large-values.js';
import { terraformScaleScenario } from './terraform-scale.js';
import { startupScenario } from './startup.js';
import { ansibleOverheadScenario } from './ansible-overhead.js';
import { serveWatchScenario } from './serve-watch.js';

export const scenarios: Scenario[] = [
  kubeScaleScenario,
  manifestParsingScenario,
  largeValuesScenario,
  terraformScaleScenario,
  startupScenario,
  ansibleOverheadScenario,
  serveWatchScenario,
];
