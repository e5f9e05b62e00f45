/**
 * Docker's restart policies as a create or an update names them: `no`, `always`,
 * `unless-stopped`, `on-failure` with an optional retry count.
 * @module
 */
import type { RestartPolicy } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';

const POLICIES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];

/** Checks a policy by Docker's rules and fills in its defaults. */
export function validatePolicy(p: Partial<RestartPolicy> | undefined): RestartPolicy {
  const name = (p?.Name ?? '') as RestartPolicy['Name'];
  const max = p?.MaximumRetryCount ?? 0;
  if (!POLICIES.includes(name)) throw new InvalidParameter(`invalid restart policy '${name}'`);
  if (max < 0) throw new InvalidParameter('invalid restart policy: maximum retry count cannot be negative');
  if (max > 0 && name !== 'on-failure') {
    throw new InvalidParameter(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  return { Name: name, MaximumRetryCount: max };
}
