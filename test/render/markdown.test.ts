import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/color.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Item, Report } from '../../src/report.js';
import { diverged, everyStatus, inSync, reportOf } from '../support/sample-reports.js';

const render = (report: Report, verbose = false) => renderMarkdown(report, { chalk: chalkFor(0), verbose });

describe('-o markdown', () => {
  it('writes the verdict, a table of counts, a collapsed diff per changed item and a line per other item', () => {
    expect(render(reportOf(everyStatus))).toBe(`### gitdiff kube: 2 diverged, 1 missing, 1 extra, 1 unchecked, 1 error, 1 in sync (7 objects, 1.2 s)

Target: \`prod\`

| status | count |
| --- | ---: |
| error | 1 |
| diverged | 2 |
| missing | 1 |
| extra | 1 |
| unchecked | 1 |
| in sync | 1 |

<details><summary><code>apps/v1 Deployment cache/redis</code> diverged (manifests/redis.yaml:8)</summary>

\`\`\`diff
    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)
-     3
+     4
    spec.template.spec.containers[name=redis].image:
-     redis:7.0
+     redis:7.2
\`\`\`

</details>

<details><summary><code>v1 Secret cache/auth</code> diverged (manifests/secret.yaml:1)</summary>

\`\`\`diff
    data.password:
-     (sensitive value)
+     (sensitive value)
\`\`\`

</details>

- **missing** \`v1 ConfigMap cache/settings\` (manifests/settings.yaml:1): missing (not in the snapshot live.yaml)
- **extra** \`v1 ConfigMap cache/orphan\`: not declared
- **unchecked** \`v1 ConfigMap cache/later\` (manifests/later.yaml:3): unchecked (no check mode)
- **error** \`v1 Namespace cache\` (manifests/ns.yaml:1): error: forbidden: get namespaces (hint: allow get on namespaces)
`);
  });

  it('shows only the verdict and the table when everything is in sync; -v lists the objects', () => {
    const quiet = render(reportOf([inSync]));
    expect(quiet).toBe('### gitdiff kube: 1 in sync (1 object, 1.2 s)\n\nTarget: `prod`\n\n| status | count |\n| --- | ---: |\n| in sync | 1 |\n');
    expect(render(reportOf([inSync]), true)).toContain('<details><summary>1 in sync</summary>\n\n- `v1 Service cache/redis`\n\n</details>');
  });

  it('keeps a value with backticks inside its code block, and markup out of the summary', () => {
    const item: Item = { ...diverged, title: 'a <b>&</b>', changes: [{ path: 'data.script', declared: 'run:\n```sh\necho\n```\n', live: '' }] };
    const text = render(reportOf([item]));
    expect(text).toContain('<summary><code>a &lt;b&gt;&amp;&lt;/b&gt;</code> diverged');
    expect(text).toContain('\n````diff\n');
    expect(text).toMatch(/\n````\n\n<\/details>/);
  });

  it('escapes Markdown in lines and notes', () => {
    const item: Item = { ...diverged, status: 'missing', changes: [], reason: 'see *this* [link](x) | <b>' };
    const text = render(reportOf([item], { notes: ['_note_'] }));
    expect(text).toContain(': missing (see \\*this\\* \\[link\\](x) \\| \\<b\\>)');
    expect(text).toContain('> \\_note\\_');
  });

  it('stays under the size of a GitHub comment, counting what it leaves out', () => {
    const big = (index: number): Item => ({ ...diverged, title: `v1 ConfigMap big/c${index}`, changes: [{ path: 'data.text', declared: 'x'.repeat(5000), live: 'y' }] });
    const text = render(reportOf(Array.from({ length: 40 }, (_, index) => big(index))));
    expect(text.length).toBeLessThan(65_536);
    const shown = text.match(/<details>/g)!.length;
    expect(shown).toBeGreaterThan(5);
    expect(text).toContain(`_${40 - shown} more changed items are not shown here (size limit): see the job log._`);
  });
});
