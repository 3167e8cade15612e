// JUnit XML for CI test reporters (GitLab, Jenkins, GitHub test-report actions):
// one <testcase> per item, so a drift check shows up as tests. Diverged,
// missing and extra items are failures with the diff as the body, errors are
// errors, unchecked items are skipped. Attributes stay within Jenkins' JUnit
// schema (xunit-plugin junit-10.xsd: no `file` on testcase, no `skipped` on
// testsuites), which its strict importers validate against; GitLab and GitHub
// reporters read the same shape and count the testcases themselves, so the
// counts written here are those of the testcases.
import { isDrift, summarize, type Item, type Report } from '../report.js';
import type { Renderer } from './types.js';
import { visibleText } from '../visible-text.js';
import { changedPaths, declaredAt, statusPhrase } from './wording.js';
import { changeTextLines, plainSummaryLine } from './plain.js';

interface Testcase {
  classname: string;
  name: string;
  /** failure, error or skipped, with its one-line message and body. */
  outcome?: { element: 'failure' | 'error' | 'skipped'; type: string; message: string; body: string[] };
  out: string[];
}

export const renderJunit: Renderer = (report: Report) => {
  const summary = summarize(report);
  const cases = report.items.map((item) => itemTestcase(report.source, item));
  report.errors.forEach((error, index) => {
    cases.push({
      classname: report.source,
      name: `run error ${index + 1}`,
      outcome: { element: 'error', type: 'error', message: error.message, body: error.hint ? [`hint: ${error.hint}`] : [] },
      out: [],
    });
  });
  const failures = report.items.filter((item) => isDrift(item.status)).length;
  const time = (report.durationMs / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="${summary.errors}"`;
  const suiteName = xmlAttribute(`gitdiff ${report.source}`);
  const suiteOut = [...(report.headline ? [report.headline] : []), ...report.notes.map((note) => `note: ${note}`), plainSummaryLine(report)];

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gitdiff" ${counts} time="${time}">`,
    `  <testsuite name="${suiteName}" ${counts} skipped="${summary.unchecked}" time="${time}">`,
    '    <properties>',
    `      <property name="target" value="${xmlAttribute(report.target)}"/>`,
    '    </properties>',
    ...cases.flatMap(testcaseLines),
    `    <system-out>${xmlText(suiteOut.join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
};

function itemTestcase(source: string, item: Item): Testcase {
  const where = declaredAt(item);
  const body = [
    ...(where ? [`declared in ${where}`] : []),
    ...Object.entries(item.details ?? {}).map(([key, value]) => `${key}: ${value}`),
    ...changeTextLines(item),
  ];
  const out = [
    ...(item.ignored ?? []).map((change) => `ignored: ${change.path}${change.note ? ` (${change.note})` : ''}`),
    ...(item.notes ?? []).map((note) => `note: ${note}`),
  ];
  const base = { classname: classnameOf(source, item), name: item.title, out };
  switch (item.status) {
    case 'diverged':
      return { ...base, outcome: { element: 'failure', type: 'diverged', message: `diverged: ${changedPaths(item)}`, body } };
    case 'missing':
    case 'extra':
      return { ...base, outcome: { element: 'failure', type: item.status, message: statusPhrase(item), body } };
    case 'error':
      return { ...base, outcome: { element: 'error', type: 'error', message: item.error ?? 'could not be checked', body: [...body, ...(item.hint ? [`hint: ${item.hint}`] : [])] } };
    case 'unchecked':
      return { ...base, outcome: { element: 'skipped', type: 'unchecked', message: statusPhrase(item), body } };
    case 'in-sync':
      return base;
  }
}

/**
 * Jenkins splits a classname at its last dot into package and class; GitLab
 * shows it as the suite. Group by what an item belongs to: the source's own
 * group (terraform section, ansible host), else namespace and kind.
 */
function classnameOf(source: string, item: Item): string {
  const parts = item.group !== undefined ? [item.group] : [item.ref.namespace, item.ref.kind].filter((part) => part);
  return [source, ...parts].join('.');
}

function testcaseLines(testcase: Testcase): string[] {
  const open = `    <testcase classname="${xmlAttribute(testcase.classname)}" name="${xmlAttribute(testcase.name)}"`;
  const out = testcase.out.length > 0 ? [`      <system-out>${xmlText(testcase.out.join('\n'))}</system-out>`] : [];
  if (!testcase.outcome && out.length === 0) return [`${open}/>`];
  const lines = [`${open}>`];
  if (testcase.outcome) {
    const { element, type, message, body } = testcase.outcome;
    const attributes = `type="${xmlAttribute(type)}" message="${xmlAttribute(message)}"`;
    lines.push(body.length > 0 ? `      <${element} ${attributes}>${xmlText(body.join('\n'))}</${element}>` : `      <${element} ${attributes}/>`);
  }
  lines.push(...out, '    </testcase>');
  return lines;
}

/**
 * XML 1.0 forbids most control characters even as references, and U+FFFE,
 * U+FFFF and unpaired surrogates: a value holding one (an ANSI escape in a
 * ConfigMap) is shown escaped (visible-text.ts), so the document stays
 * well-formed and the reader still sees that it is there. Tabs and line breaks
 * are layout, kept.
 */
function visible(text: string): string {
  return visibleText(text, { tabs: true, newlines: true, returns: true });
}

/** Element content: markup escaped; a carriage return as a reference, since parsers turn a raw one into a newline. */
export function xmlText(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute values: also quotes, and tabs and newlines as references, which attribute normalization would turn into spaces. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
