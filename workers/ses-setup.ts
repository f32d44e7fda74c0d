import 'ses';

/**
 * Locks this thread's realm down once. Options chosen on purpose:
 * - overrideTaming 'severe': lets scripts assign `o.constructor`/`o.toString` style keys on their own
 *   objects (the override mistake would otherwise throw on plain data code);
 * - errorTaming 'safe': no stacks leak host paths;
 * - errorTrapping / unhandledRejectionTrapping 'none': the worker installs its own handlers, so SES never
 *   exits or prints on a script's behalf; reporting 'none' keeps lockdown quiet.
 */
export function installSes(): void {
  lockdown({
    errorTaming: 'safe',
    overrideTaming: 'severe',
    consoleTaming: 'unsafe',
    errorTrapping: 'none',
    unhandledRejectionTrapping: 'none',
    evalTaming: 'safe-eval',
    stackFiltering: 'concise',
    localeTaming: 'unsafe',
    reporting: 'none',
  });
}
