// Every scenario of `npm run bench`, in the order the table shows them.
import type { Scenario } from '../scenario.js';
import { startupScenario } from './startup.js';
import { kubeScaleScenario } from './kube-scale.js';

export const scenarios: Scenario[] = [
  startupScenario,
  kubeScaleScenario,
];
