/**
 * AWS IoT's message-broker rules for client ids: at most 128 UTF-8 bytes and no leading
 * `$` (the SendDirectMessage reference states both, pattern `^[^$].*`, citing the broker
 * limits page). A refused id gets CONNACK return code 2, "identifier rejected".
 */
export const MAX_CLIENT_ID_BYTES = 128;

export function clientIdProblem(clientId: string): string | undefined {
  if (clientId.startsWith("$")) return "client ids starting with $ are reserved";
  if (Buffer.byteLength(clientId, "utf8") > MAX_CLIENT_ID_BYTES) return `client id longer than ${MAX_CLIENT_ID_BYTES} bytes`;
  return undefined;
}
