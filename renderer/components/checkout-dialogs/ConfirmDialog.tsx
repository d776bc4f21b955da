import { useI18n } from '../../i18n/i18n.tsx';
import { Modal } from './Modal.tsx';

/** "Are you sure?" for a destructive action, asked in the app. Cancel has the focus: Enter alone never destroys. */
export function ConfirmDialog(props: { title: string; text: string; confirmLabel: string; onConfirm(): void; onCancel(): void }) {
  const { t } = useI18n();
  return (
    <Modal label={props.title} onClose={props.onCancel} tone="danger">
      <h2>{props.title}</h2>
      <p>{props.text}</p>
      <div className="dialog-actions">
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" data-autofocus onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </Modal>
  );
}
