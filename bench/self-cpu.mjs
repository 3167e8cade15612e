// node --import ./bench/self-cpu.mjs ...: at exit, writes the CPU time (user +
// system, ms) of this Node process alone, without its children, to the file
// named by $GITDIFF_SELF_CPU_FILE. The ansible scenario uses it to tell what
// gitdiff itself costs from what ansible-playbook costs under it.
import { writeFileSync } from 'node:fs';

const file = process.env.GITDIFF_SELF_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String((user + system) / 1000));
  });
}
