import { invalid } from "../../server/errors";
import type { S3Objects } from "../s3/api";

/**
 * Job documents: inline (≤ 32 KB of JSON), or read once from S3 at CreateJob when given
 * as `documentSource`; presigned-URL placeholders
 * `${aws:iot:s3-presigned-url:https://s3.<region>.amazonaws.com/<bucket>/<key>}` stay in
 * the stored document (GetJobDocument shows them) and are replaced by a fresh presigned
 * GET URL each time a device reads the document.
 */

export const MAX_DOCUMENT_CHARS = 32_768;
export const MAX_DOCUMENT_BYTES = 32 * 1024;
const PLACEHOLDER = /\$\{aws:iot:s3-presigned-url:([^}]+)\}/g;

/** Bucket and key of an S3 URL: path style (`https://s3[.region].amazonaws.com/b/k`), virtual-host style, or `s3://b/k`. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  let path: string;
  try {
    path = decodeURIComponent(u.pathname.replace(/^\//, ""));
  } catch {
    // A malformed escape (`%zz`, a cut-off `%E0%A4`) names no key: the caller refuses the request.
    return undefined;
  }
  if (u.protocol === "s3:") return u.hostname && path ? { bucket: u.hostname, key: path } : undefined;
  if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
  if (/^s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(u.hostname)) {
    const slash = path.indexOf("/");
    return slash > 0 && slash < path.length - 1 ? { bucket: path.slice(0, slash), key: path.slice(slash + 1) } : undefined;
  }
  const vhost = /^(.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.exec(u.hostname);
  return vhost && path ? { bucket: vhost[1], key: path } : undefined;
}

export function placeholdersOf(document: string): string[] {
  return [...document.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** The document must be a JSON object (AWS refuses others with InvalidRequestException). */
export function checkDocument(document: string, member = "document"): string {
  if (document.length > MAX_DOCUMENT_CHARS) {
    throw invalid(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DOCUMENT_CHARS}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw invalid(`The ${member} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid(`The ${member} must be a JSON object`);
  for (const url of placeholdersOf(document)) {
    if (!parseS3Url(url)) throw invalid(`The presigned URL placeholder for '${url}' does not name an S3 bucket and key`);
  }
  return document;
}

/** Reads a `documentSource` from S3 (at CreateJob / CreateJobTemplate). */
export async function readDocumentSource(objects: S3Objects | undefined, source: string): Promise<string> {
  const where = parseS3Url(source);
  if (!where) throw invalid(`documentSource '${source}' is not an S3 URL (https://s3.amazonaws.com/<bucket>/<key>)`);
  if (!objects) throw invalid(`documentSource '${source}' cannot be read: this emulator has no S3 service`);
  const bytes = await objects.read(where.bucket, where.key, MAX_DOCUMENT_BYTES);
  if (!bytes) throw invalid(`The document source ${source} does not exist or cannot be read`);
  return checkDocument(bytes.toString("utf8"), "documentSource");
}

/** The document as a device sees it: every placeholder replaced by a presigned GET URL. */
export function substitutePresigned(document: string, objects: S3Objects | undefined, expiresInSec: number): string {
  if (!document.includes("${aws:iot:s3-presigned-url:")) return document;
  return document.replace(PLACEHOLDER, (whole, url: string) => {
    const where = parseS3Url(url);
    if (!where || !objects) return whole;
    // The URL lands inside a JSON string: escape what JSON would not take raw.
    return JSON.stringify(objects.presignGet(where.bucket, where.key, expiresInSec)).slice(1, -1);
  });
}
