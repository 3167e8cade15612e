import type { Report } from '../../report.js';
import type { RunContext } from '../types.js';
import { GitdiffError } from '../../errors.js';

export async function runKube(_args: string[], _options: Record<string, unknown>, _context: RunContext): Promise<Report> {
  throw new GitdiffError('kube: not built yet');
}
