// Ansible: what gitdiff adds to a bare `ansible-playbook --check --diff` of the
// same playbook (its callback plugin, parsing the events, rendering). Ansible
// does the work either way, so the ratio is the overhead users pay.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { whichBinary } from '../../tools/binaries.js';
import { compareCommands, repoRoot, stats } from '../measure.js';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.js';

const gitdiff = path.join(repoRoot, 'bin/gitdiff');

/** Hosts (all this machine, over the local connection) and tasks per host; a tenth of the files drifted. */
export function writePlaybook(dir: string, hosts: number, filesPerHost: number): { playbook: string; inventory: string } {
  const inventoryLines = ['[fleet]'];
  for (let host = 0; host < hosts; host++) {
    const root = path.join(dir, `host-${host}`);
    mkdirSync(root, { recursive: true });
    for (let file = 0; file < filesPerHost; file++) {
      const drifted = file % 10 === 3;
      writeFileSync(path.join(root, `app-${file}.conf`), `# app ${file}\nport=${drifted ? 9999 : 8000 + file}\nworkers=4\n`);
    }
    writeFileSync(path.join(root, 'limits.conf'), 'max_connections=100\n');
    inventoryLines.push(`host-${host} ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}" root=${root}`);
  }
  const tasks = [];
  for (let file = 0; file < filesPerHost; file++) {
    tasks.push({ name: `config ${file}`, 'ansible.builtin.copy': { dest: `{{ root }}/app-${file}.conf`, content: `# app ${file}\nport=${8000 + file}\nworkers=4\n`, mode: '0644' } });
  }
  tasks.push({ name: 'connection limit', 'ansible.builtin.lineinfile': { path: '{{ root }}/limits.conf', regexp: '^max_connections=', line: 'max_connections=200' } });
  tasks.push({ name: 'state folder', 'ansible.builtin.file': { path: '{{ root }}/state', state: 'directory', mode: '0750' } });
  const playbook = path.join(dir, 'site.yml');
  // JSON is YAML: the playbook is written without a YAML library.
  writeFileSync(playbook, JSON.stringify([{ name: 'fleet', hosts: 'fleet', gather_facts: false, tasks }], null, 2));
  const inventory = path.join(dir, 'inventory.ini');
  writeFileSync(inventory, `${inventoryLines.join('\n')}\n`);
  return { playbook, inventory };
}

export const ansibleOverheadScenario: Scenario = {
  id: 'ansible-overhead',
  title: 'Ansible',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const ansiblePlaybook = whichBinary('ansible-playbook');
    if (!ansiblePlaybook) return { rows: [], targets: [], notes: [], skipped: 'ansible-playbook is not installed (apt-get install --no-install-recommends ansible-core)' };
    const [hosts, filesPerHost] = context.quick ? [2, 3] : [3, 8];
    const dir = path.join(context.workDir, 'ansible');
    const { playbook, inventory } = writePlaybook(dir, hosts, filesPerHost);
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCAL_TEMP: path.join(dir, '.ansible-tmp') };
    // Ansible's own time varies by 10-20% run to run on a 2-core machine (a python process per task
    // and host): more rounds than the other scenarios, and the overhead is the median of each
    // round's ratio, so a slow moment that falls on both runs of a round cancels out.
    const plan = context.quick ? context.plan : { warmups: 1, repeats: 11 };
    // gitdiff's own CPU, without the ansible-playbook under it, from the Node process itself.
    const selfCpuFile = path.join(dir, 'self-cpu.txt');
    const gitdiffEnv = { ...env, GITDIFF_SELF_CPU_FILE: selfCpuFile };
    const selfCpuMs: number[] = [];
    const [bare, viaGitdiff] = await compareCommands(plan, [
      { command: ansiblePlaybook, args: ['-i', inventory, playbook, '--check', '--diff'], options: { env, cwd: dir } },
      {
        command: process.execPath,
        args: ['--import', path.join(repoRoot, 'bench/self-cpu.mjs'), gitdiff, 'ansible', playbook, '-i', inventory, '--no-color'],
        options: { env: gitdiffEnv, cwd: dir, okExitCodes: [1], after: () => selfCpuMs.push(Number(readFileSync(selfCpuFile, 'utf8'))) },
      },
    ]);
    const pairedRatios = bare.runs.map((run, index) => viaGitdiff.runs[index].wallMs / run.wallMs);
    const wallOverhead = stats(pairedRatios).median - 1;
    const cpuOverhead = viaGitdiff.cpuMs.median / bare.cpuMs.median - 1;
    // The warm-up's reading is dropped with its run.
    const ownCpu = stats(selfCpuMs.slice(-plan.repeats));
    const ownShare = ownCpu.median / bare.cpuMs.median;
    const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
    const scenario = `Ansible, ${hosts} hosts x ${filesPerHost + 2} tasks`;
    const met = wallOverhead < 0.1;
    return {
      rows: [
        { scenario, subject: 'ansible-playbook --check --diff', wallMs: bare.wallMs, cpuMs: bare.cpuMs, peakRssMb: bare.peakRssMb },
        { scenario, subject: 'gitdiff ansible', wallMs: viaGitdiff.wallMs, cpuMs: viaGitdiff.cpuMs, peakRssMb: viaGitdiff.peakRssMb, note: `wall ${percent(wallOverhead)} (median of paired rounds), CPU ${percent(cpuOverhead)}; gitdiff's own process ${ownCpu.median.toFixed(0)} ms CPU (${percent(ownShare)})` },
      ],
      targets: [{
        scenario,
        target: 'gitdiff overhead over a bare `ansible-playbook --check --diff` under 10%',
        measured: `wall ${percent(wallOverhead)}; gitdiff's own CPU ${percent(ownShare)} of ansible's`,
        met,
        why: met ? undefined : `gitdiff's own process used ${ownCpu.median.toFixed(0)} ms of CPU (${percent(ownShare)} of a bare run's ${(bare.cpuMs.median / 1000).toFixed(1)} s): the rest of the measured difference is ansible's own run-to-run spread (bare runs ranged ${(bare.wallMs.min / 1000).toFixed(1)}-${(bare.wallMs.max / 1000).toFixed(1)} s)`,
      }],
      notes: [
        `A generated playbook: ${hosts} inventory hosts (all this machine, \`ansible_connection=local\`), each with ${filesPerHost} \`copy\` tasks, a \`lineinfile\` and a \`file\`; one file in ten and the line drifted, so both runs report changes. Ansible's default forks (5).`,
        'Both commands run the same playbook and inventory in check mode, side by side in each round; gitdiff adds its callback plugin (events as JSON lines, in place of the default one), parsing and rendering. Wall time is what a CI job waits; CPU (user + system of the whole process tree) is what it costs. The wall overhead is the median over rounds of gitdiff\'s time divided by the bare run\'s in the same round.',
        'gitdiff\'s own CPU is read by its Node process at exit (`node --import bench/self-cpu.mjs`): starting Node, running ansible-playbook through execa, parsing the events and rendering, without ansible-playbook and its modules. It is the part of the overhead that does not vary with ansible\'s own spread.',
      ],
    };
  },
};
