// Terraform at scale: a 100 MB `terraform show -json` plan (made by copying a
// real plan's resources, bench/inputs/terraform-plan.ts), read by
// `gitdiff terraform --plan-json` (text and -o json) against a bare
// `node -e` that only reads and JSON.parses the file: each a process,
// side by side, with wall time and peak RSS.
import path from 'node:path';
import { writeLargePlan } from '../inputs/terraform-plan.js';
import { compareCommands, repoRoot } from '../measure.js';
import { ratio, type BenchContext, type Scenario, type ScenarioResult, type Target } from '../scenario.js';

const gitdiff = path.join(repoRoot, 'bin/gitdiff');
const MB = 1024 * 1024;
const BARE_PARSE = "JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))";

export const terraformScaleScenario: Scenario = {
  id: 'terraform-scale',
  title: 'Terraform at scale',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const scenario = 'Terraform at scale';
    const generated = writeLargePlan(path.join(context.workDir, 'plan.json'), (context.quick ? 2 : 100) * MB, context.sharedFixtures);
    const size = `${(generated.bytes / MB).toFixed(0)} MB`;
    const tinyPlan = path.join(repoRoot, 'fixtures/terraform/plans/in-sync.json');
    const [bare, text, json, startup] = await compareCommands(context.plan, [
      { command: process.execPath, args: ['-e', BARE_PARSE, generated.file] },
      { command: gitdiff, args: ['terraform', '--plan-json', generated.file], options: { okExitCodes: [1] } },
      { command: gitdiff, args: ['terraform', '--plan-json', generated.file, '-o', 'json'], options: { okExitCodes: [1] } },
      // Start-up and a tiny verdict: what gitdiff costs before the plan's size matters.
      { command: gitdiff, args: ['terraform', '--plan-json', tinyPlan], options: { okExitCodes: [0, 1] } },
    ]);

    // Right answers before fast ones: the plan diverges, the JSON report is whole, and no secret got out.
    for (const [name, run] of [['text', text], ['-o json', json]] as const) {
      if (`${run.last.stdout}${run.last.stderr}`.includes(generated.secretMarker)) throw new Error(`bench: gitdiff terraform (${name}) printed a sensitive value`);
    }
    const report = JSON.parse(json.last.stdout) as { items: unknown[]; summary: Record<string, number> };
    const items = report.items.length;

    const fileMb = generated.bytes / MB;
    const targets: Target[] = [];
    for (const [name, run] of [['text', text], ['-o json', json]] as const) {
      const wall = run.wallMs.median / bare.wallMs.median;
      targets.push({
        scenario,
        target: `verdict (${name}) within 1.5x of a bare JSON.parse of the plan`,
        measured: `${wall.toFixed(2)}x (${run.wallMs.median.toFixed(0)} ms vs ${bare.wallMs.median.toFixed(0)} ms for ${size})`,
        met: wall <= 1.5,
        why: wall <= 1.5 ? undefined : `of gitdiff's ${run.wallMs.median.toFixed(0)} ms, parsing is what the bare row takes (${bare.wallMs.median.toFixed(0)} ms) and start-up about ${startup.wallMs.median.toFixed(0)} ms (the tiny-plan row); the rest is the verdict over ${generated.resources} resources and writing ${(run.last.stdout.length / MB).toFixed(1)} MB of output`,
      });
      const rss = run.peakRssMb.median / fileMb;
      targets.push({
        scenario,
        target: `peak RSS (${name}) under 4x the file size`,
        measured: `${rss.toFixed(2)}x (${run.peakRssMb.median.toFixed(0)} MB for ${size}; bare JSON.parse ${ratio(bare.peakRssMb.median, fileMb)})`,
        met: rss < 4,
        why: rss < 4 ? undefined : `the bare parse alone peaks at ${ratio(bare.peakRssMb.median, fileMb)} the file size (the text and the parsed plan); the report and its output come on top`,
      });
    }
    const rowOf = (subject: string, run: typeof bare, note: string) => ({ scenario, subject, wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssMb: run.peakRssMb, note });
    return {
      rows: [
        rowOf(`node: readFileSync + JSON.parse (${size})`, bare, `${ratio(bare.peakRssMb.median, fileMb)} file size RSS`),
        rowOf('gitdiff terraform --plan-json', text, `${ratio(text.wallMs.median, bare.wallMs.median)} JSON.parse (CPU ${ratio(text.cpuMs.median, bare.cpuMs.median)}), ${ratio(text.peakRssMb.median, fileMb)} file size RSS, ${(text.last.stdout.length / 1024).toFixed(0)} KB out`),
        rowOf('gitdiff terraform --plan-json (a 1-resource plan: start-up)', startup, ''),
        rowOf('gitdiff terraform --plan-json -o json', json, `${ratio(json.wallMs.median, bare.wallMs.median)} JSON.parse (CPU ${ratio(json.cpuMs.median, bare.cpuMs.median)}), ${ratio(json.peakRssMb.median, fileMb)} file size RSS, ${(json.last.stdout.length / 1024).toFixed(0)} KB out`),
      ],
      targets,
      notes: [
        `Input: ${size}, ${generated.resources} resource changes and ${generated.drift} drift entries, made from ${generated.source}${context.sharedFixtures ? '' : ' (../shared/fixtures is absent)'}: its resources copied into the instances of a for_each module (unique addresses), with planned_values and prior_state to match; actions mixed (75% no-op, 15% update, a third of them a rotated secret, 5% replace, 5% create), drift on 10% (half reverted by the plan, half already matching Git), a sensitive attribute on one resource in four, a sensitive variable and output. ${items} items in the report (${Object.entries(report.summary).map(([key, value]) => `${value} ${key}`).join(', ')}).`,
        'Each command is a new process; peak RSS is the maximum resident set (getrusage). CPU time (user + system, garbage-collector threads included) is shown next to the wall-time ratio: on a busy machine wall time waits for a core, CPU time does not. The outputs are checked to hold none of the plan\'s sensitive values.',
      ],
    };
  },
};
