// Manifest parsing: gitdiff's whole declared read of a folder of manifests
// (walk, decode, split, parse with kubectl's YAML 1.1 schema, check limits,
// identify each object) against a bare js-yaml loadAll of the same files, in
// this process, side by side. A third row is loadAll with gitdiff's schema, so
// the table shows what the schema costs apart from gitdiff's own work.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { loadAll, type LoadOptions } from 'js-yaml';
import { writeManifestCorpus } from '../inputs/manifest-corpus.js';
import { compareFunctions, repoRoot } from '../measure.js';
import { ratio, type BenchContext, type Scenario, type ScenarioResult } from '../scenario.js';

type Declared = typeof import('../../src/sources/kube/declared.js');
type YamlSchema = typeof import('../../src/sources/kube/yaml-schema.js');

/** The built CLI's own modules (dist/), as `gitdiff kube` runs them. */
async function fromDist<T>(module: string): Promise<T> {
  return (await import(pathToFileURL(path.join(repoRoot, 'dist', module)).href)) as T;
}

function yamlFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path ?? dir, entry.name));
}

/**
 * Reads every file and loadAll's it, keeping the documents as any reader must
 * (gitdiff keeps its objects too): the floor for a YAML-based reader.
 */
/** The same, dropping each file's documents once counted: the parse alone, with the least garbage-collector work. */
function bareLoadAllDropped(dir: string): number {
  let documents = 0;
  for (const file of yamlFiles(dir)) documents += loadAll(readFileSync(file, 'utf8')).length;
  return documents;
}

function bareLoadAll(dir: string, options?: LoadOptions): unknown[] {
  const documents: unknown[] = [];
  for (const file of yamlFiles(dir)) {
    for (const document of loadAll(readFileSync(file, 'utf8'), undefined, options)) if (document !== null && document !== undefined) documents.push(document);
  }
  return documents;
}

const MB = 1024 * 1024;

export const manifestParsingScenario: Scenario = {
  id: 'manifest-parsing',
  title: 'Manifest parsing',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const scenario = 'Manifest parsing';
    const plan = context.quick ? context.plan : { warmups: 1, repeats: 5 };
    const corpus = writeManifestCorpus(path.join(context.workDir, 'manifests'), (context.quick ? 1 : 50) * MB, context.sharedFixtures);
    const { loadDeclared } = await fromDist<Declared>('sources/kube/declared.js');
    const { KUBECTL_YAML_SCHEMA } = await fromDist<YamlSchema>('sources/kube/yaml-schema.js');
    const readDeclared = async () => (await loadDeclared([corpus.dir], context.workDir, Readable.from([]))).length;

    // A sanity check before timing: some documents are Lists (the Grafana dashboards), so objects >= documents.
    const objects = await readDeclared();
    const documents = bareLoadAll(corpus.dir).length;
    if (objects < documents) throw new Error(`bench: gitdiff read ${objects} objects from ${documents} documents`);

    const [gitdiff, bare, bareDropped, bareSchema] = await compareFunctions(plan, [
      readDeclared,
      () => bareLoadAll(corpus.dir),
      () => bareLoadAllDropped(corpus.dir),
      () => bareLoadAll(corpus.dir, { schema: KUBECTL_YAML_SCHEMA }),
    ]);
    const size = `${(corpus.bytes / MB).toFixed(1)} MB`;
    const throughput = (ms: number) => `${(corpus.bytes / MB / (ms / 1000)).toFixed(1)} MB/s`;
    const gitdiffRatio = gitdiff.median / bare.median;
    const schemaRatio = bareSchema.median / bare.median;
    return {
      rows: [
        { scenario, subject: `js-yaml loadAll (${size}, ${corpus.files} files, ${documents} documents)`, wallMs: bare, note: throughput(bare.median) },
        { scenario, subject: 'js-yaml loadAll, documents dropped', wallMs: bareDropped, note: `${ratio(bareDropped.median, bare.median)} loadAll, ${throughput(bareDropped.median)}` },
        { scenario, subject: 'js-yaml loadAll, gitdiff\'s YAML 1.1 schema', wallMs: bareSchema, note: `${ratio(bareSchema.median, bare.median)} loadAll, ${throughput(bareSchema.median)}` },
        { scenario, subject: `gitdiff declared read (${objects} objects)`, wallMs: gitdiff, note: `${ratio(gitdiff.median, bare.median)} loadAll, ${throughput(gitdiff.median)}` },
      ],
      targets: [
        {
          scenario,
          target: 'gitdiff\'s whole read (walk, parse, identify) within 1.3x of a bare js-yaml loadAll',
          measured: `${gitdiffRatio.toFixed(2)}x (${gitdiff.median.toFixed(0)} ms vs ${bare.median.toFixed(0)} ms for ${size}); ${ratio(gitdiff.median, bareDropped.median)} of loadAll dropping its documents`,
          met: gitdiffRatio <= 1.3,
          why: gitdiffRatio <= 1.3 ? undefined : `the YAML 1.1 schema alone costs ${schemaRatio.toFixed(2)}x in js-yaml; the rest is gitdiff's own checks`,
        },
      ],
      notes: [
        `Inputs: ${corpus.files} files, ${size}, copies of the manifests in ${corpus.source}${context.sharedFixtures ? '' : ' (../shared/fixtures is absent)'}, each copy in its own folder with its own metadata.name suffix.`,
        'Measured in one process, alternating, with the functions `gitdiff kube` runs (dist/sources/kube/declared.js loadDeclared: walk, decode with UTF-8 refusal, split documents, parse, alias-bomb and nesting limits, identity checks). The bare row reads each file (readFileSync) and calls js-yaml loadAll with its default (YAML 1.2) schema, keeping the documents in one array as gitdiff keeps its objects (the base of the target); the dropped row counts and drops them, which spares the garbage collector a large live heap; the schema row does the same with gitdiff\'s YAML 1.1 schema (yes/no booleans, 0644 octal), which kubectl follows.',
      ],
    };
  },
};
