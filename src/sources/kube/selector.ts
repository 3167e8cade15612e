// Kubernetes label selectors in their string form, as kubectl's -l takes them:
// `app=web,tier!=db,env in (prod,staging),!legacy,owner`.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
import { GitdiffError } from '../../errors.js';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

export function parseLabelSelector(text: string): LabelSelector {
  const requirements: Requirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts = text.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part))) {
      requirements.push({ key: match[1], op: match[2] === '!=' ? 'notin' : 'in', values: [match[3]] });
    } else if ((match = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      requirements.push({ key: match[1], op: match[2] as 'in' | 'notin', values: match[3].split(',').map((value) => value.trim()) });
    } else if ((match = /^!\s*([\w./-]+)$/.exec(part))) {
      requirements.push({ key: match[1], op: 'notexists' });
    } else if ((match = /^([\w./-]+)$/.exec(part))) {
      requirements.push({ key: match[1], op: 'exists' });
    } else {
      throw new GitdiffError(`invalid label selector "${text}" at "${part}"`, { hint: 'use kubectl -l syntax: app=web,tier!=db,env in (a,b),!legacy' });
    }
  }
  return (labels) => requirements.every((requirement) => {
    const value = labels && Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
    switch (requirement.op) {
      case 'exists': return value !== undefined;
      case 'notexists': return value === undefined;
      case 'in': return value !== undefined && requirement.values.includes(value);
      case 'notin': return value === undefined || !requirement.values.includes(value);
    }
  });
}
