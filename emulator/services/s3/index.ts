import { AwsError } from "../../server/errors";
import { Router } from "../../server/router";
import type { EmulatorService, ServiceRegion } from "../../service";
import type { S3Objects } from "./api";
import { S3_KINDS, S3State } from "./model";
import { presignKey, presignUrl } from "./presign";
import { restXml, S3_ERRORS } from "./protocol";
import { s3Routes } from "./routes";
import { registerBucketRoutes } from "./routes-buckets";
import { registerMultipartRoutes } from "./routes-multipart";
import { registerObjectRoutes } from "./routes-objects";

export type { S3Objects } from "./api";

export interface S3Region extends ServiceRegion {
  /** What the region's other services (the Jobs engine) use of S3. */
  objects: S3Objects;
  state: S3State;
}

/**
 * S3, the part the emulator's features need (docs/emulator.md "S3"): buckets, objects
 * streamed to the blob area, listings, multipart uploads, presigned URLs. Path-style
 * only (`http://<host>:<port>/<bucket>/<key>`); state per (account, region).
 */
export const s3Service: EmulatorService<S3Region> = {
  name: "s3",
  signingNames: ["s3"],
  protocol: restXml,
  errors: S3_ERRORS,
  // XML bodies only (DeleteObjects: 1,000 keys; CompleteMultipartUpload: 10,000 parts); objects stream.
  maxBodyBytes: 4 * 1024 * 1024,
  kinds: Object.values(S3_KINDS).map((kind) => ({ kind, version: 0 })),
  createRegion(ctx) {
    // Emulator time, as the Jobs engine keeps it: advancing the clock expires presigned URLs too.
    const now = () => ctx.clock.now();
    const state = new S3State(ctx.store, () => ctx.shared.blobs(), `${ctx.account}/${ctx.region}/`, now);
    let key: ReturnType<typeof presignKey> | undefined;
    const ownKey = () => (key ??= presignKey(ctx.store));
    // The port is known once the server listens (config is updated in place then).
    const host = () => `${ctx.config.host}:${ctx.config.httpPort}`;
    const router = new Router();
    const add = s3Routes(router, ownKey, now);
    registerBucketRoutes(add, state, { region: ctx.region, account: ctx.account });
    registerObjectRoutes(add, state);
    registerMultipartRoutes(add, state, { account: ctx.account, host });

    const objects: S3Objects = {
      async read(bucket, objectKey, maxBytes) {
        if (!state.hasBucket(bucket)) return undefined;
        const doc = state.object(bucket, objectKey);
        if (!doc) return undefined;
        if (doc.size > maxBytes)
          throw new AwsError("InvalidRequestException", `The object s3://${bucket}/${objectKey} is ${doc.size} bytes; at most ${maxBytes} are allowed`, 400);
        const chunks: Buffer[] = [];
        for await (const c of await state.open(doc)) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      },
      presignGet(bucket, objectKey, expiresInSec) {
        return presignUrl({ key: ownKey(), method: "GET", host: host(), bucket, objectKey, region: ctx.region, expiresInSec, now: new Date(now()) });
      },
    };
    return { router, objects, state };
  },
};
