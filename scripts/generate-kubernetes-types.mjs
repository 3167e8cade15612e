#!/usr/bin/env node
// Generates src/sources/kube/schema/kubernetes-types.ts: the Go types of every
// built-in Kubernetes kind, reduced to what comparing a manifest needs to know
// about a field whose live value is absent: is it a pointer (absent means
// "unset", so a declared `false`, `0`, `""` or `{}` is a difference), a value
// (absent decodes to the same zero as `false`, `0`, `""`), a slice or map
// (empty, nil and absent are one: protobuf storage keeps no difference), a
// struct (its fields, one level down), or something with its own JSON form
// (Time, Quantity, IntOrString, RawExtension: compared as written).
//
// Usage:
//   node scripts/generate-kubernetes-types.mjs API_GIT_DIR APIMACHINERY_GIT_DIR TAG > src/sources/kube/schema/kubernetes-types.ts
// API_GIT_DIR and APIMACHINERY_GIT_DIR are git directories (bare mirrors or
// checkouts' .git) of k8s.io/api and k8s.io/apimachinery; TAG is the same
// release tag of both (v0.35.7 is Kubernetes 1.35.7). Files are read with
// `git show TAG:path`, so no work tree is needed.
//
// The parser reads gofmt'ed type declarations, which is all these packages
// hold: `type Name struct { Field Type `json:"..."` }` and named types
// (`type Protocol string`, `type ResourceList map[ResourceName]resource.Quantity`).
import { execFileSync } from 'node:child_process';

const [apiDir, machineryDir, tag] = process.argv.slice(2);
if (!apiDir || !machineryDir || !/^v0\.\d+\.\d+$/.test(tag ?? '')) {
  process.stderr.write('usage: generate-kubernetes-types.mjs API_GIT_DIR APIMACHINERY_GIT_DIR TAG (e.g. v0.35.7)\n');
  process.exit(2);
}

const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const listings = new Map();
const filesOf = (dir) => {
  if (!listings.has(dir)) listings.set(dir, git(dir, 'ls-tree', '-r', '--name-only', tag).split('\n'));
  return listings.get(dir);
};
const isTypeSource = (file) => file.endsWith('.go') && !/(_test|\.pb|generated[^/]*|zz_generated[^/]*|_fuzz)\.go$/.test(file);

/** Types with their own MarshalJSON: what they hold is compared as written. */
const OPAQUE = new Map([
  ['k8s.io/apimachinery/pkg/apis/meta/v1.Time', 'opaque'],
  ['k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime', 'opaque'],
  ['k8s.io/apimachinery/pkg/apis/meta/v1.Duration', 'opaque'],
  ['k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1', 'any'],
  ['k8s.io/apimachinery/pkg/api/resource.Quantity', 'opaque'],
  ['k8s.io/apimachinery/pkg/util/intstr.IntOrString', 'opaque'],
  ['k8s.io/apimachinery/pkg/runtime.RawExtension', 'any'],
  ['k8s.io/apimachinery/pkg/types.UID', 'string'],
  ['k8s.io/apimachinery/pkg/types.NodeName', 'string'],
]);
const BASIC = new Map([
  ['bool', 'bool'], ['string', 'string'], ['byte', 'number'], ['float32', 'number'], ['float64', 'number'],
  ...['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64'].map((name) => [name, 'number']),
]);

/** package path -> { structs: name -> fields[], named: name -> type expression, imports } */
const packages = new Map();

function parsePackage(dir, prefix, folder) {
  const pkgPath = `${prefix}/${folder}`;
  const pkg = { path: pkgPath, structs: new Map(), named: new Map(), imports: new Map(), group: undefined, version: folder.split('/').pop() };
  for (const file of filesOf(dir).filter((name) => name.startsWith(`${folder}/`) && !name.slice(folder.length + 1).includes('/') && isTypeSource(name))) {
    parseFile(git(dir, 'show', `${tag}:${file}`), pkg);
  }
  packages.set(pkgPath, pkg);
  return pkg;
}

function stripComments(text) {
  // Block comments, then line comments outside backquoted tags and strings (type declarations hold no "//" otherwise).
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^((?:[^"`\n/]|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`|\/(?!\/))*)\/\/.*$/gm, '$1');
}

function parseFile(source, pkg) {
  const group = /^const GroupName\s*=\s*"([^"]*)"/m.exec(source);
  if (group) pkg.group = group[1];
  const text = stripComments(source);
  for (const block of text.matchAll(/^import\s*\(([\s\S]*?)^\)/gm)) parseImports(block[1], pkg);
  for (const single of text.matchAll(/^import\s+((?:\w+\s+)?"[^"]+")\s*$/gm)) parseImports(single[1], pkg);
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const struct = /^type (\w+) struct \{\s*$/.exec(lines[index]);
    if (struct) {
      const fields = [];
      while (!/^\}/.test(lines[++index])) {
        const field = parseField(lines[index].trim());
        if (field) fields.push(field);
      }
      pkg.structs.set(struct[1], fields);
      continue;
    }
    const empty = /^type (\w+) struct\s*\{\s*\}\s*$/.exec(lines[index]);
    if (empty) {
      pkg.structs.set(empty[1], []);
      continue;
    }
    // `type Protocol string`, and aliases: `type Rule = v1.Rule`.
    const named = /^type (\w+) (?:= )?(?!struct|interface)([^=\s].*?)\s*$/.exec(lines[index]);
    if (named) pkg.named.set(named[1], named[2]);
  }
}

function parseImports(block, pkg) {
  for (const line of block.split('\n')) {
    const match = /^\s*(?:(\w+)\s+)?"([^"]+)"/.exec(line);
    if (match) pkg.imports.set(match[1] ?? match[2].split('/').pop(), match[2]);
  }
}

/** One field line: `Name Type `tag``, `Embedded `tag``, or an embedded type without a tag. */
function parseField(line) {
  if (line === '') return undefined;
  const match = /^(?:(\w+)\s+)?([^\s`]+)\s*(?:`([^`]*)`)?$/.exec(line);
  if (!match) throw new Error(`unparsed field line: ${line}`);
  const [, name, type, tag = ''] = match;
  const json = /(?:^|\s)json:"([^"]*)"/.exec(tag)?.[1];
  if (json === '-') return undefined;
  const [jsonName = '', ...options] = (json ?? '').split(',');
  const embedded = name === undefined;
  if (embedded && (options.includes('inline') || jsonName === '')) return { inline: true, type };
  return { inline: false, name: jsonName || name, type };
}

// Every package of k8s.io/api, and meta/v1 of apimachinery (ObjectMeta, LabelSelector, Condition...).
const apiFolders = [...new Set(filesOf(apiDir).filter((file) => /^[\w-]+\/v\w+\/types\.go$/.test(file)).map((file) => file.slice(0, file.lastIndexOf('/'))))];
for (const folder of apiFolders) parsePackage(apiDir, 'k8s.io/api', folder);
parsePackage(machineryDir, 'k8s.io/apimachinery', 'pkg/apis/meta/v1');

/** The short id of a struct in the output: `apps/v1.Deployment`, `meta/v1.ObjectMeta`. */
const idOf = (pkgPath, name) => `${pkgPath.replace(/^k8s\.io\/(api|apimachinery\/pkg\/apis)\//, '')}.${name}`;

const types = new Map(); // id -> { jsonName: typeString }
const pending = [];

/** A Go type expression as the output's type string: `*X`, `[]X`, `{}X` (map values), a leaf, or a struct id. */
function typeString(expression, pkg) {
  if (expression.startsWith('*')) return `*${typeString(expression.slice(1), pkg)}`;
  if (expression === '[]byte') return 'bytes';
  if (expression.startsWith('[]')) return `[]${typeString(expression.slice(2), pkg)}`;
  if (expression.startsWith('map[')) {
    let depth = 0;
    let end = 3;
    for (; end < expression.length; end++) {
      if (expression[end] === '[') depth++;
      else if (expression[end] === ']' && --depth === 0) break;
    }
    return `{}${typeString(expression.slice(end + 1), pkg)}`;
  }
  if (expression === 'interface{}' || expression === 'any') return 'any';
  if (BASIC.has(expression)) return BASIC.get(expression);
  const dot = expression.indexOf('.');
  const targetPath = dot < 0 ? pkg.path : pkg.imports.get(expression.slice(0, dot));
  const name = dot < 0 ? expression : expression.slice(dot + 1);
  if (!targetPath) throw new Error(`unknown package in ${expression} (${pkg.path})`);
  const special = OPAQUE.get(`${targetPath}.${name}`);
  if (special) return special;
  const target = packages.get(targetPath);
  if (!target) throw new Error(`type ${expression} from a package not read: ${targetPath}`);
  if (target.named.has(name)) return typeString(target.named.get(name), target);
  if (!target.structs.has(name)) throw new Error(`unknown type ${expression} (${pkg.path})`);
  const id = idOf(targetPath, name);
  if (!types.has(id)) {
    types.set(id, undefined);
    pending.push([target, name, id]);
  }
  return id;
}

/** The package and name a type expression such as `metav1.TypeMeta` or `ObjectMeta` refers to. */
function locate(expression, pkg) {
  const dot = expression.indexOf('.');
  if (dot < 0) return [pkg, expression];
  const target = packages.get(pkg.imports.get(expression.slice(0, dot)));
  if (!target) throw new Error(`type ${expression} from a package not read (${pkg.path})`);
  return [target, expression.slice(dot + 1)];
}

function structFields(pkg, name, into = {}) {
  for (const field of pkg.structs.get(name)) {
    if (field.inline) {
      // An embedded struct's fields are the outer struct's (encoding/json flattens them), through named types and aliases.
      let [target, base] = locate(field.type.replace(/^\*/, ''), pkg);
      while (target.named.has(base)) [target, base] = locate(target.named.get(base), target);
      if (!target.structs.has(base)) throw new Error(`embedded ${field.type} in ${pkg.path}.${name} is not a struct`);
      structFields(target, base, into);
    } else {
      into[field.name] = typeString(field.type, pkg);
    }
  }
  return into;
}

// Kinds: structs that embed TypeMeta and carry ObjectMeta as `metadata`.
const kinds = {};
for (const pkg of packages.values()) {
  if (!pkg.path.startsWith('k8s.io/api/')) continue;
  for (const [name, fields] of pkg.structs) {
    const typeMeta = fields.some((field) => field.inline && /(^|\.)TypeMeta$/.test(field.type));
    const objectMeta = fields.some((field) => field.name === 'metadata' && /(^|\.)ObjectMeta$/.test(field.type));
    if (!typeMeta || !objectMeta || pkg.group === undefined) continue;
    const apiVersion = pkg.group === '' ? pkg.version : `${pkg.group}/${pkg.version}`;
    kinds[`${apiVersion}/${name}`] = typeString(name, pkg);
  }
}
while (pending.length > 0) {
  const [pkg, name, id] = pending.shift();
  types.set(id, structFields(pkg, name));
}

const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b)));
const sortedTypes = Object.fromEntries([...types].sort(([a], [b]) => a.localeCompare(b)));
const version = tag.replace(/^v0\./, '1.');
process.stdout.write(`// Generated by scripts/generate-kubernetes-types.mjs from k8s.io/api and
// k8s.io/apimachinery ${tag} (Kubernetes ${version}). Do not edit: run the script.
// KINDS: \`apiVersion/Kind\` -> its struct. TYPES: struct -> JSON field -> type,
// where \`*T\` is a pointer, \`[]T\` a slice, \`{}T\` a map's values, a leaf is
// bool, number, string, bytes, opaque (own JSON form) or any, and anything else a struct.
export const KUBERNETES_VERSION = '${version}';

export const KINDS: Readonly<Record<string, string>> = {
${Object.entries(sortedKinds).map(([key, id]) => `  ${JSON.stringify(key)}: ${JSON.stringify(id)},`).join('\n')}
};

export const TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
${Object.entries(sortedTypes).map(([id, fields]) => `  ${JSON.stringify(id)}: ${JSON.stringify(fields)},`).join('\n')}
};
`);
