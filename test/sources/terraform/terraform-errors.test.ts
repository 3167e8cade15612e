import { describe, expect, it } from 'vitest';
import { terraformFailureError, type TerraformFailure } from '../../../src/sources/terraform/terraform-errors.js';

const failure = (parts: Partial<TerraformFailure>): TerraformFailure => ({ step: 'plan', dir: 'infra', exitCode: 1, stderr: '', stdout: '', initRan: false, ...parts });

// The diagnostics below are what terraform 1.11 prints (plan -json on stdout; init and show as text on stderr).
const moduleNotInstalled = JSON.stringify({
  '@level': 'error',
  '@message': 'Error: Module not installed',
  type: 'diagnostic',
  diagnostic: {
    severity: 'error',
    summary: 'Module not installed',
    detail: 'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.',
    range: { filename: 'main.tf', start: { line: 1, column: 1 } },
  },
});
const backendText = '\nError: Backend initialization required, please run "terraform init"\n\nReason: Initial configuration of the requested backend "local"\n';
const lockText = '╷\n│ Error: Error acquiring the state lock\n│ \n│ Error message: resource temporarily unavailable\n│ Lock Info:\n│   ID:        6b7a2c1e\n╵\n';
const cliConfigWarning = 'There are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n│\n│ The CLI configuration file at "/root/.terraformrc" does not exist.\n╵\n\n';

describe('terraformFailureError', () => {
  it.each<[string, Partial<TerraformFailure>, RegExp, RegExp]>([
    [
      'an uninitialised module (plan -json diagnostics)',
      { stdout: `{"@level":"info","@message":"Terraform 1.11.4","type":"version"}\n${moduleNotInstalled}\n` },
      /^terraform plan failed in infra \(exit 1\): Module not installed\n  on main\.tf line 1\n  This module is not yet installed/,
      /infra is not initialised: add --init/,
    ],
    ['a backend that needs init (text)', { stderr: backendText }, /: Backend initialization required, please run "terraform init"\n  Reason: Initial configuration/, /add --init/],
    ['init already ran', { stderr: backendText, initRan: true }, /Backend initialization required/, /terraform init ran, yet infra still needs it/],
    ['a state lock, in a diagnostic box', { stderr: lockText }, /: Error acquiring the state lock\n  Error message: resource temporarily unavailable\n  Lock Info:/, /another terraform run holds the state lock/],
    ['a CLI-config warning is not the failure', { stderr: `${cliConfigWarning}${backendText}` }, /: Backend initialization required/, /add --init/],
    ['no configuration', { stderr: 'Error: No configuration files\n\nPlan requires configuration to be present.' }, /: No configuration files/, /infra holds no \*\.tf files/],
    ['a required variable', { stderr: 'Error: No value for required variable\n\n  on variables.tf line 1:' }, /No value for required variable/, /--var NAME=VALUE or --var-file FILE/],
    ['a registry out of reach', { step: 'init', stderr: 'Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions' }, /^terraform init failed/, /could not reach a provider registry/],
    ['something else', { step: 'show', stderr: 'Error: Failed to read the given file as a state or plan file' }, /^terraform show failed in infra \(exit 1\): Failed to read/, /run `terraform -chdir=infra show`/],
    ['killed', { exitCode: undefined, signal: 'SIGKILL' }, /\(killed by SIGKILL\): no error message/, /stopped before it finished/],
    ['only output, no "Error:" line', { stderr: 'panic: runtime error\ngoroutine 1 [running]:' }, /: panic: runtime error\n  goroutine 1/, /rerun gitdiff with -v/],
  ])('%s', (_name, parts, message, hint) => {
    const error = terraformFailureError(failure(parts));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.message).not.toMatch(/[│╷╵]|\x1b/);
  });

  it('keeps at most a dozen lines of detail', () => {
    const stderr = `Error: Too much\n${Array.from({ length: 40 }, (_, i) => `detail line ${i}`).join('\n')}`;
    expect(terraformFailureError(failure({ stderr })).message.split('\n')).toHaveLength(13);
  });
});
