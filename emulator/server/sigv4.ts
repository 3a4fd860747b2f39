/**
 * Reads the SigV4 credential scope of a request. The emulator routes on the scope's
 * service name, never on the path: identical method+path pairs exist in several AWS
 * services (for example `GET /things/{thing}/jobs` in `iot` and `iot-jobs-data`).
 * Signatures are not verified: the emulator accepts any (dummy) credentials.
 */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

export function parseCredentialScope(authorization: string | undefined, query: URLSearchParams): CredentialScope | undefined {
  let credential: string | undefined;
  if (authorization?.startsWith("AWS4-HMAC-SHA256")) {
    const m = /Credential=([^,\s]+)/.exec(authorization);
    credential = m?.[1];
  } else {
    credential = query.get("X-Amz-Credential") ?? undefined;
  }
  if (!credential) return undefined;
  const m = SCOPE.exec(credential);
  if (!m) return undefined;
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4] };
}
