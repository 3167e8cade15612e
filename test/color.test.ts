import { describe, expect, it } from 'vitest';
import { decideColorLevel } from '../src/color.js';

describe('decideColorLevel', () => {
  it.each([
    ['terminal', undefined, {}, true, 1],
    ['pipe', undefined, {}, false, 0],
    ['--no-color on a terminal', false, {}, true, 0],
    ['NO_COLOR on a terminal', undefined, { NO_COLOR: '1' }, true, 0],
    ['empty NO_COLOR is ignored', undefined, { NO_COLOR: '' }, true, 1],
    ['FORCE_COLOR in a pipe', undefined, { FORCE_COLOR: '1' }, false, 1],
    ['FORCE_COLOR=0 on a terminal', undefined, { FORCE_COLOR: '0' }, true, 0],
    ['--no-color beats FORCE_COLOR', false, { FORCE_COLOR: '1' }, false, 0],
    ['NO_COLOR beats FORCE_COLOR', undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, false, 0],
    ['dumb terminal', undefined, { TERM: 'dumb' }, true, 0],
  ])('%s', (_name, flag, env, tty, level) => {
    expect(decideColorLevel(flag as boolean | undefined, env as NodeJS.ProcessEnv, tty as boolean)).toBe(level);
  });
});
