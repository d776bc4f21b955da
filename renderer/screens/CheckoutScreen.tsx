import { useState } from 'react';
import type { Member, Output, ScanOutcome } from '../../shared/api.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { useScans } from '../app/use-scans.ts';
import { CameraPanel } from '../components/CameraPanel.tsx';
import { MemberPanel } from '../components/MemberPanel.tsx';

type Staff = Output<'staff.login'>['staff'];

export function CheckoutScreen({ staff, onSignOut }: { staff: Staff; onSignOut(): void }) {
  const { client } = useApi();
  const [member, setMember] = useState<Member | null>(null);
  const [notice, setNotice] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const [camera, setCamera] = useState(false);

  const show = (outcome: ScanOutcome) => {
    switch (outcome.kind) {
      case 'member':
        setMember(outcome.member);
        return setNotice({ tone: 'good', text: `✓ Member found: ${outcome.member.name}` });
      case 'product':
        return setNotice({ tone: 'good', text: `✓ ${outcome.product.name}` });
      case 'blank-card':
        return setNotice({ tone: 'bad', text: 'This card is not yet issued to anyone. A manager can enrol the customer with it.' });
      case 'unknown-member':
        return setNotice({ tone: 'bad', text: 'This member is not on this terminal yet. Search by phone or name, or try again after the next sync.' });
      case 'unknown-product':
        return setNotice({ tone: 'bad', text: 'This product is not in the catalogue. Key the amount and category instead.' });
      case 'rejected':
        return setNotice({ tone: 'bad', text: `✗ ${outcome.reason}` });
    }
  };

  const onScan = async (scan: ScanEvent) => {
    try {
      show(await client.call('scan.resolve', scan));
    } catch (e) {
      setNotice({ tone: 'bad', text: e instanceof ApiError ? e.message : 'The scan could not be checked. Scan again.' });
    }
  };
  useScans(onScan);

  return (
    <main className="screen checkout">
      <header className="topbar">
        <span>{staff.name}</span>
        <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera}>
          {camera ? 'Close camera' : 'Scan with camera'}
        </button>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {member ? <MemberPanel member={member} /> : <p className="prompt">Scan the member’s card or QR code</p>}
      {notice && (
        <p className={`notice notice-${notice.tone}`} role="status" data-tone={notice.tone}>
          {notice.text}
        </p>
      )}
      {camera && <CameraPanel onScan={onScan} />}
    </main>
  );
}
