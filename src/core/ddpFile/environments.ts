// The `ddpExplorer.environments` setting: `{"$shared": {...}, "local": {"url": ...}, "staging": {...}}`. The CLI
// reads the same object from the workspace's .vscode/settings.json.
export interface Environments {
  shared: Record<string, unknown>;
  named: Map<string, Record<string, unknown>>;
  problems: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parseEnvironments(raw: unknown): Environments {
  const out: Environments = { shared: {}, named: new Map(), problems: [] };
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    out.problems.push('ddpExplorer.environments must be an object of environments');
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    if (!isRecord(value)) {
      out.problems.push(`Environment "${name}" must be an object of variables`);
      continue;
    }
    // A plain copy: a key such as "__proto__" stays a variable name.
    const vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) vars[k] = v;
    if (name === '$shared') out.shared = vars;
    else out.named.set(name, vars);
  }
  return out;
}

/** The variables of `selected` over the shared ones (none selected: the shared ones). */
export function environmentVariables(envs: Environments, selected: string | undefined): Record<string, unknown> {
  const vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(vars, envs.shared);
  if (selected !== undefined) Object.assign(vars, envs.named.get(selected) ?? {});
  return vars;
}
