/** Node's permission model, which executors run under, is stable from 22.13: older lines cannot start them. */
export const NODE_MIN = [22, 13] as const;

/** Why this Node cannot run the service, or undefined when it can. */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1])) return undefined;
  return `needs Node ${NODE_MIN.join('.')} or later (Node 24 recommended); this is Node ${version}`;
}
