import { describe, expect, it } from 'vitest';
import { failureReason } from '../../../src/sources/kube/tool.js';

describe('failureReason', () => {
  it.each([
    ['git', "fatal: not a git repository (or any of the parent directories): .git\n", 'not a git repository (or any of the parent directories): .git'],
    ['kubectl', 'error: accumulating resources: accumulation err=\'x\'\n', "accumulating resources: accumulation err='x'"],
    ['klog, after a warning', '# Warning: \'commonLabels\' is deprecated.\nE1123 19:40:13.015305   18569 run.go:72] "command failed" err="must build at directory: \\"a b\\": not found"\n', 'must build at directory: "a b": not found'],
    ['anything else: the last line', 'first\nsecond\n\n', 'second'],
    ['nothing', '', 'failed without a message'],
  ])('%s', (_name, stderr, reason) => {
    expect(failureReason(stderr)).toBe(reason);
  });
});
