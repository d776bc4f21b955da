// Ids are made the same way in the renderer (sale ids) and the backend: one implementation in shared/.
export { uuidv7 } from '../../../shared/ids.ts';
