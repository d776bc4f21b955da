/**
 * Builds the OpenAPI 3.1 document from the route table and the zod schemas in
 * shared/sync-protocol.ts (zod 4's JSON Schema output). server/openapi.json
 * is this document, written by `npm run server -- openapi > server/openapi.json`;
 * a test fails when the file and the code differ.
 */
import { z } from 'zod';
import { AUTH_SCHEME, AUTH_SCHEME_ED25519 } from '../../shared/sync-auth.ts';
import { MAX_BODY_BYTES, SYNC_PROTOCOL_VERSION, syncErrorSchema } from '../../shared/sync-protocol.ts';
import { ROUTES, type RouteDef } from './route-table.ts';

type Json = Record<string, unknown>;

const COMMON_ERRORS: Record<number, string> = {
  400: 'VALIDATION: malformed JSON, wrong types (details.issues lists each problem), or a bad cursor.',
  401: 'UNAUTHENTICATED: details.reason says why (missing, malformed, unknown_terminal, revoked, bad_signature, clock_skew, replay, pairing_code_*, protocol_retired, device_key_registered). Nothing was applied.',
  404: 'NOT_FOUND: the member, hold or route does not exist.',
  409: 'SEQUENCE_GAP (details.expectedSeq), SEQUENCE_CONFLICT, INSUFFICIENT_POINTS (details.available), MEMBER_BLOCKED or CONFLICT. Nothing was applied.',
  413: "PAYLOAD_TOO_LARGE: the body exceeds the route's limit (details.limit, bytes); nothing of it was read.",
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json.',
  429: 'RATE_LIMITED: too many requests from this address or terminal (details.limitedBy), or too many holds or tokens. The Retry-After header and details.retryAfterSeconds say when to try again. Nothing was applied.',
  500: 'INTERNAL: nothing was applied; retry.',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** Component name of a route's request or response body. */
function names(def: RouteDef): { body: string; response: string } {
  const base = def.operationId.charAt(0).toUpperCase() + def.operationId.slice(1);
  return { body: `${base}Request`, response: `${base}Response` };
}

export function buildOpenApiDocument(): Json {
  const schemas: Json = { SyncError: jsonSchema(syncErrorSchema, 'output') };
  const paths: Record<string, Json> = {};
  for (const def of ROUTES) {
    const n = names(def);
    const path = def.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const operation: Json = { operationId: def.operationId, summary: def.summary, security: def.auth ? [{ terminalSignature: [] }] : [] };
    const parameters: Json[] = [];
    if (def.params !== undefined) {
      const s = jsonSchema(def.params, 'input') as { properties: Record<string, Json> };
      for (const [name, schema] of Object.entries(s.properties)) parameters.push({ name, in: 'path', required: true, schema });
    }
    if (def.query !== undefined) {
      const s = jsonSchema(def.query, 'input') as { properties: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(s.properties))
        parameters.push({ name, in: 'query', required: s.required?.includes(name) ?? false, schema });
    }
    if (parameters.length > 0) operation.parameters = parameters;
    if (def.body !== undefined) {
      schemas[n.body] = jsonSchema(def.body, 'input');
      operation.requestBody = {
        required: true,
        description: `At most ${def.bodyLimit ?? MAX_BODY_BYTES} bytes (413 PAYLOAD_TOO_LARGE above).`,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${n.body}` } } },
      };
    }
    schemas[n.response] = jsonSchema(def.response, 'output');
    const responses: Json = {
      [String(def.status)]: {
        description: 'Success.',
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${n.response}` } } },
      },
    };
    // Any route may answer 429: every route has a per-address rate (server/http/abuse-limits.ts).
    for (const status of [...new Set([400, ...def.errors, ...(def.body === undefined ? [] : [413, 415]), 429, 500])].sort(
      (a, b) => a - b,
    )) {
      responses[String(status)] = {
        description: COMMON_ERRORS[status] ?? 'Error.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/SyncError' } } },
      };
    }
    operation.responses = responses;
    paths[path] = { ...(paths[path] ?? {}), [def.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loyalty Terminal sync protocol',
      version: String(SYNC_PROTOCOL_VERSION),
      description:
        'The contract between a loyalty terminal and a central loyalty server. Generated from shared/sync-protocol.ts; see docs/sync-protocol.md for the semantics (exactly-once events, atomic batches, cursors, holds).',
    },
    servers: [{ url: 'http://127.0.0.1:8787' }],
    paths,
    components: {
      securitySchemes: {
        terminalSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: `${AUTH_SCHEME_ED25519} terminal=<id>, ts=<ms>, nonce=<16–64 base64url chars>, sig=<base64url (86 chars) Ed25519 signature with the terminal's device key of METHOD\\nPATH?QUERY\\nts\\nnonce\\nsha256hex(body)> (protocol version 2; the public key was given at POST /v1/pair or POST /v1/device-key). During the transition window only, from a terminal without a device key: ${AUTH_SCHEME} with sig=<base64url HMAC-SHA256(sha256(secret), the same string)> (protocol version 1; after the window 401 protocol_retired). ts within ±5 minutes of the server clock; each nonce accepted once.`,
        },
      },
      schemas,
    },
  };
}
