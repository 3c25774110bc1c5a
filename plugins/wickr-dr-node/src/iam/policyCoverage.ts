import { allowedOptionalGrants, RequiredAction } from './iamActions';
import { actionMatches, asList, PolicyDocument, statementsAllowing } from './policyDocument';

/** The required actions no Allow statement grants, each with the calls that need it. */
export function missingGrants(policy: PolicyDocument, required: RequiredAction[]): string[] {
  return required
    .filter(r => statementsAllowing(policy, r.action).length === 0)
    .map(r => `${r.action} (needed by ${r.neededBy.join('; ')})`);
}

/**
 * The grants the code does not need: an action no call requires (an optional grant
 * counts only while the call that needs it is made), or a wildcard, which grants
 * operations nobody has checked the code for.
 */
export function unneededGrants(policy: PolicyDocument, required: RequiredAction[]): string[] {
  const needed = [...required.map(r => r.action), ...allowedOptionalGrants(required).map(g => g.action)];
  return policy.Statement.flatMap(statement =>
    asList(statement.Action)
      .map(pattern => {
        if (/[*?]/.test(pattern)) return `${statement.Sid}: ${pattern} is a wildcard; list the actions the code calls`;
        return needed.some(action => actionMatches(pattern, action))
          ? undefined
          : `${statement.Sid}: ${pattern} is granted, but no production code calls it`;
      })
      .filter((line): line is string => line !== undefined),
  );
}
