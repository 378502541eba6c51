// Whether the text plan is coloured: only on a terminal, as Terraform users expect, and never when
// told otherwise. Precedence: --no-color, then NO_COLOR (https://no-color.org), then FORCE_COLOR,
// then whether stdout is a TTY. Files, --out, JSON and Markdown are never coloured (their
// renderers have no colour at all).
export interface ColourSignals {
  noColorFlag?: boolean;
  env: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

export function useColour({ noColorFlag, env, isTTY }: ColourSignals): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  return isTTY === true;
}
