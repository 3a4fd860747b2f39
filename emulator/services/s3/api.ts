/**
 * What other services of the same region use of S3 (the Jobs engine: `documentSource`
 * documents and presigned-URL placeholders). The S3 service's region implements it as
 * `S3Region.objects`.
 */
export interface S3Objects {
  /**
   * The object's bytes, or undefined when the bucket or key does not exist. Throws an
   * AwsError (InvalidRequestException) when the object is larger than maxBytes.
   */
  read(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined>;
  /**
   * A presigned GET URL on the emulator's own endpoint (path style,
   * `http://<host>:<port>/<bucket>/<key>?X-Amz-Algorithm=...`), valid for expiresInSec
   * seconds from now and signed with the emulator's own key, so S3 verifies its signature.
   */
  presignGet(bucket: string, key: string, expiresInSec: number): string;
}
