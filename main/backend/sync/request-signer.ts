/**
 * Signs sync requests as this terminal (shared/sync-auth.ts): with its Ed25519
 * device key (LT2-ED25519, protocol version 2), or with the HMAC secret of a
 * pairing made before device keys (LT1-HMAC-SHA256, version 1) until the
 * terminal has registered a device key. node:crypto: this runs only in the
 * terminal's backend. The private key never leaves the terminal; it is kept
 * sealed in the credentials (credentials.ts) and never logged.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { bodySha256Hex, canonicalRequest, ed25519Authorization, newNonce, signRequest } from '../../../shared/sync-auth.ts';

/** How a request is signed: the device key (version 2) or the HMAC secret (version 1). */
export type RequestAuth = { terminalId: string; secret: string } | { terminalId: string; signingKey: string | KeyObject };

export interface RequestToSign {
  method: string;
  pathWithQuery: string;
  body?: string | Uint8Array;
  ts: number;
  /** Defaults to 16 random bytes, base64url. */
  nonce?: string;
}

/** The Authorization header value for one request. */
export async function authorizationFor(auth: RequestAuth, req: RequestToSign): Promise<string> {
  if ('secret' in auth) {
    return signRequest({
      terminalId: auth.terminalId,
      secret: auth.secret,
      method: req.method,
      pathWithQuery: req.pathWithQuery,
      body: req.body ?? '',
      ts: req.ts,
      ...(req.nonce === undefined ? {} : { nonce: req.nonce }),
    });
  }
  const nonce = req.nonce ?? newNonce();
  const canonical = canonicalRequest(req.method, req.pathWithQuery, req.ts, nonce, await bodySha256Hex(req.body ?? ''));
  const sig = sign(null, Buffer.from(canonical, 'utf8'), signingKeyObject(auth.signingKey));
  return ed25519Authorization(auth.terminalId, req.ts, nonce, sig);
}

export interface DeviceKeyPair {
  /** The private key, PKCS#8 DER, base64url: what the sealed credentials keep. */
  signingKey: string;
  /** The raw 32-byte public key, base64url (43 characters): what the server keeps. */
  publicKey: string;
}

/** A new Ed25519 device key pair. */
export function newDeviceKeyPair(): DeviceKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    signingKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'),
    publicKey: devicePublicKeyOf(privateKey),
  };
}

/** The raw public key (base64url) of a device private key. */
export function devicePublicKeyOf(signingKey: string | KeyObject): string {
  return signingKeyObject(signingKey).export({ format: 'jwk' }).x!;
}

function signingKeyObject(signingKey: string | KeyObject): KeyObject {
  return typeof signingKey === 'string'
    ? createPrivateKey({ key: Buffer.from(signingKey, 'base64url'), format: 'der', type: 'pkcs8' })
    : signingKey;
}
