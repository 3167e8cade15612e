// Field paths as people read them: `spec.template.spec.containers[name=app].image`,
// `metadata.annotations["sidecar.istio.io/status"]`, `spec.args[0]`.

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function keyedPath(parent: string, key: Record<string, unknown>): string {
  const parts = Object.entries(key).map(([field, value]) => `${field}=${String(value)}`);
  return `${parent}[${parts.join(',')}]`;
}
