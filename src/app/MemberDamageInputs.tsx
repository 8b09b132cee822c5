import type { TrussMember } from '../twin/trussModel.ts';

interface Props {
  readonly members: readonly TrussMember[];
  readonly member: number;
  readonly onMember: (member: number) => void;
  readonly health: number;
  readonly onHealth: (health: number) => void;
  /** Caption of the member choice. */
  readonly label: string;
  /** Smallest remaining stiffness offered. */
  readonly minHealth: number;
  readonly maxHealth: number;
  /** Prefix of the inputs' data-testid (`PREFIX-member`, `PREFIX-health`); none when omitted. */
  readonly testId?: string;
}

/** A member of the bridge and its remaining stiffness: the operator's damage and the fit's hidden one. */
export function MemberDamageInputs(props: Props) {
  const { members, member, health, testId } = props;
  return (
    <>
      <label>
        {props.label}
        <select
          value={member}
          data-testid={testId && `${testId}-member`}
          onChange={(e) => props.onMember(Number(e.target.value))}
        >
          {members.map((m, i) => (
            <option key={i} value={i}>
              {i} · {m.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Remaining stiffness <output>{Math.round(health * 100)} %</output>
        <input
          type="range"
          min={props.minHealth}
          max={props.maxHealth}
          step={0.05}
          value={health}
          data-testid={testId && `${testId}-health`}
          onChange={(e) => props.onHealth(Number(e.target.value))}
        />
      </label>
    </>
  );
}
