// Reads -o junit output the way CI does: libxml2 (xmllint, as WebAssembly)
// checks that it is well-formed XML 1.0 and valid against junit.xsd, then a DOM
// gives the tests the suites and cases a reporter would show.
import { readFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { validateXML } from 'xmllint-wasm';

const schema = readFileSync(new URL('./junit.xsd', import.meta.url), 'utf8');

export interface JunitCase {
  classname: string | null;
  name: string | null;
  outcome: 'passed' | 'failure' | 'error' | 'skipped';
  type?: string | null;
  message?: string | null;
  body?: string;
  out?: string;
}

export interface JunitSuite {
  name: string | null;
  counts: { tests: number; failures: number; errors: number; skipped: number };
  cases: JunitCase[];
  out: string;
  properties: Record<string, string>;
}

export interface JunitDocument {
  counts: { tests: number; failures: number; errors: number };
  suites: JunitSuite[];
}

/** The libxml2 errors for the text, or [] when it is well-formed and valid. */
export async function junitProblems(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
  return result.errors.map((error) => error.rawMessage);
}

export function readJunit(xml: string): JunitDocument {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const root = document.documentElement!;
  const suites = children(root, 'testsuite').map((suite): JunitSuite => ({
    name: suite.getAttribute('name'),
    counts: { tests: count(suite, 'tests'), failures: count(suite, 'failures'), errors: count(suite, 'errors'), skipped: count(suite, 'skipped') },
    cases: children(suite, 'testcase').map(readCase),
    out: children(suite, 'system-out').map((element) => element.textContent ?? '').join(''),
    properties: Object.fromEntries(
      children(suite, 'properties').flatMap((properties) => children(properties, 'property')).map((property) => [property.getAttribute('name'), property.getAttribute('value')]),
    ),
  }));
  return { counts: { tests: count(root, 'tests'), failures: count(root, 'failures'), errors: count(root, 'errors') }, suites };
}

function readCase(element: Element): JunitCase {
  const testcase: JunitCase = { classname: element.getAttribute('classname'), name: element.getAttribute('name'), outcome: 'passed' };
  for (const outcome of ['failure', 'error', 'skipped'] as const) {
    const [found] = children(element, outcome);
    if (found) Object.assign(testcase, { outcome, type: found.getAttribute('type'), message: found.getAttribute('message'), body: found.textContent ?? '' });
  }
  const out = children(element, 'system-out');
  if (out.length > 0) testcase.out = out.map((node) => node.textContent ?? '').join('');
  return testcase;
}

function children(element: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).tagName === name) found.push(node as Element);
  }
  return found;
}

function count(element: Element, attribute: string): number {
  return Number(element.getAttribute(attribute) ?? Number.NaN);
}

/** What GitLab and Jenkins compute from the cases themselves: the written counts must agree with them. */
export function countedCases(suite: JunitSuite): JunitSuite['counts'] {
  const of = (outcome: JunitCase['outcome']) => suite.cases.filter((testcase) => testcase.outcome === outcome).length;
  return { tests: suite.cases.length, failures: of('failure'), errors: of('error'), skipped: of('skipped') };
}
