// npm's `prepare` step: builds dist/ when the TypeScript compiler is installed, and
// otherwise says why it did not and succeeds.
//
// npm runs `prepare` after `npm ci` / `npm install` in a clone (the README's quick start:
// that is where dist/ gets built) and before `npm pack` / `npm publish` (so a package
// always holds a fresh dist/). But `npm ci --omit=dev` runs it too, without the dev
// dependencies: a plain `npm run build` there failed with exit 127 (tsc: not found),
// failing a production install whose dist/ was built elsewhere (an image's build stage,
// a CI artifact). Installing the packed package (`npm install -g gitdiff-*.tgz`) never
// runs `prepare`: the tarball already holds dist/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

function typescriptInstalled() {
  try {
    createRequire(import.meta.url).resolve('typescript/package.json');
    return true;
  } catch {
    return false;
  }
}

if (typescriptInstalled()) {
  // npm_execpath: the npm that runs this script (the one on PATH may be another).
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} else {
  process.stderr.write('gitdiff: note: typescript is not installed (a production install, --omit=dev): dist/ was not built here\n');
}
