#!/usr/bin/env node
// The occi command: a client for any OCCI 1.1/1.2 cloud (see docs/guide/occi.md).
import { Command, CommanderError } from 'commander';
import { VERSION } from '../../version.js';
import { registerAct } from './commands/act.js';
import { registerMixin } from './commands/mixin.js';
import { registerRead } from './commands/read.js';
import { registerWrite } from './commands/write.js';
import { completionScript } from './completion.js';
import { classify, EXIT } from './exit.js';

const EPILOG = `
Endpoint and credentials, first found wins:
  --endpoint, --token, --os-cloud     flags
  OCCI_ENDPOINT, OCCI_TOKEN           environment
  OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_*_DOMAIN_NAME,
  OS_APPLICATION_CREDENTIAL_ID/_SECRET   Keystone, asked when the server answers 401
  OS_CLOUD                            a cloud in clouds.yaml (occi_endpoint sets the endpoint)
  the embedded cloud's token          on a local endpoint (default http://localhost:8888)

Exit codes: 0 ok, 1 unexpected, 2 usage or bad request, 3 not found, 4 conflict,
  5 authentication, 6 server or cloud failure (also an entity that went to error), 7 wait timeout.

Examples:
  $ occi templates
  $ occi create compute --os-tpl Debian --resource-tpl C2R2048D20 --title web1 --wait
  $ occi list compute
  $ occi action stop web1 --wait
  $ occi delete web1 --wait
Every verb has its own help: occi <verb> --help
`;

export function buildProgram(): Command {
  const program = new Command('occi')
    .description('use any OCCI cloud: discover it, create, list, act on and delete computes, volumes and networks')
    .version(VERSION)
    .showSuggestionAfterError()
    .addHelpText('after', EPILOG);
  registerRead(program);
  registerWrite(program);
  registerAct(program);
  registerMixin(program);
  program
    .command('completion')
    .argument('<shell>', 'bash or zsh')
    .description('print a shell completion script')
    .addHelpText('after', '\nExamples:\n  $ occi completion bash > ~/.local/share/bash-completion/completions/occi\n  $ occi completion zsh > "${fpath[1]}/_occi"\n  $ source <(occi completion bash)   # this shell only\n')
    .action((shell: string) => void process.stdout.write(completionScript(shell, program)));
  const exitOverride = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/** A reader that stops early (`occi … | head`) closes the pipe: that is the end of the output, not an error. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  });
}

async function main(): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander has printed its own message for the rest.
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const { code, message } = classify(e);
    process.stderr.write(`occi: ${message}\n`);
    process.exitCode = code;
  }
}

void main();
