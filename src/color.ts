// Color is decided once, here, from flags, environment and terminal; renderers
// get a Chalk with that level and never look at the environment themselves.
// Conventions: --no-color and NO_COLOR (https://no-color.org) turn it off,
// FORCE_COLOR turns it on when stdout is not a terminal (CI logs).
import { Chalk, type ChalkInstance } from 'chalk';

export type ColorLevel = 0 | 1 | 2 | 3;

export function decideColorLevel(colorFlag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  if (colorFlag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

export function chalkFor(level: ColorLevel): ChalkInstance {
  return new Chalk({ level });
}
