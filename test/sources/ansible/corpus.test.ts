// The third-party ansible-playbook logs in ../shared/fixtures/ansible/text
// (ansible-core's own callback tests; see SOURCES.md there), each read with
// `gitdiff ansible --results` and given the verdict a careful operator would,
// with the reason written down. Skipped, loudly, where that folder is absent.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';
import { sharedCorpus } from '../../support/shared-corpus.js';

const { dir: corpus, present } = sharedCorpus('ansible/text', 'the ansible text-log corpus');

interface Expectation {
  file: string;
  exit: number;
  recap?: string;
  summary?: string;
  why: string;
  shows?: RegExp[];
}

const EXPECTED: Expectation[] = [
  {
    file: 'check-mode-markers-dry.stdout',
    exit: 2,
    recap: 'testhost: 0 would change, 3 ok, 0 failed, 0 unreachable, 8 unchecked, 7 changed the host outside check mode',
    why: 'a DRY RUN with markers: every `changed` task lacks [CHECK MODE] (check_mode: false: it really ran and changed the host, so the run checked nothing: issue 14), and the skipped commands do not say why in a log without -v',
    shows: [/! testhost: TASK \[Command with check_mode: false\]: error: ran outside check mode \(check_mode: false\): changed the host/],
  },
  {
    file: 'check-mode-markers-wet.stdout',
    exit: 2,
    recap: 'testhost: 0 would change, 3 ok, 0 failed, 0 unreachable, 7 unchecked, 8 changed the host outside check mode',
    why: 'markers but no DRY RUN banner: not a check run, said in a note; the changes ran for real, so the run checked nothing',
    shows: [/note: this log is not from a --check run/],
  },
  {
    file: 'check-mode-nomarkers-dry.stdout',
    exit: 1,
    recap: 'testhost: 7 would change, 3 ok, 0 failed, 0 unreachable, 8 unchecked',
    why: 'without markers the log cannot tell which tasks had check_mode: false, so its `changed:` lines are what would change',
  },
  {
    file: 'default-with-diff.stdout',
    exit: 2,
    summary: '10 diverged, 4 unchecked, 3 errors, 5 in sync (22 tasks',
    why: 'changed tasks diverge; the ignored and the rescued failures checked nothing, so they are errors (issue 14), however the play went on; the replace diff is shown as printed',
    shows: [
      /~ testhost: TASK \[replace\]\n {4}play: testhost\n {4}\.\.\.\/test_diff\.txt:\n- +foo\n\+ +bar/,
      /! testhost: TASK \[EXPECTED FAILURE Failed task to be rescued\]: error: failed, hidden by a rescue: not checked/,
      /! testhost: TASK \[Failed task\]: error: failed, hidden by ignore_errors: not checked: no reason/,
    ],
  },
  {
    file: 'failed-to-stderr.stdout',
    exit: 2,
    summary: '11 diverged, 4 unchecked, 1 error, 5 in sync (20 tasks',
    why: 'the failures went to stderr, so this half of the log shows only the changes; its PLAY RECAP counts 3 failures the play hid (ignored=2 rescued=1) that the log does not show: incomplete',
    shows: [/incomplete results: ansible counted 3 failures the play hid on testhost \(ignore_errors, rescue\), the results show 0 failed tasks/],
  },
  {
    file: 'hide-skipped-ok.stdout',
    exit: 2,
    summary: '10 diverged, 3 errors, 0 in sync (13 tasks',
    why: 'ok and skipped hosts hidden: only changes and failures are listed, and they are enough for the verdict: the hidden (ignored, rescued) failures checked nothing',
  },
  {
    file: 'result-format-yaml-verbose-with-diff.stdout',
    exit: 2,
    summary: '10 diverged, 3 errors, 9 in sync (22 tasks',
    why: 'with -v the YAML results give skip reasons: skips on a false condition or an empty loop are in sync, not unchecked; the hidden failures are errors',
  },
  {
    file: 'failed-to-stderr.stderr',
    exit: 2,
    why: 'only the stderr half of a run (fatal lines, no PLAY or RECAP): not results',
    shows: [/is not ansible results/],
  },
];

describe.skipIf(!present)('ansible-playbook text logs from ansible-core (shared fixtures)', () => {
  it.each(EXPECTED)('$file: exit $exit, because $why', async (expected) => {
    const result = await runGitdiff(['ansible', '--results', path.join(corpus, expected.file), '-v']);
    const output = result.stdout + result.stderr;
    if (expected.recap) expect(result.stdout).toContain(expected.recap);
    if (expected.summary) expect(result.stdout).toContain(expected.summary);
    for (const pattern of expected.shows ?? []) expect(output).toMatch(pattern);
    expect(result.code).toBe(expected.exit);
  });

  it('covers every log in the folder', async () => {
    const { readdirSync } = await import('node:fs');
    const logs = readdirSync(corpus).filter((name) => /\.(stdout|stderr)$/.test(name)).sort();
    expect(EXPECTED.map((expected) => expected.file).sort()).toEqual(logs);
  });
});
