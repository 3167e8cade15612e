// kubeconfig exec credential plugins (`users[].user.exec`: aws eks get-token,
// gke-gcloud-auth-plugin, kubelogin) are programs @kubernetes/client-node runs
// to get a token. One that hangs (a login waiting for a browser, a network call
// without a timeout) would hold the run past --timeout, and a serve check past
// its own timeout, both of which arrive as the run's signal. So the client runs
// them through spawnUnder: killed when the signal fires, their pipes closed so
// the client sees the end even when a child of theirs (a script's `sleep`) still
// holds them.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { KubeConfig } from '@kubernetes/client-node';
import { isRecord } from '../objects.js';

/**
 * Makes `config` run exec plugins under `signal`. The client keeps its exec
 * authenticator in a private list, with the spawn it uses as `execFn` (a seam
 * its own tests use): that is replaced, the rest of the client is left as it is.
 */
export function execPluginsUnder(config: KubeConfig, signal: AbortSignal): void {
  const authenticators: unknown = (config as unknown as { authenticators?: unknown }).authenticators;
  for (const authenticator of Array.isArray(authenticators) ? authenticators : []) {
    if (isRecord(authenticator) && typeof authenticator.execFn === 'function') {
      authenticator.execFn = (command: string, args: string[] | undefined, options: SpawnOptions) => spawnUnder(signal, command, args ?? [], options);
    }
  }
}

function spawnUnder(signal: AbortSignal, command: string, args: string[], options: SpawnOptions): ChildProcess {
  // SIGKILL: a plugin past the deadline gets no grace period to hang in.
  const child = spawn(command, args, { ...options, signal, killSignal: 'SIGKILL' });
  const closePipes = () => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  if (signal.aborted) process.nextTick(closePipes);
  else {
    signal.addEventListener('abort', closePipes, { once: true });
    child.once('close', () => signal.removeEventListener('abort', closePipes));
  }
  return child;
}
