/**
 * A handler's answer already serialised as JSON text (built by the database,
 * e.g. a pull page of 5,000 members): sent as is, not parsed and re-serialised.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
