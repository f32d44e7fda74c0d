import 'ses';
import { capAllocations } from './allocation-caps';
import { installBeforeLockdown } from './stdlib';

/**
 * Locks this thread's realm down once. Options chosen on purpose:
 * - overrideTaming 'severe': lets scripts assign `o.constructor`/`o.toString` style keys on their own
 *   objects (the override mistake would otherwise throw on plain data code);
 * - errorTaming 'safe': no stacks leak host paths;
 * - errorTrapping / unhandledRejectionTrapping 'none': the worker installs its own handlers, so SES never
 *   exits or prints on a script's behalf; reporting 'none' keeps lockdown quiet.
 */
export interface SesIntrinsics {
  /**
   * The Error constructor compartments see (SES's tamed %SharedError%). Every error the bridge hands to a
   * script is built from it: the start compartment's own Error is privileged (live prepareStackTrace and
   * captureStackTrace), and reaching it through a prototype chain would leak host stacks across scripts.
   */
  SharedError: ErrorConstructor;
  /** The start compartment's Date and Math after lockdown: frozen, with a working clock and random(). */
  InitialDate: DateConstructor;
  InitialMath: Math;
}

/** `heapMb`: the thread's old-generation limit, which bounds what one built-in call may allocate. */
export function installSes(heapMb: number): SesIntrinsics {
  // Before lockdown, which freezes them with the other intrinsics.
  installBeforeLockdown();
  capAllocations(heapMb);
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
  // Read after lockdown on purpose: lockdown swaps these globals for frozen versions whose clock and
  // random() still work (the compartments' shared ones throw), while the originals stay mutable.
  const InitialDate = harden(globalThis.Date);
  const InitialMath = harden(globalThis.Math);
  const SharedError = new Compartment({ __options__: true }).globalThis.Error as ErrorConstructor;
  return { SharedError, InitialDate, InitialMath };
}
