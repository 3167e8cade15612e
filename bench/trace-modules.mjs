// node --import ./bench/trace-modules.mjs ...: appends every module URL the
// process resolves to the file named by $GITDIFF_TRACE_MODULES, so the bench
// (and test/bench) can see which heavy packages a command path loads.
import { register } from 'node:module';

if (process.env.GITDIFF_TRACE_MODULES) {
  register('./trace-modules-hooks.mjs', import.meta.url, { data: { file: process.env.GITDIFF_TRACE_MODULES } });
}
