import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { NumericPad } from '../numeric-pad/NumericPad.tsx';
import { Modal } from './Modal.tsx';

export interface Override {
  staffId: string;
  pin: string;
}

/**
 * A manager allows more points than the offline allowance leaves, or a redemption for a member
 * found by search rather than scanned: asked before Complete, with the reason in words. The PIN is checked by the backend when the
 * sale is completed (a wrong one counts towards the manager's lockout and is said beside Complete).
 */
export function OverrideDialog(props: { reason: string; onSubmit(o: Override): void; onCancel(): void }) {
  const { t } = useI18n();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const ready = staffId.trim() !== '' && pin.length >= 4;
  const submit = () => ready && props.onSubmit({ staffId: staffId.trim(), pin });
  return (
    <Modal label={t('redeem.override')} onClose={props.onCancel} className="override">
      <div className="override-words">
        <h2>{t('redeem.override')}</h2>
        <p role="alert">{props.reason}</p>
        <label>
          {t('redeem.overrideStaff')}
          <input
            value={staffId}
            autoComplete="off"
            data-autofocus
            onChange={(e) => setStaffId(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                submit();
              }
            }}
          />
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
      <NumericPad
        label={t('redeem.overridePin')}
        value={pin}
        onChange={setPin}
        onEnter={submit}
        enterLabel={t('common.confirm')}
        enterDisabled={!ready}
        display="masked"
        maxLength={8}
      />
    </Modal>
  );
}
