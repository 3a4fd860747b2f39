import type { Handler, RouteOptions, Router } from "../../server/router";
import { checkPresigned, type PresignKey } from "./presign";

/** Adds a route whose presigned requests (SigV4 in the query) are checked before the handler runs. */
export type S3Routes = (operation: string, method: string, template: string, handler: Handler, opts?: RouteOptions) => void;

/** `now`: epoch ms, emulator time, what presigned URLs expire against. */
export function s3Routes(router: Router, key: () => PresignKey, now: () => number): S3Routes {
  return (operation, method, template, handler, opts) => {
    router.add(
      operation,
      method,
      template,
      (ctx) => {
        checkPresigned(ctx, key, now());
        return handler(ctx);
      },
      opts,
    );
  };
}
