// occi completion bash|zsh: a completion script made from the command tree
// itself (verbs, their options, and the kinds to list or create).
import type { Command } from 'commander';
import { UsageError } from './exit.js';

const WORDS: Record<string, string[]> = { list: ['compute', 'storage', 'network', 'networkinterface', 'storagelink'], create: ['compute', 'storage', 'network'], completion: ['bash', 'zsh'], action: ['start', 'stop', 'restart', 'suspend', 'save', 'up', 'down', 'online', 'offline'] };

function options(cmd: Command): string[] {
  return cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
}

function cases(program: Command): string {
  return program.commands
    .map((c) => {
      const sub = c.commands.map((s) => s.name());
      const words = [...sub, ...(WORDS[c.name()] ?? []), ...options(c), ...c.commands.flatMap(options)];
      return `    ${c.name()}) words="${[...new Set(words)].join(' ')}" ;;`;
    })
    .join('\n');
}

export function completionScript(shell: string, program: Command): string {
  if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion for ${shell} is not available; choose bash or zsh`);
  const verbs = program.commands.map((c) => c.name()).join(' ');
  const bash = `_occi_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${verbs} --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases(program)}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _occi_complete occi
`;
  const header = shell === 'zsh' ? '#compdef occi\n# zsh: load with  source <(occi completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n' : '# bash: load with  source <(occi completion bash)\n';
  return header + bash;
}
