// The environment of the one ansible-playbook run: gitdiff's callback as the
// stdout callback, everything else as the user configured it. Setting
// ANSIBLE_CALLBACK_PLUGINS replaces the `callback_plugins` of ansible.cfg and
// ansible's default folders, so those are found the way ansible finds them and
// kept after gitdiff's folder: the user's other callbacks still load.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../../files.js';

/** ansible's default DEFAULT_CALLBACK_PLUGIN_PATH. */
const DEFAULT_CALLBACK_PATHS = ['~/.ansible/plugins/callback', '/usr/share/ansible/plugins/callback'];

export interface AnsibleConfigFile {
  path: string;
  text: string;
}

/**
 * The ansible.cfg ansible-playbook will read, in ansible's order: $ANSIBLE_CONFIG,
 * ./ansible.cfg (ignored by ansible in a world-writable folder), ~/.ansible.cfg,
 * /etc/ansible/ansible.cfg.
 */
export function findAnsibleConfig(cwd: string, env: NodeJS.ProcessEnv): AnsibleConfigFile | undefined {
  const candidates: string[] = [];
  if (env.ANSIBLE_CONFIG) {
    const configured = path.resolve(cwd, expandPath(env.ANSIBLE_CONFIG, env));
    candidates.push(isDirectory(configured) ? path.join(configured, 'ansible.cfg') : configured);
  }
  if (!isWorldWritable(cwd)) candidates.push(path.join(cwd, 'ansible.cfg'));
  if (env.HOME) candidates.push(path.join(env.HOME, '.ansible.cfg'));
  candidates.push('/etc/ansible/ansible.cfg');
  for (const candidate of candidates) {
    if (!existsSync(candidate) || isDirectory(candidate)) continue;
    try {
      return { path: candidate, text: readFileSync(candidate, 'utf8') };
    } catch {
      return undefined; // unreadable: ansible-playbook will report it
    }
  }
  return undefined;
}

function isWorldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

/** A key of the [defaults] section, read the way Python's configparser does (ansible's ini reader). */
export function iniDefault(text: string, key: string): string | undefined {
  let section = '';
  let value: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    if (section !== 'defaults') continue;
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    // ansible's configparser takes `;` after whitespace as an inline comment.
    if (match && match[1].toLowerCase() === key) value = match[2].replace(/\s+;.*$/, '').trim();
  }
  return value;
}

/** `~` and `$VAR` / `${VAR}` expanded, as ansible's unfrackpath does. */
export function expandPath(value: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? '';
  const withVars = value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => env[braced ?? bare ?? ''] ?? whole);
  return withVars === '~' ? home : withVars.startsWith('~/') ? path.join(home, withVars.slice(2)) : withVars;
}

/**
 * ANSIBLE_CALLBACK_PLUGINS for the run: gitdiff's folder, then what ansible
 * would have used: the user's variable as it is, else ansible.cfg's
 * callback_plugins (relative entries resolved from the file's folder, as
 * ansible does), else ansible's default folders.
 */
export function callbackPluginPath(ours: string, env: NodeJS.ProcessEnv, config: AnsibleConfigFile | undefined): string {
  if (env.ANSIBLE_CALLBACK_PLUGINS) return [ours, env.ANSIBLE_CALLBACK_PLUGINS].join(path.delimiter);
  const configured = config ? iniDefault(config.text, 'callback_plugins') : undefined;
  const entries = configured
    ? configured.split(path.delimiter).filter((entry) => entry.trim() !== '').map((entry) => path.resolve(path.dirname(config!.path), expandPath(entry.trim(), env)))
    : DEFAULT_CALLBACK_PATHS.map((entry) => expandPath(entry, env));
  return [ours, ...entries].join(path.delimiter);
}

/** The variables gitdiff sets for the run only (the rest of the environment is passed as it is). */
export function playbookEnvironment(env: NodeJS.ProcessEnv, callbackPlugins: string, eventsFile: string): NodeJS.ProcessEnv {
  const runEnv: NodeJS.ProcessEnv = {
    ...env,
    ANSIBLE_STDOUT_CALLBACK: 'gitdiff',
    ANSIBLE_CALLBACK_PLUGINS: callbackPlugins,
    GITDIFF_ANSIBLE_EVENTS: eventsFile,
    ANSIBLE_NOCOLOR: '1',
    // A failed run would otherwise write PLAYBOOK.retry beside the playbook.
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    // Loading gitdiff's callback must not write __pycache__ into the installed package.
    PYTHONDONTWRITEBYTECODE: '1',
  };
  delete runEnv.ANSIBLE_FORCE_COLOR;
  return runEnv;
}
