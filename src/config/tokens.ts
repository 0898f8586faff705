// The tokens of the embedded cloud as configured (local.tokens): each one a
// secret long enough that it cannot be guessed.

import { MIN_TOKEN_LENGTH } from '../backends/local/tokens.js';

export function validateTokens(tokens: unknown, problems: string[]): void {
  const shape = 'a list of {"token": "<secret>", "tenant": "<name>"}';
  if (!Array.isArray(tokens)) return void problems.push(`local.tokens: must be ${shape}`);
  tokens.forEach((t: { token?: unknown; tenant?: unknown } | null, i) => {
    if (typeof t?.token !== 'string' || typeof t.tenant !== 'string' || t.tenant === '') {
      problems.push(`local.tokens[${i}]: must be {"token": "<secret>", "tenant": "<name>"}`);
    } else if (t.token.length < MIN_TOKEN_LENGTH) {
      problems.push(
        `local.tokens[${i}] (tenant ${t.tenant}): the token has ${t.token.length} characters; ` +
          `tokens need at least ${MIN_TOKEN_LENGTH} characters; make one with \`openssl rand -hex 32\``,
      );
    }
  });
}

