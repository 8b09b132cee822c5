import { useMemo, useState } from 'react';
import { buildFootbridge } from '../twin/footbridge.ts';
import { MemberDamageInputs } from './MemberDamageInputs.tsx';
import { useWorkbench, useWorkbenchState } from './WorkbenchContext.tsx';

/** Operator command: weaken one member of the plant (a stiffness drop), or repair it. */
export function DamagePanel() {
  const workbench = useWorkbench();
  const damage = useWorkbenchState((s) => s.damage);
  const connected = useWorkbenchState((s) => s.connection.status === 'open');
  const members = useMemo(() => buildFootbridge().members, []);
  const [member, setMember] = useState(() =>
    Math.max(
      0,
      members.findIndex((m) => m.label === 'bottom chord L7-8'),
    ),
  );
  const [health, setHealth] = useState(0.5);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (command: Parameters<typeof workbench.sendCommand>[0]) => {
    setBusy(true);
    setResult(await workbench.sendCommand(command));
    setBusy(false);
  };

  return (
    <div className="damage-panel">
      <p className="status-line" data-testid="damage-status">
        {damage ? (
          <>
            <span className="tag tag-bad">Damaged</span>{' '}
            {members[damage.member]?.label ?? `member ${damage.member}`} at{' '}
            {Math.round(damage.health * 100)} % stiffness
          </>
        ) : (
          <>
            <span className="tag tag-ok">Intact</span> all {members.length} members at full
            stiffness
          </>
        )}
      </p>
      <MemberDamageInputs
        members={members}
        label="Member"
        member={member}
        onMember={setMember}
        health={health}
        onHealth={setHealth}
        minHealth={0.1}
        maxHealth={1}
      />
      <div className="buttons">
        <button
          disabled={!connected || busy}
          onClick={() => void send({ kind: 'setDamage', member, health })}
        >
          Apply damage
        </button>
        <button
          className="secondary"
          disabled={!connected || busy || !damage}
          onClick={() => void send({ kind: 'clearDamage' })}
        >
          Repair
        </button>
      </div>
      {result ? <p className={result.ok ? 'ok-text' : 'error-text'}>{result.message}</p> : null}
    </div>
  );
}
