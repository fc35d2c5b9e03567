/**
 * The TLS profile of the HTTPS listener: Mozilla "intermediate", guidelines 6.0
 * (https://ssl-config.mozilla.org/guidelines/6.0.json), expressed as Node `tls` options.
 * security-requirements.md TLS-1 (versions), TLS-2 (cipher list), TLS-4 (groups), TLS-5 (client
 * preference), TLS-6 (renegotiation), TLS-7 (ticket keys in memory only).
 *
 * The same options must go to the listener AND to every per-project SecureContext the SNI callback
 * hands out, so a context swapped in by SNI cannot widen what the listener accepts.
 */
import { constants, randomBytes } from 'node:crypto';
import { createSecureContext } from 'node:tls';

/** Mozilla intermediate 6.0, transcribed (test/fixtures/mozilla-intermediate-6.0.json checks it). */
export const MOZILLA_INTERMEDIATE = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  /** TLS 1.2 suites, OpenSSL names, in Mozilla's order: ECDHE + AEAD only (no CBC, no DHE, no RSA kx). */
  tls12Ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ],
  /** TLS 1.3 suites. Node takes them in the same `ciphers` string (the `TLS_` prefix tells them apart). */
  tls13Suites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'],
  /** Key-exchange groups, Mozilla's order; the hybrid post-quantum group only where the runtime has it. */
  groups: ['X25519MLKEM768', 'X25519', 'prime256v1', 'secp384r1'],
  hybridGroup: 'X25519MLKEM768',
  /** `server_preferred_order: false`: the client picks among equally good suites (TLS-5). */
  serverPreferredOrder: false,
} as const;

/** Node's default, and the ceiling TLS-7 sets: a resumable session lives at most 5 minutes. */
const SESSION_TIMEOUT_SECONDS = 300;

/** Node's ticket-key buffer: 16 bytes name, 16 bytes HMAC key, 16 bytes AES key (nodejs doc/api/tls.md `ticketKeys`). */
const TICKET_KEY_BYTES = 48;

/** Ticket keys are replaced twice a day; TLS-7 asks for at least once every 24 h. */
export const TICKET_KEY_ROTATION_MS = 12 * 60 * 60 * 1000;

/** What the runtime's TLS library supports; detected once, injectable so tests can model BoringSSL. */
export interface TlsRuntimeFeatures {
  /** `crypto.constants.SSL_OP_NO_RENEGOTIATION`, undefined where the library lacks it (Electron's BoringSSL). */
  noRenegotiationOption: number | undefined;
  /** Whether `ecdhCurve` accepts the X25519MLKEM768 hybrid group (OpenSSL ≥ 3.5, recent BoringSSL). */
  hybridKeyExchange: boolean;
}

/** The options passed to `tls.createServer` / `http2.createSecureServer` / `tls.createSecureContext`. */
export interface IntermediateTlsOptions {
  minVersion: 'TLSv1.2';
  maxVersion: 'TLSv1.3';
  ciphers: string;
  ecdhCurve: string;
  honorCipherOrder: false;
  secureOptions: number;
  sessionTimeout: number;
  ticketKeys: Buffer;
}

let detected: TlsRuntimeFeatures | undefined;

/** Feature-detects the runtime once (a throwaway SecureContext), at first use rather than at import. */
export function detectTlsRuntime(): TlsRuntimeFeatures {
  if (detected) return detected;
  let hybridKeyExchange = true;
  try {
    createSecureContext({ ecdhCurve: `${MOZILLA_INTERMEDIATE.hybridGroup}:X25519` });
  } catch {
    hybridKeyExchange = false;
  }
  const noRenegotiation = (constants as unknown as Record<string, number | undefined>).SSL_OP_NO_RENEGOTIATION;
  detected = { noRenegotiationOption: noRenegotiation, hybridKeyExchange };
  return detected;
}

/** 48 fresh random bytes for session tickets: kept in memory only, never written anywhere (TLS-7). */
export function newTicketKeys(): Buffer {
  return randomBytes(TICKET_KEY_BYTES);
}

/**
 * Node `tls` options for Mozilla intermediate 6.0. Each call carries fresh ticket keys, so two
 * proxy starts never share them.
 */
export function intermediateTlsOptions(features: TlsRuntimeFeatures = detectTlsRuntime()): IntermediateTlsOptions {
  const groups = MOZILLA_INTERMEDIATE.groups.filter((group) => group !== MOZILLA_INTERMEDIATE.hybridGroup || features.hybridKeyExchange);
  return {
    minVersion: MOZILLA_INTERMEDIATE.minVersion,
    maxVersion: MOZILLA_INTERMEDIATE.maxVersion,
    // Explicit, never Node's default list, which carries CBC and DHE suites (TLS-2).
    ciphers: [...MOZILLA_INTERMEDIATE.tls13Suites, ...MOZILLA_INTERMEDIATE.tls12Ciphers].join(':'),
    // Explicit, never 'auto', which lets OpenSSL add x448/secp521r1 that a Mozilla checker flags (TLS-4).
    ecdhCurve: groups.join(':'),
    // tls.createServer defaults this to true (nodejs doc/api/tls.md); Mozilla wants client order (TLS-5).
    honorCipherOrder: MOZILLA_INTERMEDIATE.serverPreferredOrder,
    // Renegotiation is a DoS vector; BoringSSL never renegotiates as a server and may lack the flag (TLS-6).
    secureOptions: features.noRenegotiationOption ?? 0,
    sessionTimeout: SESSION_TIMEOUT_SECONDS,
    ticketKeys: newTicketKeys(),
  };
}

/** Anything holding session-ticket keys: `tls.Server`, `http2.Http2SecureServer`, `https.Server`. */
export interface TicketKeyHolder {
  setTicketKeys(keys: Buffer): void;
}

/**
 * Replaces the listener's ticket keys: tickets issued before stop resuming, so a key that leaked
 * decrypts at most one rotation period of TLS 1.2 sessions (TLS-7).
 */
export function rotateTicketKeys(server: TicketKeyHolder): void {
  server.setTicketKeys(newTicketKeys());
}

/** Rotates the keys on a timer that does not keep the process alive; returns the function that stops it. */
export function scheduleTicketKeyRotation(server: TicketKeyHolder, everyMs: number = TICKET_KEY_ROTATION_MS): () => void {
  const timer = setInterval(() => rotateTicketKeys(server), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
