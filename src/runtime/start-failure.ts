/**
 * What a runtime's failure to create or start a container means, read once, where the runtime's
 * own words come in (its stderr, as conmon relays it): the command does not exist (Docker's exit
 * code 127), cannot be executed (126), or the start failed for another reason (128).
 * @module
 */
import { InvalidParameter, MoorageError, SystemError } from '../errors.ts';

/** The typed error for a runtime's create or start failure message. */
export function startFailure(message: string): MoorageError {
  // runc: `exec: "x": executable file not found in $PATH`, `… no such file or directory`;
  // crun: `executable file `x` not found in $PATH: No such file or directory`.
  if (/executable file (.* )?not found|no such file or directory/i.test(message)) {
    return new InvalidParameter(message, 'MOORAGE_COMMAND_NOT_FOUND');
  }
  if (/permission denied|not executable/i.test(message)) return new InvalidParameter(message, 'MOORAGE_COMMAND_NOT_EXECUTABLE');
  return new SystemError(message, { code: 'MOORAGE_START_FAILED' });
}
